// The Nexus workspace: sign in, chat with streamed answers, approval cards, connections, the
// Gemini key, members and the audit log. Uses only the public HTTP API.

import { api, ApiError, geminiKey, session, stream } from './api.js';
import { auth0LogoutUrl, auth0Redirect, completeAuth0, sandboxSignIn } from './auth.js';
import { el, $, showError, clearError, formatTime } from './dom.js';
import { approvalCard, decorateApproval } from './approvals.js';

const ROLE_RANK = { guest: 0, member: 1, manager: 2, admin: 3 };
const AUDIT_ACTIONS = [
  'tool_call_allowed', 'tool_call_denied', 'approval_requested', 'approval_granted',
  'approval_declined', 'approval_expired', 'approval_decision_refused', 'tool_call_executed',
  'tool_call_failed', 'turn_step_limit_reached', 'organization_created', 'member_changed',
  'member_removed', 'connection_added', 'connection_removed',
];
const AUDIT_PAGE = 25;

const state = {
  config: null,
  me: null,
  conversation: null,
  connections: [],
  busy: false,
  audit: { pages: [0], index: 0, next: 0 },
};

function atLeast(role) {
  return state.me && ROLE_RANK[state.me.role] >= ROLE_RANK[role];
}

// ---- navigation ----

const VIEWS = ['signin', 'chat', 'approvals', 'connections', 'settings', 'members', 'audit'];

