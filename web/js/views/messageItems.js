// One entry of the message list: a message (sent, pending or failed, with its author's name as
// a button that opens User actions), a blocked user's message collapsed behind Show, a day
// separator, the "New messages" marker, or a hole of history not loaded (after a jump far back)
// with buttons that load it from either side. A message may carry the quote of what it answers,
// "edited", its reaction chips, highlighted mentions, its files (images shown inline, other
// files as download links) and a "Message actions" button; a deleted one says "Message deleted"
// (and has no files). Each is rebuilt only when its signature changes.

import { avatar, h, messageBodyNodes } from '../dom.js';
import { fileUrl, formatSize, isInlineImage } from '../files.js';
import { formatTime } from '../logic.js';
import { quoteText, reactionChips } from '../messageRules.js';
import { isHiddenMessage } from '../rules.js';

/**
 * `revealed` holds 'conv seq' of blocked users' messages the reader chose to see; `allowed(m)`
 * says which message actions show ({reply, react, edit, delete}); `ui.editing` is 'conv seq' of
 * the message being edited in place, `ui.editDraft` its text; `origin` is the server's HTTP
 * origin, which files' URLs are relative to.
 */
export function messageItems({ store, revealed, allowed, ui, origin }) {
  function signature(item) {
    if (item.kind === 'day') return 'day\u0001' + item.label;
    if (item.kind === 'marker') return 'marker';
    if (item.kind === 'gap') return `gap\u0001${item.after}\u0001${item.before}\u0001${item.filling}`;
    const m = item.message;
    const waiting = m.seq == null && m.state !== 'failed' && store.connection !== 'online';
    const quoted = m.replyTo != null ? store.conv(m.conv)?.bySeq.get(m.replyTo) : null;
    return [m.seq, m.state, m.error, item.own, item.continued, item.seen, waiting, m.text,
      hiddenNow(m), m.edited ?? '', m.deleted ?? '', m.replyTo ?? '',
      quoted ? `${quoted.from}:${quoteText(quoted)}` : '', JSON.stringify(m.reactions ?? null),
      (m.mentions ?? []).join(','), JSON.stringify(allowed(m)), isEditing(m),
      JSON.stringify(m.files ?? null)].join('\u0001');
  }

  function isEditing(m) {
    return m.seq != null && !m.deleted && ui.editing === `${m.conv} ${m.seq}`;
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
    if (item.kind === 'gap') return gapItem(item);
    const m = item.message;
    if (hiddenNow(m)) return blockedItem(m, conv);
    const pending = m.seq == null;
    const state = pending ? (m.state === 'failed' ? 'failed' : 'pending') : 'sent';
    const classes = ['message'];
    if (item.own) classes.push('own');
    if (item.continued) classes.push('continued');
    if (pending) classes.push(state);
    if (m.deleted) classes.push('deleted');
    if (m.mentions?.includes(store.me) && !item.own) classes.push('mentions-me');
    const date = new Date(m.ts);
    const time = h('time', {
      class: 'message-time', datetime: date.toISOString(), title: date.toLocaleString(),
    }, formatTime(m.ts));
    const editing = isEditing(m);
    const files = m.deleted ? [] : (m.files ?? []);
    const bubble = editing ? editForm(m)
      : h('div', { class: files.length > 0 ? 'message-bubble has-files' : 'message-bubble' },
        m.deleted ? h('p', { class: 'message-text deleted-text' }, 'Message deleted')
          : (m.text !== '' || files.length === 0
            ? h('p', { class: 'message-text' }, messageBodyNodes(m.text, m.mentions, store.me))
            : null),
        files.length > 0 ? fileList(files) : null,
        m.edited != null && !m.deleted
          ? h('span', { class: 'edited-label', title: `Edited ${new Date(m.edited).toLocaleString()}` }, 'edited')
          : null,
        time);
    const content = h('div', { class: 'message-content' },
      // In a direct conversation the header already names the other person.
      senderLabel(item, conv),
      m.replyTo != null && !m.deleted ? replyQuote(m, conv) : null,
      bubble);
    const chips = m.deleted ? [] : reactionChips(m.reactions, store.me);
    if (chips.length > 0) content.append(reactionRow(m, chips));
    if (pending) content.append(statusLine(m));
    if (item.seen) content.append(h('p', { class: 'seen-receipt' }, 'Seen'));
    const actions = allowed(m);
    const anyAction = !editing && Object.values(actions).some(Boolean);
    return h('li', {
      class: classes.join(' '),
      tabIndex: -1, // a quote jumps here and focuses it
      dataset: {
        conv: conv.id, seq: m.seq ?? undefined, cid: m.cid ?? undefined, from: m.from, state,
      },
    },
    item.own ? null
      : (item.continued ? h('span', { class: 'avatar-spacer' }) : avatar(m.from, 'message-avatar')),
    content,
    anyAction ? h('button', {
      type: 'button', class: 'message-actions-button', 'aria-label': 'Message actions',
      'aria-haspopup': 'menu', 'aria-expanded': 'false', title: 'Message actions',
      dataset: { action: 'actions', seq: m.seq },
    }, h('span', { 'aria-hidden': 'true' }, '⋯')) : null);
  }

  /**
   * A message's files: PNG, JPEG, GIF and WebP as an inline preview (loaded lazily, size-capped
   * by the stylesheet) that opens the full image in a new tab, others as a download link with
   * name and size. Before the server has the message (no URL yet) only name and size show.
   */
  function fileList(files) {
    return h('ul', { class: 'message-files', 'aria-label': files.length === 1 ? 'File' : 'Files' },
      files.map((f) => {
        const url = fileUrl(origin, f.url);
        const size = formatSize(f.size);
        if (!url) {
          return h('li', { class: 'message-file' },
            h('span', { class: 'file-link file-pending' },
              h('span', { class: 'file-name' }, f.name), ' ', h('span', { class: 'file-size' }, size)));
        }
        if (isInlineImage(f.type)) {
          return h('li', { class: 'message-file message-image' },
            h('a', {
              class: 'file-image-link', href: url, target: '_blank', rel: 'noopener noreferrer',
              title: `${f.name}, ${size}: opens in a new tab`, dataset: { file: f.id },
            }, h('img', {
              class: 'file-image', src: url, alt: f.name, loading: 'lazy', decoding: 'async',
            })));
        }
        // The server sends these as attachments: following the link downloads the file.
        return h('li', { class: 'message-file' },
          h('a', {
            class: 'file-link', href: url, download: f.name, rel: 'noopener noreferrer',
            dataset: { file: f.id },
          },
          h('span', { class: 'file-icon', 'aria-hidden': 'true' }, '📄'),
          h('span', { class: 'file-name' }, f.name), ' ',
          h('span', { class: 'file-size' }, size)));
      }));
  }

  /**
   * Messages after..before are not loaded: "Load newer" reads on from the older messages above,
   * "Load older" back from the newer ones below.
   */
  function gapItem(item) {
    const button = (action, text) => h('button', {
      type: 'button', class: 'button tiny', disabled: !!item.filling,
      dataset: { action, after: item.after },
    }, text);
    return h('li', { class: 'history-gap', dataset: { after: item.after, before: item.before } },
      h('span', { class: 'gap-label' },
        item.count === 1 ? '1 message not loaded' : `${item.count} messages not loaded`),
      button('gap-after', 'Load newer'),
      button('gap-before', 'Load older'));
  }

  /**
   * What a reply answers: its author and first line, or "Original message" if not loaded; a
   * blocked user's message stays hidden here too, unless the reader revealed it.
   */
  function replyQuote(m, conv) {
    const quoted = conv.bySeq.get(m.replyTo);
    const text = quoted && hiddenNow(quoted) ? 'Message from a blocked user'
      : quoteText(quoted) ?? 'Original message';
    // Named by its content, so the name holds the visible text (WCAG 2.5.3): "In reply to
    // bob: the quote", the hidden words for screen readers only.
    return h('button', {
      type: 'button', class: 'reply-quote', dataset: { action: 'jump', replyTo: m.replyTo },
    },
    h('span', { class: 'visually-hidden' }, quoted ? 'In reply to ' : 'In reply to: '),
    quoted ? h('span', { class: 'reply-quote-author' }, quoted.from) : null,
    quoted ? h('span', { class: 'visually-hidden' }, ': ') : null,
    h('span', { class: 'reply-quote-text' }, text));
  }

  function reactionRow(m, chips) {
    return h('div', { class: 'reactions', role: 'group', 'aria-label': 'Reactions' },
      chips.map((chip) => h('button', {
        type: 'button',
        class: chip.mine ? 'reaction-chip mine' : 'reaction-chip',
        'aria-pressed': chip.mine ? 'true' : 'false',
        'aria-label': `${chip.emoji} ${chip.count}${chip.mine ? ', including you' : ''}`,
        title: chip.users.join(', '),
        dataset: { action: 'react', seq: m.seq, emoji: chip.emoji },
      }, h('span', { class: 'reaction-emoji', 'aria-hidden': 'true' }, chip.emoji),
      h('span', { class: 'reaction-count', 'aria-hidden': 'true' }, String(chip.count)))));
  }

  /** Editing in place: the text in a field, Save and Cancel (Enter saves, Escape cancels). */
  function editForm(m) {
    const field = h('textarea', {
      class: 'edit-input', 'aria-label': 'Edit message', rows: 2,
      value: ui.editDraft ?? m.text,
    });
    return h('form', { class: 'edit-form', dataset: { seq: m.seq }, novalidate: true },
      field,
      h('div', { class: 'edit-actions' },
        h('span', { class: 'hint edit-hint' }, 'Enter to save, Esc to cancel'),
        h('button', { type: 'button', class: 'button tiny ghost', dataset: { action: 'edit-cancel' } }, 'Cancel'),
        h('button', { type: 'submit', class: 'button tiny primary' }, 'Save')),
      h('p', { class: 'form-error edit-error', role: 'alert' }));
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
