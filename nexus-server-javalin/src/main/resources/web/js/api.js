// The Nexus HTTP API as the page uses it: bearer token, optional Gemini key, problem+json errors,
// and chat turns read as server-sent events from a POST response body.

const TOKEN_KEY = 'nexus.token';
const GEMINI_KEY = 'nexus.geminiApiKey';

/** An API failure with a sentence a person can read. */
export class ApiError extends Error {
  constructor(status, detail, type) {
    super(detail);
    this.status = status;
    this.type = type || '';
  }
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  setToken: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export const geminiKey = {
  get: () => localStorage.getItem(GEMINI_KEY) || '',
  set: (key) => localStorage.setItem(GEMINI_KEY, key),
  remove: () => localStorage.removeItem(GEMINI_KEY),
};

function headers(extra, withModelKey) {
  const h = { ...extra };
  const token = session.token();
  if (token) {
    h.Authorization = 'Bearer ' + token;
  }
  const key = withModelKey ? geminiKey.get() : '';
  if (key) {
    h['X-Gemini-Api-Key'] = key;
  }
  return h;
}

async function problemOf(response) {
  let detail = `The server answered ${response.status} ${response.statusText}.`;
  let type = '';
  try {
    const text = await response.text();
    const body = JSON.parse(text);
    if (body && typeof body.detail === 'string') {
      detail = body.detail.charAt(0).toUpperCase() + body.detail.slice(1);
      if (!/[.!?]$/.test(detail)) {
        detail += '.';
      }
    } else if (body && typeof body.title === 'string') {
      detail = body.title + '.';
    }
    type = body && body.type ? String(body.type) : '';
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, detail, type);
}

/** A JSON request; resolves to the parsed body (or null for 204), rejects with ApiError. */
export async function api(method, path, body, options = {}) {
  const init = { method, headers: headers({ Accept: 'application/json' }, options.modelKey) };
  if (body !== undefined && body !== null) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    throw await problemOf(response);
  }
  if (response.status === 204) {
    return null;
  }
  return response.json();
}

/**
 * Posts and reads the answer as server-sent events, calling onEvent(name, data) for each one as it
 * arrives. Resolves to true when a final event (done or error) arrived, false when the stream ended
 * early (the connection was lost).
 */
export async function stream(path, body, onEvent) {
  const init = {
    method: 'POST',
    headers: headers({ Accept: 'text/event-stream' }, true),
  };
  if (body !== undefined && body !== null) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    throw await problemOf(response);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let finished = false;
  const dispatch = (frame) => {
    let name = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) {
        name = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (data.length === 0) {
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch (e) {
      return;
    }
    if (name === 'done' || name === 'error') {
      finished = true;
    }
    onEvent(name, parsed);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  } catch (e) {
    return finished;
  }
  if (buffer.trim()) {
    dispatch(buffer);
  }
  return finished;
}