function currentView() {
  const name = window.location.hash.replace(/^#/, '').split('/')[0];
  return VIEWS.includes(name) && name !== 'signin' ? name : 'chat';
}

async function render() {
  const signedIn = Boolean(session.token() && state.me);
  const view = signedIn ? currentView() : 'signin';
  for (const name of VIEWS) {
    $('view-' + name).hidden = name !== view;
  }
  $('nav').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  for (const link of document.querySelectorAll('#nav a')) {
    const role = link.dataset.role;
    link.hidden = Boolean(role) && !atLeast(role);
    if (link.dataset.view === view) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  document.title = `Nexus · ${view === 'signin' ? 'Sign in' : $(`view-${view}`).querySelector('h1').textContent}`;
  try {
    if (view === 'signin') {
      renderSignIn();
    } else if (view === 'chat') {
      await loadConversations();
    } else if (view === 'approvals') {
      await loadApprovals();
    } else if (view === 'connections') {
      await loadConnections();
    } else if (view === 'settings') {
      renderKey();
    } else if (view === 'members') {
      await loadMembers();
    } else if (view === 'audit') {
      await loadAudit(true);
    }
  } catch (e) {
    handle(e);
  }
}

function handle(error) {
  if (error instanceof ApiError && error.status === 401 && session.token()) {
    session.clear();
    state.me = null;
    showError('Your session has ended (' + error.message.replace(/\.$/, '') + '). Please sign in again.');
    render();
    return;
  }
  showError(error instanceof ApiError ? error.message : 'Something went wrong in the page: ' + error.message);
}

// ---- sign in ----

function renderSignIn() {
  const sandbox = state.config && state.config.mode === 'sandbox';
  $('sandbox-form').hidden = !sandbox;
  $('auth0-box').hidden = sandbox;
}

async function loadMe() {
  state.me = await api('GET', '/api/me');
  state.connections = state.me.connections || [];
  const who = state.me.user.replace(/^sandbox\|/, '');
  const where = state.me.organization.startsWith('personal-')
    ? 'personal workspace' : state.me.organization;
  $('whoami').textContent = `${who} · ${state.me.role} · ${where}`;
  $('whoami').title = `${state.me.user}, ${state.me.role} of ${state.me.organization}`;
}

async function signedIn() {
  clearError();
  await loadMe();
  if (!window.location.hash || window.location.hash === '#signin') {
    window.location.hash = '#chat';
  }
  await render();
}

// ---- chat ----

async function loadConversations() {
  await refreshConversationList();
  if (state.conversation && !$('messages').hasChildNodes()) {
    await openConversation(state.conversation);
  } else if (!state.conversation && !$('messages').hasChildNodes()) {
    $('messages').replaceChildren(el('p', { class: 'empty' },
      'Start by asking something, for example “Read my latest 5 emails”. Connect Gmail or Notion on the Connections page first.'));
  }
}

async function openConversation(id) {
  const conversation = await api('GET', `/api/conversations/${encodeURIComponent(id)}`);
  state.conversation = conversation.id;
  const box = $('messages');
  box.replaceChildren();
  const calls = new Map();
  const approvals = new Map(conversation.approvals.map((a) => [a.call.id, a]));
  for (const m of conversation.messages) {
    if (m.role === 'user') {
      box.append(bubble('user', m.text));
    } else if (m.role === 'assistant') {
      if (m.text) {
        box.append(bubble('assistant', m.text));
      }
      for (const call of m.tool_calls || []) {
        const line = toolLine(call);
        calls.set(call.id, line);
        box.append(line);
        const approval = approvals.get(call.id);
        if (approval) {
          const card = approvalCard(approval, decide, state.connections, state.me.user);
          box.append(card);
          // The card's status counts a pending approval past its expiry as expired.
          if (card.dataset.status === 'denied' || card.dataset.status === 'expired') {
            line.settled = card.dataset.status;
            setToolOutcome(line, line.settled);
          }
        }
      }
    } else if (m.role === 'tool') {
      const line = calls.get(m.id);
      if (line) {
        setToolResult(line, m.status, m.content);
        // A call that never ran keeps the approval's word for it (denied, expired).
        if (line.settled) {
          setToolOutcome(line, line.settled);
        }
      }
    }
  }
  box.scrollTop = box.scrollHeight;
  await refreshConversationList();
}

async function refreshConversationList() {
  const { conversations } = await api('GET', '/api/conversations');
  const list = $('conversation-list');
  list.replaceChildren();
  for (const c of conversations) {
    const button = el('button', { type: 'button', class: 'conversation' },
      el('span', { class: 'title' }, c.title || 'Untitled'),
      el('span', { class: 'meta' }, `${c.messages} messages · ${formatTime(c.created_at)}`));
    if (state.conversation === c.id) {
      button.setAttribute('aria-current', 'true');
    }
    button.addEventListener('click', () => openConversation(c.id).catch(handle));
    list.append(el('li', {}, button));
  }
}

function bubble(role, text) {
  return el('div', { class: `bubble ${role}` },
    el('span', { class: 'visually-hidden' }, role === 'user' ? 'You said: ' : 'Nexus: '),
    el('div', { class: 'text' }, text));
}

/** The account a tool acts on: the connection's label (a mailbox address, a workspace name). */
function accountFor(tool) {
  const provider = tool.split('_')[0];
  const c = state.connections.find((x) => x.provider === provider);
  if (c && c.account) {
    return c.account;
  }
  const name = { gmail: 'Gmail', notion: 'Notion' }[provider] || provider;
  return `your ${name} account`;
}

function toolLine(call) {
  const outcome = el('span', { class: 'outcome' }, 'running…');
  const details = el('details', { class: 'tool', 'data-call': call.id, 'data-tool': call.tool },
    el('summary', {},
      el('span', { class: 'tool-name' }, call.tool),
      el('span', { class: 'account' }, ` on ${accountFor(call.tool)} · `),
      outcome),
    el('h3', {}, 'Arguments'),
    el('pre', { class: 'arguments' }, JSON.stringify(call.arguments, null, 2)));
  details.outcome = outcome;
  return details;
}

function setToolOutcome(line, text) {
  line.outcome.textContent = text;
  line.dataset.outcome = text;
}

function setToolResult(line, status, content) {
  setToolOutcome(line, status);
  line.querySelector('.result')?.remove();
  line.querySelector('.result-title')?.remove();
  line.append(el('h3', { class: 'result-title' }, 'Result'), el('pre', { class: 'result' }, content));
}

/** Runs one streamed turn (a message, or an approval decision) and renders its events. */
async function runTurn(path, body) {
  state.busy = true;
  $('chat-send').disabled = true;
  const status = $('stream-status');
  status.textContent = 'Nexus is working…';
  const box = $('messages');
  let current = null;
  const lines = new Map(Array.from(box.querySelectorAll('details.tool')).map((d) => [d.dataset.call, d]));
  const scroll = () => { box.scrollTop = box.scrollHeight; };
  let lastError = null;
  try {
    const finished = await stream(path, body, (name, data) => {
      if (name === 'text') {
        if (!current) {
          current = bubble('assistant', '');
          box.append(current);
        }
        current.querySelector('.text').textContent += data.text;
      } else if (name === 'tool_call') {
        current = null;
        const line = toolLine(data);
        lines.set(data.id, line);
        box.append(line);
      } else if (name === 'tool_result') {
        const line = lines.get(data.id);
        if (line) {
          setToolResult(line, data.status, data.content);
        }
        const card = box.querySelector(`article.approval[data-call="${CSS.escape(data.id)}"]`);
        if (card && card.approval && card.dataset.deciding === 'approve' && card.dataset.status === 'pending') {
          decorateApproval(card, { ...card.approval, status: data.status === 'success' ? 'executed' : data.status === 'outcome_unknown' ? 'outcome_unknown' : 'failed' });
        }
      } else if (name === 'denied') {
        current = null;
        let line = lines.get(data.id);
        if (!line) {
          line = toolLine(data);
          lines.set(data.id, line);
          box.append(line);
        }
        setToolOutcome(line, 'refused');
        line.append(el('p', { class: 'reason' }, 'Refused: ' + data.reason));
      } else if (name === 'approval_required') {
        current = null;
        const line = lines.get(data.call.id);
        if (line) {
          setToolOutcome(line, 'waiting for your approval');
        }
        box.append(approvalCard(data, decide, state.connections, state.me.user));
      } else if (name === 'done') {
        if (data.conversation) {
          state.conversation = data.conversation;
        }
        status.textContent = data.status === 'awaiting_approval'
          ? 'Waiting for your decision on the card above.' : '';
      } else if (name === 'error') {
        lastError = data.detail || 'The turn failed.';
        box.append(el('p', { class: 'bubble error', role: 'alert' }, lastError));
        status.textContent = '';
      }
      scroll();
    });
    if (!finished) {
      status.textContent = '';
      box.append(el('p', { class: 'bubble error', role: 'alert' },
        'The connection to the server was lost before the answer finished. What was saved is shown when you reopen the conversation.'));
    }
  } finally {
    state.busy = false;
    $('chat-send').disabled = false;
    scroll();
  }
  refreshConversationList().catch(handle);
  return { error: lastError };
}

async function sendMessage(event) {
  event.preventDefault();
  if (state.busy) {
    return;
  }
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text) {
    return;
  }
  clearError();
  try {
    if (!state.conversation) {
      const created = await api('POST', '/api/conversations', { title: text.slice(0, 60) });
      state.conversation = created.id;
    }
    input.value = '';
    $('messages').querySelector('.empty')?.remove();
    $('messages').append(bubble('user', text));
    await runTurn(`/api/conversations/${encodeURIComponent(state.conversation)}/messages`, { text });
  } catch (e) {
    $('stream-status').textContent = '';
    handle(e);
  }
}

/** Approve or deny from a card; in the chat the resumed turn streams in below. */
async function decide(approval, verdict, card) {
  clearError();
  const path = `/api/approvals/${encodeURIComponent(approval.id)}/${verdict}`;
  const decided = { ...approval, status: verdict === 'approve' ? 'approved' : 'denied' };
  const stateLine = card.querySelector('.state');
  const before = stateLine.textContent;
  for (const b of card.querySelectorAll('button')) {
    b.disabled = true;
  }
  stateLine.textContent = verdict === 'approve' ? 'Approving…' : 'Denying…';
  card.dataset.deciding = verdict;
  try {
    if (currentView() === 'chat' && state.conversation === approval.conversation) {
      const outcome = await runTurn(path, null);
      if (outcome.error && card.dataset.status === 'pending') {
        throw new ApiError(0, outcome.error);
      }
      if (card.dataset.status === 'pending') {
        decorateApproval(card, decided);
      }
      const line = document.querySelector(`details.tool[data-call="${CSS.escape(approval.call.id)}"]`);
      if (line && verdict === 'deny') {
        setToolOutcome(line, 'denied');
      }
    } else {
      const turn = await api('POST', path, null, { modelKey: true });
      decorateApproval(card, turn.status === 'completed' && verdict === 'approve'
        ? { ...approval, status: 'executed' } : decided);
      if (turn.text) {
        card.append(el('p', { class: 'hint' }, 'Nexus: ' + turn.text));
      }
    }
  } catch (e) {
    delete card.dataset.deciding;
    stateLine.textContent = before;
    for (const b of card.querySelectorAll('button')) {
      b.disabled = false;
    }
    if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
      decorateApproval(card, { ...approval, status: 'decided' });
    }
    handle(e);
  }
}

