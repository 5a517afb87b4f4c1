// Live events: what the server pushes (messages, reads, typing, presence, membership, room
// changes) applied to the store once the client is caught up. No DOM here.

import { cleanFiles } from './files.js';
import { applyMemberEvent } from './rules.js';

/** How long someone shows as typing after their last typing event. */
const TYPING_SHOWN_MS = 5000;

/**
 * My own message is stored from the send's `ok`, before its `message` event: the event adds the
 * mentions the server found, unless the message changed since (then an update carries them),
 * and its files as the server names them (their URLs).
 */
function fillFromEvent(held, m) {
  if (!held || held.deleted) return;
  const files = cleanFiles(m.files);
  if (held.files && files.length === held.files.length) held.files = files;
  if (held.mentions || held.edited || held.text !== m.text) return;
  if (Array.isArray(m.mentions) && m.mentions.length > 0) held.mentions = [...m.mentions];
}

/**
 * Each members list's entries by user, made at the first presence event that meets the list: a
 * presence event looks a user up in every loaded list (a room of 50,000 walked whole took
 * milliseconds per event). Lists are never changed in place (a member event makes a new one),
 * so an index stays right for as long as its list is in use.
 */
const memberIndexes = new WeakMap();

function memberOf(members, user) {
  let index = memberIndexes.get(members);
  if (!index) {
    index = new Map();
    for (const m of members) index.set(m.user, m);
    memberIndexes.set(members, index);
  }
  return index.get(user);
}

export class LiveEvents {
  constructor(client) {
    this.client = client;
  }

  apply(frame) {
    switch (frame.type) {
      case 'message': return this.onMessage(frame);
      case 'read': return this.onRead(frame);
      case 'typing': return this.onTyping(frame);
      case 'presence': return this.onPresence(frame);
      case 'member': return this.onMember(frame);
      case 'room': return this.onRoom(frame);
      case 'update': return this.client.messages.onUpdate(frame);
      default: return undefined; // unsolicited errors (typing, read) and future event types
    }
  }

  onMessage(m) {
    if (typeof m.conv !== 'string' || !Number.isSafeInteger(m.seq)) return;
    const store = this.client.store;
    const conv = store.ensureConv(m.conv, this.client.now());
    conv.onServer = true;
    const added = store.addMessages(m.conv, [m]);
    if (added.length > 0) conv.typing.delete(m.from);
    else fillFromEvent(conv.bySeq.get(m.seq), m);
    if (added.length > 0 && m.from !== store.me) this.client.onIncoming(added[0]);
    // Whoever just sent a message is connected; we hear when they go offline from now on.
    if (m.from !== store.me && !store.presence.has(m.from)) store.presence.set(m.from, true);
    if (conv.syncedSeq == null) this.client.background(this.client.loadLatest(m.conv));
    else if (store.hasGap(m.conv)) this.client.background(this.client.fillGap(m.conv));
    store.changed('messages');
  }

  onRead({ conv, user, seq }) {
    const c = this.client.store.conv(conv);
    if (!c || !Number.isSafeInteger(seq)) return;
    if (user === this.client.store.me) this.client.store.setReadSeq(conv, seq);
    else if (c.kind === 'direct') c.peerReadSeq = Math.max(c.peerReadSeq, seq);
    else c.readers.set(user, Math.max(c.readers.get(user) ?? 0, seq));
    this.client.store.changed('read');
  }

  onTyping({ conv, user }) {
    const c = this.client.store.conv(conv);
    if (!c || user === this.client.store.me) return;
    c.typing.set(user, this.client.now() + TYPING_SHOWN_MS);
    this.client.setTimer(() => {
      const expiry = c.typing.get(user);
      if (expiry != null && expiry <= this.client.now()) {
        c.typing.delete(user);
        this.client.store.changed('typing');
      }
    }, TYPING_SHOWN_MS + 50);
    this.client.store.changed('typing');
  }

  onPresence({ user, online }) {
    this.client.store.presence.set(user, !!online);
    for (const conv of this.client.store.convs.values()) {
      const member = Array.isArray(conv.members) ? memberOf(conv.members, user) : undefined;
      if (member) member.online = !!online;
    }
    this.client.store.changed('presence');
  }

  onMember({ conv, user, action, role }) {
    const store = this.client.store;
    if (typeof conv !== 'string' || typeof user !== 'string') return;
    if (user === store.me && ['leave', 'kick', 'ban', 'deleted'].includes(action)) {
      this.droppedFromRoom(conv, action);
    } else if (user === store.me && (action === 'join' || action === 'invite')) {
      const c = store.ensureConv(conv, this.client.now());
      c.onServer = true;
      if (c.syncedSeq == null) this.client.background(this.client.loadLatest(conv));
      if (!store.knowsRoom(conv)) this.client.background(this.client.directory.lookup(conv));
      if (action === 'invite') this.client.onNotice(`You were added to ${conv}.`, 'info');
    } else {
      const c = store.conv(conv);
      if (action === 'join') store.presence.set(user, true); // joining takes a connection
      if (c) {
        c.members = applyMemberEvent(c.members, { user, action, role },
          store.presence.get(user) ?? false);
        if (action === 'ban' && c.bans && !c.bans.includes(user)) c.bans = [...c.bans, user].sort();
        if (action === 'unban' && c.bans) c.bans = c.bans.filter((u) => u !== user);
      }
      if (user === store.me && action === 'role' && c) {
        const what = role === 'owner' ? 'the owner' : role === 'moderator' ? 'a moderator' : 'a member';
        this.client.onNotice(`You are now ${what} of ${conv}.`, 'info');
      }
    }
    store.changed('members');
  }

  /** I left, was kicked or banned, or the room was deleted: it goes from the list. */
  droppedFromRoom(conv, action) {
    const store = this.client.store;
    if (action === 'deleted') store.roomInfo.delete(conv);
    if (!store.conv(conv)) return;
    const wasOpen = store.activeConv === conv;
    store.removeConv(conv);
    if (action === 'kick') this.client.onNotice(`You were removed from ${conv}.`, 'info');
    else if (action === 'ban') this.client.onNotice(`You were banned from ${conv}.`, 'info');
    else if (action === 'deleted' && wasOpen) this.client.onNotice(`${conv} was deleted.`, 'info');
    store.changed('conversations');
  }

  onRoom({ conv, topic }) {
    if (typeof conv !== 'string' || typeof topic !== 'string') return;
    this.client.store.setTopic(conv, topic);
    this.client.store.changed('room');
  }
}
