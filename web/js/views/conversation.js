// The right pane: the open conversation's header, its messages, who is typing, and the composer.
// Messages are rendered by key and only rebuilt when they change, so scrolling, focus and
// screen readers are not disturbed by updates elsewhere. Each message has "Message actions"
// (hover, keyboard, or a long press on a touch screen): reply, react, edit in place, delete.

import { presenceDot, setChildren } from '../dom.js';
import { buildTimeline, typingText, unreadCount } from '../logic.js';
import { canDelete, canEdit, canReact, canReply } from '../messageRules.js';
import { directPeer, FEATURE, roleOf } from '../rules.js';
import { mountComposerExtras } from './composerExtras.js';
import { messageItems } from './messageItems.js';
import { mountMessageMenu } from './messageMenu.js';

const BOTTOM_SLACK_PX = 48;
const LOAD_OLDER_PX = 150;
const NARROW = '(max-width: 760px)';
const LONG_PRESS_MS = 500;

export function mountConversation({
  session, store, $, dialogs, toast, focusConversation, userMenu, roomSettings,
}) {
  const emptyState = $('#empty-state');
  const pane = $('#conversation-pane');
  const title = $('#conversation-title');
  const subtitle = $('#conversation-subtitle');
  const membersButton = $('#members-button');
  const leaveButton = $('#leave-button');
  const userActionsButton = $('#user-actions-button');
  const roomSettingsButton = $('#room-settings-button');
  const blockedNote = $('#composer-blocked');
  const blockedText = $('#composer-blocked-text');
  const unblockButton = $('#composer-unblock-button');
  const sendButton = $('#send-button');
  const scroller = $('#message-scroller');
  const list = $('#messages');
  const loadOlderButton = $('#load-older-button');
  const historyNote = $('#history-note');
  const jumpButton = $('#jump-latest-button');
  const typingIndicator = $('#typing-indicator');
  const composer = $('#composer');
  const input = $('#composer-input');
  const composerError = $('#composer-error');

  let shownConv = null;
  let nodes = new Map(); // item key -> {node, sig}
  const keyOf = new WeakMap(); // node -> item key
  let stick = true; // the view follows new messages only while it is at the bottom
  const drafts = new Map();
  const revealed = new Set(); // 'conv seq' of blocked users' messages the reader chose to see
  const ui = { editing: null, editDraft: null, editFocused: false }; // editing: 'conv seq'
  const { signature, build } = messageItems({ store, revealed, allowed, ui });
  const narrow = window.matchMedia(NARROW);
  const extras = mountComposerExtras({ store, $, input });
  const menu = mountMessageMenu({
    onReply: (m) => extras.startReply(m),
    onReact: (m, emoji) => react(m.seq, emoji),
    onEdit: (m) => startEditing(m),
    onDelete: (m) => remove(m),
  });

  /** The message actions shown on `m`: what the server supports and the rules allow me. */
  function allowed(m) {
    const conv = store.conv(m.conv);
    const myRole = conv?.kind === 'room' ? roleOf(conv.members, store.me) : null;
    return {
      reply: session.can(FEATURE.reply) && canReply(m),
      react: session.can(FEATURE.react) && canReact(m),
      edit: session.can(FEATURE.edit) && canEdit(m, store.me),
      delete: session.can(FEATURE.delete) && canDelete(m, store.me, myRole),
    };
  }

  // --- events ----------------------------------------------------------------------------------

  scroller.addEventListener('scroll', () => {
    stick = atBottom();
    jumpButton.hidden = stick;
    maybeLoadOlder();
    updateSeen();
  }, { passive: true });

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  input.addEventListener('keydown', (event) => {
    if (extras.handleKey(event)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey
        && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    if (composerError.textContent) composerError.textContent = '';
    if (shownConv && input.value.trim() !== '') session.typing(shownConv);
  });

  $('#back-button').addEventListener('click', () => goBack());
  pane.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && narrow.matches && !event.defaultPrevented) goBack();
  });
  membersButton.addEventListener('click', () => shownConv && dialogs.openMembers(shownConv));
  roomSettingsButton.addEventListener('click', () => shownConv && roomSettings.open(shownConv));
  userActionsButton.addEventListener('click', () => {
    const peer = directPeer(shownConv);
    if (peer) userMenu.open(peer, userActionsButton);
  });
  unblockButton.addEventListener('click', async () => {
    const peer = directPeer(shownConv);
    if (!peer) return;
    unblockButton.disabled = true;
    try {
      await session.account.unblock(peer);
      toast(`You unblocked ${peer}.`);
      input.focus();
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      unblockButton.disabled = false;
    }
  });
  leaveButton.addEventListener('click', async () => {
    const id = shownConv;
    if (!id) return;
    leaveButton.disabled = true;
    try {
      await session.rooms.leave(id);
      toast(`You left ${id}.`);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      leaveButton.disabled = false;
    }
  });
  loadOlderButton.addEventListener('click', () => shownConv && session.loadOlder(shownConv));
  jumpButton.addEventListener('click', () => {
    stick = true;
    scrollToBottom();
    input.focus();
  });
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const cid = button.dataset.cid;
    const action = button.dataset.action;
    if (action === 'retry') session.outbox.retry(cid);
    else if (action === 'discard') session.outbox.discard(cid);
    else if (action === 'user') userMenu.open(button.dataset.user, button);
    else if (action === 'actions') openMenu(Number(button.dataset.seq), button);
    else if (action === 'react') react(Number(button.dataset.seq), button.dataset.emoji);
    else if (action === 'jump') jumpTo(Number(button.dataset.replyTo));
    else if (action === 'edit-cancel') stopEditing(true);
    else if (action === 'reveal') {
      revealed.add(`${button.dataset.conv} ${button.dataset.seq}`);
      render();
      scroller.focus({ preventScroll: true }); // the Show button is gone; stay in the messages
    }
  });
  list.addEventListener('submit', (event) => {
    const form = event.target.closest('form.edit-form');
    if (!form) return;
    event.preventDefault();
    saveEdit(form);
  });
  list.addEventListener('input', (event) => {
    if (event.target.matches('.edit-input')) ui.editDraft = event.target.value;
  });
  list.addEventListener('keydown', (event) => {
    if (!event.target.matches('.edit-input')) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      stopEditing(true);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
  // A long press on a message (touch screens, where nothing hovers) opens its actions.
  let press = null;
  list.addEventListener('pointerdown', (event) => {
    if (event.pointerType !== 'touch') return;
    const li = event.target.closest('li.message[data-seq]');
    if (!li || event.target.closest('button, a, textarea')) return;
    const timer = setTimeout(() => {
      press = null;
      const button = li.querySelector('.message-actions-button');
      if (button) openMenu(Number(li.dataset.seq), button);
    }, LONG_PRESS_MS);
    press = { timer, x: event.clientX, y: event.clientY };
  });
  const cancelPress = () => {
    if (press) clearTimeout(press.timer);
    press = null;
  };
  list.addEventListener('pointerup', cancelPress);
  list.addEventListener('pointercancel', cancelPress);
  list.addEventListener('pointermove', (event) => {
    if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > 10) cancelPress();
  });
  list.addEventListener('contextmenu', (event) => {
    // The long press is ours: no text-selection menu over the message actions.
    if (event.target.closest('li.message[data-seq]') && menu.isOpen) event.preventDefault();
  });
  document.addEventListener('visibilitychange', () => updateSeen());
  window.addEventListener('focus', () => updateSeen());
  window.addEventListener('resize', () => {
    if (stick) scrollToBottom();
    updateSeen();
  });

  function goBack() {
    const id = shownConv;
    session.rooms.showList();
    if (id) setTimeout(() => focusConversation(id), 0);
  }

  function send() {
    const id = shownConv;
    if (!id || input.disabled) return;
    const text = input.value;
    if (text.trim() === '') return;
    try {
      session.outbox.send(id, text, { replyTo: extras.replyTo(id) });
    } catch (e) {
      composerError.textContent = e.message;
      return;
    }
    extras.sent(id);
    input.value = '';
    drafts.delete(id);
    composerError.textContent = '';
    autosize();
    stick = true;
  }

  // --- message actions -------------------------------------------------------------------------

  function messageAt(seq) {
    return shownConv ? store.conv(shownConv)?.bySeq.get(seq) ?? null : null;
  }

  function openMenu(seq, button) {
    const m = messageAt(seq);
    if (!m) return;
    menu.open(m, button, allowed(m));
  }

  async function react(seq, emoji) {
    const id = shownConv;
    if (!id || !Number.isInteger(seq)) return;
    try {
      await session.messages.react(id, seq, emoji);
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async function remove(m) {
    try {
      await session.messages.remove(m.conv, m.seq); // the update shows "Message deleted"
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  function startEditing(m) {
    ui.editing = `${m.conv} ${m.seq}`;
    ui.editDraft = m.text;
    ui.editFocused = false;
    stick = stick && m.seq === store.conv(m.conv)?.lastSeq;
    render();
  }

  function stopEditing(refocus) {
    const editing = ui.editing;
    ui.editing = null;
    ui.editDraft = null;
    render();
    if (refocus && editing) {
      const seq = editing.split(' ')[1];
      list.querySelector(`li.message[data-seq="${seq}"] .message-actions-button`)
        ?.focus({ preventScroll: true });
    }
  }

  async function saveEdit(form) {
    const seq = Number(form.dataset.seq);
    const field = form.querySelector('.edit-input');
    const error = form.querySelector('.edit-error');
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      await session.messages.edit(shownConv, seq, field.value);
      stopEditing(true);
    } catch (e) {
      error.textContent = e.message;
      for (const b of buttons) b.disabled = false;
      field.focus();
    }
  }

  /** Shows the message `seq` (loading older history until it is there) and points it out. */
  async function jumpTo(seq) {
    const id = shownConv;
    if (!id || !Number.isInteger(seq)) return;
    if (!messageAt(seq)) {
      try {
        await session.messages.loadUntil(id, seq);
      } catch (e) {
        if (e.code !== 'disconnected') toast(e.message, 'error');
        return;
      }
      if (shownConv !== id) return;
      render();
    }
    const node = list.querySelector(`li.message[data-seq="${seq}"]`);
    if (!node) {
      toast('That message is not there any more.', 'error');
      return;
    }
    stick = false;
    node.scrollIntoView({ block: 'center' });
    stick = atBottom();
    jumpButton.hidden = stick;
    node.classList.remove('flash');
    void node.offsetWidth; // restart the highlight if it is still running
    node.classList.add('flash');
    node.addEventListener('animationend', () => node.classList.remove('flash'), { once: true });
    node.focus({ preventScroll: true });
  }

  function autosize() {
    const lines = input.value.split('\n').length;
    input.rows = Math.max(1, Math.min(8, lines));
  }

  // --- rendering -------------------------------------------------------------------------------

  function render() {
    const id = store.activeConv;
    const conv = id ? store.conv(id) : null;
    if (!conv) {
      if (shownConv) drafts.set(shownConv, input.value);
      shownConv = null;
      nodes = new Map();
      list.replaceChildren();
      pane.hidden = true;
      emptyState.hidden = false;
      return;
    }
    let opened = false;
    if (id !== shownConv) {
      if (shownConv) drafts.set(shownConv, input.value);
      menu.close();
      ui.editing = null;
      ui.editDraft = null;
      shownConv = id;
      nodes = new Map();
      list.replaceChildren();
      list.dataset.conv = id;
      input.value = drafts.get(id) ?? '';
      autosize();
      composerError.textContent = '';
      stick = true;
      opened = true;
    }
    pane.hidden = false;
    emptyState.hidden = true;
    renderHeader(conv);
    renderComposer(conv);
    extras.render(id);
    renderTyping(conv);
    renderHistoryStatus(conv);

    if (conv.markerSeq == null && unreadCount(conv) > 0
        && (!stick || document.visibilityState !== 'visible')) {
      conv.markerSeq = conv.readSeq; // new messages arrive while the reader is elsewhere
    }
    const anchor = !opened && !stick ? findAnchor() : null;
    const messages = conv.messages.concat(store.pendingFor(id));
    const items = buildTimeline(messages, {
      me: store.me,
      markerSeq: conv.markerSeq,
      peerReadSeq: conv.kind === 'direct' ? conv.peerReadSeq : 0,
    });
    reconcile(items, conv);
    menu.reattach();
    focusEditField();

    if (opened) {
      const marker = list.querySelector('.new-messages-marker');
      if (marker) {
        scroller.scrollTop = Math.max(0, marker.offsetTop - scroller.offsetTop - 24);
        stick = atBottom();
      } else {
        scrollToBottom();
      }
      if (!narrow.matches) input.focus({ preventScroll: true });
      else title.focus({ preventScroll: true });
    } else if (stick) {
      scrollToBottom();
    } else if (anchor) {
      restoreAnchor(anchor);
    }
    jumpButton.hidden = stick;
    maybeLoadOlder();
    updateSeen();
  }

  /** The in-place editor takes the focus once, when it appears (or was rebuilt while focused). */
  function focusEditField() {
    if (!ui.editing) return;
    const field = list.querySelector('.edit-input');
    if (!field) {
      ui.editing = null; // the message went away (deleted, or the list changed)
      return;
    }
    if (!ui.editFocused || (document.activeElement === document.body)) {
      ui.editFocused = true;
      field.focus({ preventScroll: true });
      if (document.activeElement === field && field.selectionStart === 0) {
        field.setSelectionRange(field.value.length, field.value.length);
      }
    }
  }

  function renderHeader(conv) {
    title.textContent = conv.id;
    const room = conv.kind === 'room';
    membersButton.hidden = !room;
    leaveButton.hidden = !room;
    roomSettingsButton.hidden = !room || !session.can(FEATURE.moderation);
    userActionsButton.hidden = room || !session.can(FEATURE.block);
    input.placeholder = `Message ${conv.id}`;
    const parts = [];
    if (room) {
      parts.push(conv.topic || 'No topic');
      if (conv.isPrivate) parts.push('Private');
      const count = conv.members?.length;
      if (count != null) parts.push(count === 1 ? '1 member' : `${count} members`);
      setChildren(subtitle, parts.join(' · '));
    } else {
      const online = store.presence.get(conv.id.slice(1));
      if (online == null) setChildren(subtitle, 'Direct conversation');
      else setChildren(subtitle, presenceDot(online), online ? 'Online' : 'Offline');
    }
  }

  /** A direct conversation with someone I blocked cannot be written in (the server refuses). */
  function renderComposer(conv) {
    const peer = directPeer(conv.id);
    const blocked = peer != null && store.blocked.has(peer);
    blockedNote.hidden = !blocked;
    input.disabled = sendButton.disabled = blocked;
    if (blocked) {
      const text = `You blocked ${peer}. Neither of you can send messages here until you unblock them.`;
      if (blockedText.textContent !== text) blockedText.textContent = text;
      unblockButton.setAttribute('aria-label', `Unblock ${peer}`);
    }
  }

  function renderTyping(conv) {
    const now = Date.now();
    const users = [...conv.typing].filter(([, expiry]) => expiry > now).map(([user]) => user)
      .filter((user) => !store.blocked.has(user));
    const text = typingText(users);
    if (typingIndicator.textContent !== text) typingIndicator.textContent = text;
  }

  function renderHistoryStatus(conv) {
    loadOlderButton.hidden = !conv.hasOlder || conv.loadingOlder;
    let note = '';
    if (conv.loadingOlder || (conv.loadingLatest && conv.messages.length === 0)) {
      note = 'Loading messages…';
    } else if (!conv.hasOlder && conv.syncedSeq != null) {
      note = conv.messages.length === 0 && store.pendingFor(conv.id).length === 0
        ? (conv.kind === 'room' ? `This is the start of ${conv.id}. Say hello!`
          : `No messages with ${conv.id.slice(1)} yet. Say hello!`)
        : `This is the beginning of ${conv.id}.`;
    }
    if (historyNote.textContent !== note) historyNote.textContent = note;
  }

  function reconcile(items, conv) {
    const keep = new Set();
    const wanted = [];
    for (const item of items) {
      const sig = signature(item);
      let entry = nodes.get(item.key);
      if (!entry || entry.sig !== sig) {
        const node = build(item, conv);
        keyOf.set(node, item.key);
        if (entry?.node.parentNode) entry.node.replaceWith(node);
        entry = { node, sig };
        nodes.set(item.key, entry);
      }
      keep.add(item.key);
      wanted.push(entry.node);
    }
    for (const [key, entry] of nodes) {
      if (!keep.has(key)) {
        entry.node.remove();
        nodes.delete(key);
      }
    }
    let cursor = list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(node, cursor);
    }
  }

  // --- scrolling and reading -------------------------------------------------------------------

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < BOTTOM_SLACK_PX;
  }

  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  /** The first message at the top of the view and where it is, to keep it still on updates. */
  function findAnchor() {
    const top = scroller.getBoundingClientRect().top;
    for (const node of list.children) {
      if (!node.classList.contains('message')) continue;
      const rect = node.getBoundingClientRect();
      if (rect.bottom > top) return { key: keyOf.get(node), offset: rect.top - top };
    }
    return null;
  }

  function restoreAnchor(anchor) {
    const entry = nodes.get(anchor.key);
    if (!entry || !entry.node.isConnected) return;
    const top = scroller.getBoundingClientRect().top;
    scroller.scrollTop += entry.node.getBoundingClientRect().top - top - anchor.offset;
  }

  function maybeLoadOlder() {
    const conv = shownConv && store.conv(shownConv);
    if (!conv || !conv.hasOlder || conv.loadingOlder) return;
    if (scroller.scrollTop < LOAD_OLDER_PX) session.loadOlder(conv.id);
  }

  /** Marks as read the newest message the reader can see, if the page is visible. */
  function updateSeen() {
    const id = shownConv;
    if (!id || document.visibilityState !== 'visible') return;
    if (narrow.matches && store.pane !== 'conversation') return;
    const bottom = scroller.getBoundingClientRect().bottom;
    const messages = list.querySelectorAll('li.message[data-seq]');
    for (let i = messages.length - 1; i >= 0; i--) {
      const node = messages[i];
      if (node.getBoundingClientRect().top < bottom - 8) {
        session.markSeen(id, Number(node.dataset.seq));
        return;
      }
    }
  }

  return { render };
}