// ---- approvals page ----

async function loadApprovals() {
  const status = $('approvals-status').value;
  $('approvals-scope').textContent = atLeast('manager')
    ? 'As a ' + state.me.role + ' you see the approvals of everyone in ' + state.me.organization + '.'
    : 'You see your own approvals.';
  const { approvals } = await api('GET', `/api/approvals?status=${encodeURIComponent(status)}`);
  const list = $('approvals-list');
  list.replaceChildren();
  if (approvals.length === 0) {
    list.append(el('p', { class: 'empty' }, `No ${status.replace('_', ' ')} approvals.`));
  }
  for (const a of approvals) {
    list.append(approvalCard(a, decide, state.connections, state.me.user));
  }
}

// ---- connections ----

const STATUS_TEXT = {
  connected: 'Connected',
  needs_reconnection: 'Needs reconnection',
  not_connected: 'Not connected',
};

async function loadConnections() {
  const { connections } = await api('GET', '/api/connections');
  state.connections = connections;
  const list = $('connections-list');
  list.replaceChildren();
  for (const c of connections) {
    const name = c.provider === 'gmail' ? 'Gmail' : c.provider === 'notion' ? 'Notion' : c.provider;
    const card = el('article', { class: `card connection ${c.status}`, 'data-provider': c.provider },
      el('h2', {}, name),
      el('p', { class: `badge ${c.status}` }, STATUS_TEXT[c.status] || c.status));
    if (c.account) {
      card.append(el('p', {}, 'Account: ', el('strong', {}, c.account)));
    }
    if (c.scopes && c.scopes.length) {
      card.append(el('p', { class: 'hint' }, 'Permissions granted:'),
        el('ul', { class: 'scopes' }, ...c.scopes.map((s) => el('li', { title: s },
          s.replace(/^https:\/\/www\.googleapis\.com\/auth\//, '')))));
    }
    const row = el('div', { class: 'row' });
    if (c.status !== 'connected') {
      const connect = el('button', { type: 'button', class: 'primary', 'data-action': 'connect' },
        c.status === 'needs_reconnection' ? `Reconnect ${name}` : `Connect ${name}`);
      connect.addEventListener('click', () => connectProvider(c.provider).catch(handle));
      row.append(connect);
    }
    if (c.status !== 'not_connected') {
      const disconnect = el('button', { type: 'button', 'data-action': 'disconnect' }, `Disconnect ${name}`);
      disconnect.addEventListener('click', () => disconnectProvider(c.provider, name).catch(handle));
      row.append(disconnect);
    }
    card.append(row);
    list.append(card);
  }
}

async function connectProvider(provider) {
  clearError();
  const { authorization_url: url } = await api('GET',
    `/api/connections/${encodeURIComponent(provider)}/authorize`);
  window.location.assign(url);
}

async function disconnectProvider(provider, name) {
  if (!window.confirm(`Disconnect ${name}? Nexus will no longer be able to use this account.`)) {
    return;
  }
  clearError();
  await api('DELETE', `/api/connections/${encodeURIComponent(provider)}`);
  await loadConnections();
}

// ---- Gemini key ----

function renderKey() {
  const key = geminiKey.get();
  $('key-input').value = '';
  $('key-input').placeholder = key ? 'A key is saved (…' + key.slice(-4) + ')' : 'Paste a key from Google AI Studio';
  $('key-state').textContent = key
    ? 'A key is saved in this browser; chats use your own Gemini quota.'
    : 'No key saved; chats use the server\'s model.';
  $('key-remove').disabled = !key;
}

// ---- members ----

async function loadMembers() {
  const denied = $('members-denied');
  const body = $('members-body');
  let members;
  try {
    ({ members } = await api('GET', '/api/organization/members'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      denied.hidden = false;
      body.hidden = true;
      denied.textContent = `Only administrators can manage members. The server said: ${e.message}`;
      return;
    }
    throw e;
  }
  denied.hidden = true;
  body.hidden = false;
  const rows = $('members-rows');
  rows.replaceChildren();
  for (const m of members) {
    const id = 'role-' + m.user.replace(/[^A-Za-z0-9]/g, '-');
    const select = el('select', { id, 'aria-label': `Role of ${m.user}` },
      ...['admin', 'manager', 'member', 'guest'].map((r) => {
        const option = el('option', { value: r }, r);
        option.selected = r === m.role;
        return option;
      }));
    const save = el('button', { type: 'button' }, 'Change role');
    save.addEventListener('click', async () => {
      try {
        clearError();
        await api('PUT', `/api/organization/members/${encodeURIComponent(m.user)}`, { role: select.value });
        await loadMembers();
      } catch (e) {
        handle(e);
      }
    });
    const remove = el('button', { type: 'button', class: 'danger' }, 'Remove');
    remove.addEventListener('click', async () => {
      if (!window.confirm(`Remove ${m.user} from ${state.me.organization}?`)) {
        return;
      }
      try {
        clearError();
        await api('DELETE', `/api/organization/members/${encodeURIComponent(m.user)}`);
        await loadMembers();
      } catch (e) {
        handle(e);
      }
    });
    rows.append(el('tr', { 'data-user': m.user },
      el('td', {}, m.user), el('td', {}, select), el('td', {}, el('div', { class: 'row' }, save, remove))));
  }
}

// ---- audit ----

async function loadAudit(reset) {
  const denied = $('audit-denied');
  const body = $('audit-body');
  const a = state.audit;
  if (reset) {
    a.pages = [0];
    a.index = 0;
  }
  const action = $('audit-action').value;
  // One record more than a page tells whether a next page exists.
  const query = new URLSearchParams({ after: String(a.pages[a.index]), limit: String(AUDIT_PAGE + 1) });
  if (action) {
    query.append('action', action);
  }
  let page;
  try {
    page = await api('GET', `/api/audit?${query}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      denied.hidden = false;
      body.hidden = true;
      denied.textContent = `Only managers and administrators can read the audit log. The server said: ${e.message}`;
      return;
    }
    throw e;
  }
  denied.hidden = true;
  body.hidden = false;
  const more = page.records.length > AUDIT_PAGE;
  const records = page.records.slice(0, AUDIT_PAGE);
  const rows = $('audit-rows');
  rows.replaceChildren();
  for (const r of records) {
    const details = Object.entries(r.details || {}).map(([k, v]) => `${k}: ${v}`).join(', ');
    rows.append(el('tr', { 'data-action': r.action, 'data-sequence': r.sequence },
      el('td', {}, String(r.sequence)), el('td', {}, formatTime(r.at)),
      el('td', {}, (r.actor || 'system').replace(/^sandbox\|/, '')), el('td', {}, r.action.replace(/_/g, ' ')),
      el('td', { class: 'wrap' }, r.target || ''), el('td', { class: 'wrap' }, details)));
  }
  if (records.length === 0) {
    rows.append(el('tr', {}, el('td', { colspan: '6' }, 'No events on this page.')));
  }
  a.next = records.length ? records[records.length - 1].sequence : a.pages[a.index];
  $('audit-prev').disabled = a.index === 0;
  $('audit-first').disabled = a.index === 0;
  $('audit-next').disabled = !more;
  $('audit-page').textContent = `Page ${a.index + 1}`;
}

async function verifyAudit() {
  const out = $('audit-verify-result');
  out.textContent = 'Checking…';
  const result = await api('GET', '/api/audit/verify');
  out.className = result.intact ? 'ok' : 'bad';
  out.textContent = result.intact
    ? `Chain intact: ${result.checked} events checked.`
    : `Chain broken at event ${result.broken_at}: ${result.problem || 'a hash does not match'}.`;
}

// ---- wiring ----

function wire() {
  $('alert-close').addEventListener('click', clearError);
  window.addEventListener('hashchange', () => { clearError(); render(); });
  $('sandbox-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    try {
      await sandboxSignIn($('si-email').value.trim(), $('si-org').value.trim(), $('si-role').value);
      await signedIn();
    } catch (e) {
      session.clear();
      state.me = null;
      handle(e);
    }
  });
  $('auth0-login').addEventListener('click', () =>
    auth0Redirect(state.config.auth0, $('auth0-org').value.trim()).catch(handle));
  $('sign-out').addEventListener('click', () => {
    session.clear();
    state.me = null;
    state.conversation = null;
    $('messages').replaceChildren();
    $('whoami').textContent = '';
    const logout = state.config.mode === 'production' ? auth0LogoutUrl(state.config.auth0) : null;
    if (logout) {
      window.location.assign(logout);
    } else {
      window.location.hash = '#signin';
      render();
    }
  });
  $('new-conversation').addEventListener('click', () => {
    state.conversation = null;
    $('messages').replaceChildren();
    $('stream-status').textContent = '';
    refreshConversationList().catch(handle);
    $('chat-input').focus();
  });
  $('chat-form').addEventListener('submit', sendMessage);
  $('chat-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      $('chat-form').requestSubmit();
    }
  });
  $('approvals-status').addEventListener('change', () => loadApprovals().catch(handle));
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('key-input').value.trim();
    if (!/^[A-Za-z0-9_.-]{10,512}$/.test(key)) {
      showError('That does not look like a Gemini API key (letters, digits, “-”, “_” and “.”).');
      return;
    }
    clearError();
    geminiKey.set(key);
    renderKey();
  });
  $('key-remove').addEventListener('click', () => {
    geminiKey.remove();
    renderKey();
  });
  $('member-add').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      clearError();
      await api('POST', '/api/organization/members', { user: $('ma-user').value.trim(), role: $('ma-role').value });
      $('ma-user').value = '';
      await loadMembers();
    } catch (e) {
      handle(e);
    }
  });
  const select = $('audit-action');
  for (const action of AUDIT_ACTIONS) {
    select.append(el('option', { value: action }, action.replace(/_/g, ' ')));
  }
  select.addEventListener('change', () => loadAudit(true).catch(handle));
  $('audit-verify').addEventListener('click', () => verifyAudit().catch(handle));
  $('audit-first').addEventListener('click', () => loadAudit(true).catch(handle));
  $('audit-prev').addEventListener('click', () => {
    state.audit.index = Math.max(0, state.audit.index - 1);
    loadAudit(false).catch(handle);
  });
  $('audit-next').addEventListener('click', () => {
    const a = state.audit;
    a.pages = a.pages.slice(0, a.index + 1);
    a.pages.push(a.next);
    a.index += 1;
    loadAudit(false).catch(handle);
  });
}

async function start() {
  wire();
  try {
    state.config = await fetch('/config.json').then((r) => {
      if (!r.ok) {
        throw new ApiError(r.status, 'The server settings could not be loaded.');
      }
      return r.json();
    });
  } catch (e) {
    handle(e instanceof ApiError ? e : new ApiError(0, 'The server could not be reached.'));
    return;
  }
  document.body.dataset.mode = state.config.mode;
  try {
    if (state.config.mode === 'production') {
      await completeAuth0(state.config.auth0);
    }
    if (session.token()) {
      await loadMe();
    }
  } catch (e) {
    handle(e);
  }
  await render();
  document.body.dataset.ready = 'true';
}

start();
