// One entry of the message list: a message (sent, pending or failed, with its author's name as
// a button that opens User actions), a blocked user's message collapsed behind Show, a day
// separator or the "New messages" marker. Each is rebuilt only when its signature changes.

import { avatar, h, messageTextNodes } from '../dom.js';
import { formatTime } from '../logic.js';
import { isHiddenMessage } from '../rules.js';

/** `revealed` holds 'conv seq' of blocked users' messages the reader chose to see. */
export function messageItems({ store, revealed }) {
  function signature(item) {
    if (item.kind === 'day') return 'day\u0001' + item.label;
    if (item.kind === 'marker') return 'marker';
    const m = item.message;
    const waiting = m.seq == null && m.state !== 'failed' && store.connection !== 'online';
    return [m.seq, m.state, m.error, item.own, item.continued, item.seen, waiting, m.text,
      hiddenNow(m)].join('\u0001');
  }

  function build(item, conv) {
    if (item.kind === 'day') {
      return h('li', { class: 'day-separator', dataset: { day: item.dayKey } },
        h('span', { class: 'day-label' }, item.label));
    }
    if (item.kind === 'marker') {
      return h('li', { class: 'new-messages-marker', id: 'new-messages-marker' },
        h('span', { class: 'marker-label' }, 'New messages'));
    }
    const m = item.message;
    if (hiddenNow(m)) return blockedItem(m, conv);
    const pending = m.seq == null;
    const state = pending ? (m.state === 'failed' ? 'failed' : 'pending') : 'sent';
    const classes = ['message'];
    if (item.own) classes.push('own');
    if (item.continued) classes.push('continued');
    if (pending) classes.push(state);
    const date = new Date(m.ts);
    const content = h('div', { class: 'message-content' },
      // In a direct conversation the header already names the other person.
      senderLabel(item, conv),
      h('div', { class: 'message-bubble' },
        h('p', { class: 'message-text' }, messageTextNodes(m.text)),
        h('time', {
          class: 'message-time', datetime: date.toISOString(), title: date.toLocaleString(),
        }, formatTime(m.ts))));
    if (pending) content.append(statusLine(m));
    if (item.seen) content.append(h('p', { class: 'seen-receipt' }, 'Seen'));
    return h('li', {
      class: classes.join(' '),
      dataset: {
        conv: conv.id, seq: m.seq ?? undefined, cid: m.cid ?? undefined, from: m.from, state,
      },
    },
    item.own ? null
      : (item.continued ? h('span', { class: 'avatar-spacer' }) : avatar(m.from, 'message-avatar')),
    content);
  }

  /** The author's name: a button opening their "User actions" where it shows. */
  function senderLabel(item, conv) {
    const m = item.message;
    if (item.own || item.continued || conv.kind === 'direct') {
      return h('span', { class: 'message-sender visually-hidden' }, m.from);
    }
    return h('button', {
      type: 'button', class: 'message-sender sender-button', 'aria-haspopup': 'dialog',
      title: `Actions for ${m.from}`, dataset: { action: 'user', user: m.from },
    }, m.from);
  }

  /** A room message of someone I blocked, not revealed: it collapses to one line. */
  function hiddenNow(m) {
    return isRoomMessage(m) && isHiddenMessage(m, store.blocked, store.me)
      && !revealed.has(`${m.conv} ${m.seq}`);
  }

  function isRoomMessage(m) {
    return m.seq != null && typeof m.conv === 'string' && m.conv.startsWith('#');
  }

  function blockedItem(m, c) {
    return h('li', {
      class: 'message blocked-message',
      dataset: { conv: c.id, seq: m.seq, cid: m.cid ?? undefined, from: m.from, state: 'hidden' },
    },
    h('span', { class: 'avatar-spacer' }),
    h('p', { class: 'blocked-line' },
      h('span', { class: 'blocked-text' }, 'Message from a blocked user'),
      h('button', {
        type: 'button', class: 'button tiny ghost',
        dataset: { action: 'reveal', conv: c.id, seq: m.seq },
        'aria-label': 'Show the message from a blocked user',
      }, 'Show')));
  }

  function statusLine(m) {
    if (m.state === 'failed') {
      return h('p', { class: 'message-status failed' },
        h('span', { class: 'message-error' }, `Not sent: ${m.error ?? 'failed'}`),
        h('button', {
          type: 'button', class: 'button tiny', dataset: { action: 'retry', cid: m.cid },
        }, 'Retry'),
        h('button', {
          type: 'button', class: 'button tiny ghost', dataset: { action: 'discard', cid: m.cid },
          'aria-label': 'Discard message',
        }, 'Discard'));
    }
    const waiting = store.connection !== 'online';
    return h('p', { class: 'message-status' },
      waiting ? 'Waiting for connection…' : 'Sending…');
  }

  return { signature, build };
}
