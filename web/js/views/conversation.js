// The right pane: the open conversation's header, its messages, who is typing, and the composer.
// Messages are rendered by key and only rebuilt when they change, so scrolling, focus and
// screen readers are not disturbed by updates elsewhere. Each message has "Message actions"
// (hover, keyboard, or a long press on a touch screen): reply, react, edit in place, delete.
// A message the store asks for (`jumpTarget`: a search result, what a reply answers) is
// scrolled to, highlighted briefly and focused; holes in the history it leaves are loaded from
// either side on request, the messages beside the hole staying where they are. Files attached
// in the composer upload at once; Send waits for them and sends them with the text (if any).

import { presenceDot, setChildren } from '../dom.js';
import { sendCheck } from '../files.js';
import { buildTimeline, errorText, typingText, unreadCount } from '../logic.js';
import { directPeer, FEATURE } from '../rules.js';
import { mountAttachments } from './attachments.js';
import { mountComposerExtras } from './composerExtras.js';
import { mountMessageActions } from './messageActionsView.js';
import { messageItems } from './messageItems.js';

const BOTTOM_SLACK_PX = 48;
const LOAD_OLDER_PX = 150;
const NARROW = '(max-width: 760px)';

export function mountConversation({
  client, store, $, dialogs, toast, focusConversation, userMenu, roomSettings,
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
  let heldAnchor = null; // {key, offset}: a message kept still while a hole beside it loads
  const drafts = new Map();
  const waitingSend = new Set(); // conversations whose Send waits for uploads to finish
  const revealed = new Set(); // 'conv seq' of blocked users' messages the reader chose to see
  const ui = { editing: null, editDraft: null, editFocused: false }; // editing: 'conv seq'
  const narrow = window.matchMedia(NARROW);
  const extras = mountComposerExtras({ store, $, input });
  const attachments = mountAttachments({ client, $, input, composerError });
  const actions = mountMessageActions({
    client, store, list, toast, extras, ui,
    view: {
      shownConv: () => shownConv,
      render: () => render(),
      holdPosition: () => {
        stick = false;
      },
    },
  });
  const { signature, build } = messageItems({
    store, revealed, allowed: actions.allowed, ui, origin: client.httpOrigin,
  });
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
    if (shownConv && input.value.trim() !== '') client.typing(shownConv);
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
      await client.account.unblock(peer);
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
      await client.rooms.leave(id);
      toast(`You left ${id}.`);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      leaveButton.disabled = false;
    }
  });
  loadOlderButton.addEventListener('click', () => shownConv && client.loadOlder(shownConv));
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
    if (action === 'retry') client.outbox.retry(cid);
    else if (action === 'discard') client.outbox.discard(cid);
    else if (action === 'user') userMenu.open(button.dataset.user, button);
    else if (action === 'gap-after' || action === 'gap-before') fillHole(button);
    else if (action === 'reveal') {
      revealed.add(`${button.dataset.conv} ${button.dataset.seq}`);
      render();
      scroller.focus({ preventScroll: true }); // the Show button is gone; stay in the messages
    }
  });
  // An image that loads makes its message taller: a view that follows the newest stays down.
  list.addEventListener('load', () => {
    if (stick) scrollToBottom();
  }, true);
  document.addEventListener('visibilitychange', () => updateSeen());
  window.addEventListener('focus', () => updateSeen());
  window.addEventListener('resize', () => {
    if (stick) scrollToBottom();
    updateSeen();
  });

  /**
   * Loads one page into a hole: "Load newer" keeps the message above it still (the new ones
   * appear under it), "Load older" the one below it. Then the first message loaded is focused.
   */
  async function fillHole(button) {
    const id = shownConv;
    const after = Number(button.dataset.after);
    const hole = button.closest('li.history-gap');
    if (!id || !hole) return;
    const newer = button.dataset.action === 'gap-after';
    const edge = newer ? after : Number(hole.dataset.before);
    const node = list.querySelector(`li.message[data-seq="${edge}"]`);
    stick = false;
    heldAnchor = node ? anchorOf(node) : null;
    try {
      await client.history.fillHole(id, after, newer ? 'after' : 'before');
    } catch (e) {
      toast(errorText(e), 'error');
    }
    const still = shownConv === id;
    if (still) render();
    heldAnchor = null; // also when another conversation opened meanwhile: it is not its anchor
    if (!still) return;
    const first = list.querySelector(`li.message[data-seq="${newer ? edge + 1 : edge - 1}"]`);
    first?.focus({ preventScroll: true });
  }

  function goBack() {
    const id = shownConv;
    client.rooms.showList();
    if (id) setTimeout(() => focusConversation(id), 0);
  }

  /**
   * Sends the text and the uploaded files. While uploads run the message waits (the field is
   * read-only meanwhile) and goes when they finish; a failed upload must be removed first.
   */
  async function send() {
    const id = shownConv;
    if (!id || input.disabled || waitingSend.has(id)) return;
    const check = sendCheck(input.value, client.uploads.list(id));
    if (check.action === 'nothing') return;
    if (check.action === 'refuse') {
      composerError.textContent = check.error;
      return;
    }
    if (check.action === 'wait') {
      waitingSend.add(id);
      render();
      await client.uploads.whenSettled(id);
      waitingSend.delete(id);
      if (!store.me || !store.conv(id)) return; // signed out, or the conversation is gone
    }
    sendNow(id);
    render();
  }

  function sendNow(id) {
    const shown = id === shownConv;
    const text = shown ? input.value : drafts.get(id) ?? '';
    const fail = (message) => {
      if (shown) composerError.textContent = message;
    };
    const check = sendCheck(text, client.uploads.list(id));
    if (check.action === 'refuse') fail(check.error);
    if (check.action !== 'send') return;
    try {
      client.outbox.send(id, text, {
        replyTo: extras.replyTo(id), files: client.uploads.uploaded(id),
      });
    } catch (e) {
      fail(e.message);
      return;
    }
    client.uploads.sent(id);
    extras.sent(id);
    drafts.delete(id);
    if (!shown) return;
    input.value = '';
    composerError.textContent = '';
    autosize();
    stick = true;
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
      actions.reset();
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
    const anchor = heldAnchor ?? (!opened && !stick ? findAnchor() : null);
    store.trim(id, seqInView(conv, anchor, opened));
    const messages = conv.messages.concat(store.pendingFor(id));
    const items = buildTimeline(messages, {
      me: store.me,
      markerSeq: conv.markerSeq,
      peerReadSeq: conv.kind === 'direct' ? conv.peerReadSeq : 0,
    });
    for (const item of items) if (item.kind === 'gap') item.filling = conv.fillingHole;
    reconcile(items, conv);
    actions.afterRender();

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
    } else if (anchor) {
      restoreAnchor(anchor); // set only while not at the bottom, or while a hole loads
    } else if (stick) {
      scrollToBottom();
    }
    showJumpTarget(id);
    jumpButton.hidden = stick;
    maybeLoadOlder();
    updateSeen();
  }

  function renderHeader(conv) {
    title.textContent = conv.id;
    const room = conv.kind === 'room';
    membersButton.hidden = !room;
    leaveButton.hidden = !room;
    roomSettingsButton.hidden = !room || !client.can(FEATURE.moderation);
    userActionsButton.hidden = room || !client.can(FEATURE.block);
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
    const waiting = waitingSend.has(conv.id);
    input.readOnly = waiting;
    attachments.render(conv.id, { enabled: !blocked, waiting });
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
      if (node.getBoundingClientRect().bottom > top) return anchorOf(node);
    }
    return null;
  }

  function anchorOf(node) {
    const top = scroller.getBoundingClientRect().top;
    return {
      key: keyOf.get(node), offset: node.getBoundingClientRect().top - top,
      seq: node.dataset.seq ? Number(node.dataset.seq) : null,
    };
  }

  /**
   * The message the reader is at, for the store to keep what is around it when it forgets
   * messages: one about to be pointed out, the one at the top of the view when scrolled back,
   * the first unread when just opened; null when it is the newest.
   */
  function seqInView(conv, anchor, opened) {
    if (store.jumpTarget?.conv === conv.id) return store.jumpTarget.seq;
    if (anchor?.seq != null) return anchor.seq;
    if (opened && conv.markerSeq != null) return conv.markerSeq + 1;
    return null;
  }

  /** Brings the message the store asks for into sight, highlights it briefly and focuses it. */
  function showJumpTarget(id) {
    const target = store.jumpTarget;
    if (target?.conv !== id) return;
    const node = list.querySelector(`li.message[data-seq="${target.seq}"]`);
    if (!node) return; // not rendered yet: the next render shows it
    store.jumpTarget = null;
    node.scrollIntoView({ block: 'center' });
    stick = atBottom();
    node.classList.remove('flash');
    void node.offsetWidth; // restart the highlight if it is still running
    node.classList.add('flash');
    node.addEventListener('animationend', () => node.classList.remove('flash'), { once: true });
    node.focus({ preventScroll: true });
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
    if (scroller.scrollTop < LOAD_OLDER_PX) client.loadOlder(conv.id);
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
        client.markSeen(id, Number(node.dataset.seq));
        return;
      }
    }
  }

  return { render };
}
