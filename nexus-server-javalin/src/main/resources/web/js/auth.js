// Signing in: the sandbox's token endpoint, or Auth0 Universal Login with the authorization code
// flow and PKCE (S256) for a single-page app.

import { ApiError, session } from './api.js';

const PKCE_KEY = 'nexus.pkce';

function base64Url(bytes) {
  let text = '';
  for (const b of bytes) {
    text += String.fromCharCode(b);
  }
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(size) {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes);
  return base64Url(bytes);
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function redirectUri() {
  return window.location.origin + '/';
}

/**
 * The tenant's base URL as the server's /config.json gives it (https://DOMAIN in production; a
 * loopback http:// URL only for a local test tenant), without a trailing slash.
 */
function tenantUrl(auth0) {
  return String(auth0.base_url || `https://${auth0.domain}`).replace(/\/+$/, '');
}

/** Asks the sandbox for a token; organization empty means a personal workspace. */
export async function sandboxSignIn(email, organization, role) {
  const body = { email };
  if (organization) {
    body.organization = organization;
    body.role = role;
  }
  let response;
  try {
    response = await fetch('/sandbox/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'The server could not be reached.');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, data.detail || 'Signing in failed.');
  }
  session.setToken(data.access_token);
}

/** Sends the browser to Auth0's Universal Login. */
export async function auth0Redirect(auth0, organization) {
  if (!auth0 || !auth0.domain || !auth0.client_id) {
    throw new ApiError(0, 'This server has no browser sign-in configured (missing Auth0 SPA client id).');
  }
  const verifier = randomString(48);
  const state = randomString(24);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: auth0.client_id,
    redirect_uri: redirectUri(),
    scope: 'openid profile email',
    audience: auth0.audience || '',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  if (organization) {
    params.set('organization', organization);
  }
  window.location.assign(`${tenantUrl(auth0)}/authorize?${params}`);
}

/**
 * Completes an Auth0 login when the page was opened with ?code=…&state=…; returns true when it
 * did. The token exchange is a cross-origin fetch to the tenant, which the server's
 * Content-Security-Policy allows in connect-src (that origin only).
 */
export async function completeAuth0(auth0) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) {
    return false;
  }
  const stored = JSON.parse(sessionStorage.getItem(PKCE_KEY) || '{}');
  sessionStorage.removeItem(PKCE_KEY);
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  if (params.has('error')) {
    throw new ApiError(0, 'Sign-in was not completed: ' + (params.get('error_description') || params.get('error')));
  }
  if (!stored.state || stored.state !== params.get('state')) {
    throw new ApiError(0, 'The sign-in answer did not match this browser session; please sign in again.');
  }
  let response;
  try {
    response = await fetch(`${tenantUrl(auth0)}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: auth0.client_id,
        code: params.get('code'),
        code_verifier: stored.verifier,
        redirect_uri: redirectUri(),
      }),
    });
  } catch (e) {
    throw new ApiError(0, 'The sign-in service could not be reached (is it allowed by the page\'s security policy?).');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok || !data.access_token) {
    throw new ApiError(response.status, data.error_description || 'The sign-in code could not be exchanged.');
  }
  session.setToken(data.access_token);
  return true;
}

/** Where Auth0 ends the session, or null in the sandbox. */
export function auth0LogoutUrl(auth0) {
  if (!auth0 || !auth0.domain || !auth0.client_id) {
    return null;
  }
  const params = new URLSearchParams({ client_id: auth0.client_id, returnTo: redirectUri() });
  return `${tenantUrl(auth0)}/v2/logout?${params}`;
}
