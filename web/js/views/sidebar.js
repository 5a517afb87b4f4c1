// The left pane: who I am, the connection state, "Go to", room buttons and the conversation list.

import { avatar, h, presenceDot, setChildren } from '../dom.js';
import { formatListTime, previewText, sortConversations, unreadCount } from '../logic.js';
import { isHiddenMessage } from '../rules.js';

const CONNECTION_TEXT = {
  idle: 'Offline',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  online: 'Online',
};

export function mountSidebar({ client, store, $, dialogs }) {
  const meName = $('#me-name');
  const meAvatar = $('#me-avatar');
  const status = $('#connection-status');
  const list = $('#conversation-list');
  const empty = $('#conversation-empty');
  const gotoForm = $('#goto-form');
  const gotoInput = $('#goto-input');
  const gotoError = $('#goto-error');
  const gotoButton = $('#goto-button');
  const items = new Map(); // conv id -> {li, button, sig}
  let shownMe = null;

  $('#sign-out-button').addEventListener('click', () => client.signOut());
  $('#browse-rooms-button').addEventListener('click', () => dialogs.openRooms());
  $('#new-room-button').addEventListener('click', () => dialogs.openNewRoom());

  gotoForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    gotoError.textContent = '';
    gotoInput.removeAttribute('aria-invalid');
    gotoButton.disabled = true;
    try {
      await client.rooms.goTo(gotoInput.value);
      gotoInput.value = '';
    } catch (e) {
      gotoError.textContent = e.message;
      gotoInput.setAttribute('aria-invalid', 'true');
      gotoInput.focus();
    } finally {
      gotoButton.disabled = false;
    }
  });
  gotoInput.addEventListener('input', () => {
    if (gotoError.textContent) {
      gotoError.textContent = '';
      gotoInput.removeAttribute('aria-invalid');
    }
  });

  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-conv]');
    if (button) client.rooms.open(button.dataset.conv);
  });
  list.addEventListener('keydown', (event) => {
    // Up and down arrows move between conversations, like a list box.
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...list.querySelectorAll('button[data-conv]')];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    buttons[Math.max(0, Math.min(buttons.length - 1, at + step))].focus();
  });

  function renderHeader() {
    if (store.me !== shownMe) {
      meName.textContent = store.me ?? '';
      setChildren(meAvatar, store.me ? avatar(store.me) : null);
      shownMe = store.me;
      gotoError.textContent = '';
    }
    const state = store.connection in CONNECTION_TEXT ? store.connection : 'idle';
    if (status.dataset.state !== state) {
      status.dataset.state = state;
      status.textContent = CONNECTION_TEXT[state];
    }
  }

  function renderList() {
    const convs = sortConversations([...store.convs.values()]);
    const now = Date.now();
    const focused = document.activeElement;
    const seen = new Set();
    let cursor = list.firstChild;
    for (const conv of convs) {
      seen.add(conv.id);
      const view = describe(conv, now);
      let item = items.get(conv.id);
      if (!item) {
        const button = h('button',
          { type: 'button', class: 'conv-item', dataset: { conv: conv.id } });
        const li = h('li', { class: 'conv-entry', dataset: { conv: conv.id } }, button);
        item = { li, button, sig: null };
        items.set(conv.id, item);
      }
      if (item.sig !== view.sig) {
        fill(item.button, conv, view);
        item.sig = view.sig;
      }
      if (item.li === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(item.li, cursor);
    }
    for (const [id, item] of items) {
      if (!seen.has(id)) {
        item.li.remove();
        items.delete(id);
      }
    }
    if (focused && focused !== document.activeElement && focused.isConnected) {
      focused.focus({ preventScroll: true }); // moving a node can drop its focus
    }
    empty.hidden = convs.length > 0;
  }

  function describe(conv, now) {
    const pending = store.pendingFor(conv.id);
    const lastServer = conv.messages[conv.messages.length - 1];
    const lastPending = pending[pending.length - 1];
    const pendingIsLast = lastPending && (!lastServer || lastPending.ts >= lastServer.ts);
    const last = pendingIsLast ? lastPending : lastServer;
    const unread = unreadCount(conv);
    const online = conv.kind === 'direct' ? store.presence.get(conv.id.slice(1)) : undefined;
    const active = store.activeConv === conv.id;
    let preview = conv.kind === 'room' && isHiddenMessage(last, store.blocked, store.me)
      ? 'Message from a blocked user' : previewText(last, store.me);
    if (!preview) preview = (conv.kind === 'room' && conv.topic) || 'No messages yet';
    const time = last ? formatListTime(last.ts, now) : '';
    const failed = pending.some((p) => p.state === 'failed');
    return {
      preview, time, unread, online, active, failed,
      sig: [preview, time, unread, online, active, failed, conv.isPrivate].join('\u0001'),
    };
  }

  /**
   * The item's name is its content (WCAG 2.5.3: the name contains the visible text), read as
   * "#general, private, 10:42, Sounds good, 3 unread": hidden commas pause between the parts, and
   * what only shows as colour (online, unread) is said in hidden words.
   */
  function fill(button, conv, view) {
    button.dataset.unread = String(view.unread);
    if (view.active) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
    button.classList.toggle('has-unread', view.unread > 0);
    const presence = conv.kind === 'direct' && view.online != null
      ? (view.online ? 'online' : 'offline') : null;
    setChildren(button,
      h('span', { class: 'conv-avatar', 'aria-hidden': 'true' }, // presence is said after the name
        avatar(conv.id, conv.kind === 'room' ? 'avatar-room' : ''),
        conv.kind === 'direct' ? presenceDot(view.online) : null),
      h('span', { class: 'conv-main' },
        h('span', { class: 'conv-top' },
          h('span', { class: 'conv-name' }, conv.id),
          presence ? spoken(`, ${presence}`) : null,
          conv.isPrivate ? spoken(', ') : null,
          conv.isPrivate
            ? h('span', { class: 'conv-private', title: 'Private room' }, 'private') : null,
          view.time ? spoken(', ') : null,
          h('span', { class: 'conv-time' }, view.time)),
        h('span', { class: 'conv-bottom' },
          spoken(', '),
          h('span', { class: 'conv-preview' + (view.failed ? ' conv-failed' : '') },
            view.failed ? 'Not sent — ' + view.preview : view.preview),
          view.unread > 0 ? spoken(', ') : null,
          view.unread > 0
            ? h('span', { class: 'unread-badge' }, view.unread > 99 ? '99+' : String(view.unread),
              spoken(' unread'))
            : null)));
  }

  /** Words for screen readers only. */
  function spoken(text) {
    return h('span', { class: 'visually-hidden' }, text);
  }

  return {
    render() {
      renderHeader();
      renderList();
    },
    focusConversation(id) {
      items.get(id)?.button.focus();
    },
    focusGoTo() {
      gotoInput.focus();
    },
  };
}
