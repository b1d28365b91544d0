// Approval cards: exactly what will run, and the two buttons while the decision is open.

import { el, formatTime } from './dom.js';

const TITLES = {
  gmail_send: 'Send this email?',
  gmail_create_draft: 'Create this draft?',
  gmail_reply: 'Send this reply?',
  gmail_trash: 'Move this message to the trash?',
  gmail_mark_read: 'Change this message\'s read state?',
  notion_create_page: 'Create this Notion page?',
  notion_append: 'Add this to the Notion page?',
  notion_update_page: 'Change this Notion page?',
  notion_archive_page: 'Archive this Notion page?',
};

const STATES = {
  pending: 'Waiting for a decision',
  approved: 'Approved; running',
  executing: 'Approved; running',
  executed: 'Approved and done',
  failed: 'Approved, but it failed',
  outcome_unknown: 'Approved; the outcome is unknown (check the account before retrying)',
  denied: 'Denied; nothing was run',
  expired: 'Expired; nothing was run',
  decided: 'Already decided',
};

function list(value) {
  if (value === undefined || value === null || value === '') {
    return '—';
  }
  return Array.isArray(value) ? (value.length ? value.join(', ') : '—') : String(value);
}

function field(label, value, long) {
  return [el('dt', {}, label), el('dd', { 'data-field': label.toLowerCase() },
    long ? el('pre', { class: 'body' }, list(value)) : list(value))];
}

/**
 * The mailbox a send goes from. The viewer's own connections say so only for their own calls; a
 * manager deciding someone else's call is told whose account it is.
 */
function sender(approval, connections, viewer) {
  const requester = approval.requester || '';
  if (viewer && requester !== viewer) {
    return `the connected Gmail account of ${requester.replace(/^sandbox\|/, '')}`;
  }
  const gmail = connections.find((c) => c.provider === 'gmail');
  return gmail && gmail.account ? gmail.account : 'your connected Gmail account';
}

function fieldsFor(approval, connections, viewer) {
  const tool = approval.call.tool;
  const args = approval.call.arguments || {};
  if (tool === 'gmail_send' || tool === 'gmail_create_draft') {
    return [
      ...field('From', sender(approval, connections, viewer)),
      ...field('To', args.to),
      ...field('Cc', args.cc),
      ...field('Bcc', args.bcc),
      ...field('Subject', args.subject || '(no subject)'),
      ...field('Body', args.body, true),
    ];
  }
  if (tool === 'notion_create_page') {
    const parent = args.parent_page_id || args.parent_data_source_id
      || 'none: a private page at the top of your workspace';
    return [
      ...field('Parent', parent),
      ...field('Title', args.title),
      ...field('Content', args.content, true),
    ];
  }
  return Object.entries(args).flatMap(([name, value]) =>
    field(name.replace(/_/g, ' '), typeof value === 'object' && value !== null && !Array.isArray(value)
      ? JSON.stringify(value) : value, typeof value === 'string' && value.length > 80));
}

function expired(approval) {
  return approval.status === 'expired'
    || (approval.status === 'pending' && Date.parse(approval.expires_at) <= Date.now());
}

/** Shows the approval's state and removes the buttons once it is decided or expired. */
export function decorateApproval(card, approval) {
  const status = expired(approval) ? 'expired' : approval.status;
  card.dataset.status = status;
  card.querySelector('.state').textContent = STATES[status] || status;
  if (status !== 'pending') {
    card.querySelector('.actions')?.remove();
    if (approval.decided_by) {
      card.querySelector('.state').textContent +=
        ` (by ${approval.decided_by.replace(/^sandbox\|/, '')}, ${formatTime(approval.decided_at)})`;
    }
  }
}

/**
 * A card for one approval; onDecide(approval, 'approve' | 'deny', card) is called on a click.
 * connections and viewer (the signed-in user id) are the viewer's own.
 */
export function approvalCard(approval, onDecide, connections, viewer) {
  const call = approval.call;
  const card = el('article', {
    class: 'card approval', 'data-approval': approval.id, 'data-tool': call.tool, 'data-call': call.id,
    'aria-label': `Approval for ${call.tool}`,
  },
  el('h2', {}, TITLES[call.tool] || `Run ${call.tool}?`),
  el('p', { class: 'meta' }, `${call.tool} · ${approval.risk} · requested by `
    + `${approval.requester.replace(/^sandbox\|/, '')} · expires ${formatTime(approval.expires_at)}`),
  el('dl', { class: 'what' }, ...fieldsFor(approval, connections || [], viewer)),
  el('p', { class: 'state', role: 'status' }));
  const approve = el('button', { type: 'button', class: 'primary', 'data-decision': 'approve' }, 'Approve');
  const deny = el('button', { type: 'button', class: 'danger', 'data-decision': 'deny' }, 'Deny');
  approve.addEventListener('click', () => onDecide(approval, 'approve', card));
  deny.addEventListener('click', () => onDecide(approval, 'deny', card));
  card.append(el('div', { class: 'actions row' }, approve, deny));
  card.approval = approval;
  decorateApproval(card, approval);
  return card;
}
