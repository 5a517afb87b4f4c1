// Navigation and rooms: opening conversations, "Go to", joining, creating and leaving rooms,
// inviting and kicking, and member lists (which also seed presence). No DOM here.

import { ChatError } from './protocol.js';
import {
  errorText, normalizeRoom, normalizeUser, parseTarget, roomNameError, runLimited, TOPIC_MAX,
  unreadCount, userNameError,
} from './logic.js';

const PAGE = 50;

export class Rooms {
  constructor(client) {
    this.client = client;
    this.store = client.store;
    this.conn = client.conn;
  }

  /** Shows a conversation. `fresh`: just joined, so its old messages are not "new". */
  open(id, { fresh = false } = {}) {
    const store = this.store;
    const conv = store.conv(id);
    if (!conv) return;
    store.activeConv = id;
    store.pane = 'conversation';
    if (store.jumpTarget?.conv !== id) store.jumpTarget = null; // meant for another one
    conv.markerSeq = !fresh && unreadCount(conv) > 0 ? conv.readSeq : null;
    store.changed('open');
    if (conv.onServer && conv.syncedSeq == null && this.client.ready) {
      this.client.background(this.client.loadLatest(id));
    }
    if (conv.kind === 'room' && this.client.ready) this.client.background(this.loadMembers(id));
  }

  showList() {
    this.store.pane = 'list';
    this.store.changed('pane');
  }

  /** "Go to": `@user` opens the direct conversation, `#room` joins the room. */
  async goTo(text) {
    const target = parseTarget(text, this.store.me);
    if (target.error) throw new ChatError('bad_request', target.error);
    if (target.kind === 'room') return this.join(target.name);
    const existing = this.store.conv(target.conv);
    if (existing) {
      this.open(target.conv);
      return target.conv;
    }
    let page;
    try {
      page = await this.client.historyPage({ conv: target.conv, limit: PAGE });
    } catch (e) {
      if (e.code === 'not_found') {
        throw new ChatError(e.code, `There is no user named ${target.name}.`);
      }
      throw new ChatError(e.code, errorText(e));
    }
    const conv = this.store.ensureConv(target.conv, this.client.now());
    const { messages } = page;
    this.store.addMessages(target.conv, messages);
    this.store.markSynced(target.conv, messages.length ? messages[messages.length - 1].seq : 0);
    conv.hasOlder = !!page.more;
    this.open(target.conv);
    return target.conv;
  }

  async join(nameInput) {
    const name = normalizeRoom(nameInput);
    const problem = roomNameError(name);
    if (problem) throw new ChatError('bad_request', problem);
    const id = '#' + name;
    if (this.store.conv(id)?.onServer) {
      this.open(id);
      return id;
    }
    let ok;
    try {
      ok = await this.conn.request('join', { room: name });
    } catch (e) {
      if (e.code === 'forbidden') {
        throw new ChatError(e.code, /\bbann/i.test(e.message ?? '') ? `You are banned from ${id}.`
          : `${id} is private: ask its owner to invite you.`);
      }
      if (e.code === 'not_found') {
        throw new ChatError(e.code, `There is no room ${id}. Create it with “New room”.`);
      }
      throw new ChatError(e.code, errorText(e));
    }
    const convId = ok.conv ?? id;
    const conv = this.store.ensureConv(convId, this.client.now());
    conv.onServer = true;
    if (ok.topic != null) conv.topic = ok.topic;
    conv.lastSeq = Math.max(conv.lastSeq, ok.lastSeq ?? 0);
    if (conv.syncedSeq == null) await this.client.loadLatest(convId);
    this.open(convId, { fresh: true });
    return convId;
  }

  async create(nameInput, topic, isPrivate) {
    const name = normalizeRoom(nameInput);
    const problem = roomNameError(name);
    if (problem) throw new ChatError('bad_request', problem);
    const cleanTopic = String(topic ?? '').trim();
    if ([...cleanTopic].length > TOPIC_MAX) {
      throw new ChatError('bad_request', `Topics have at most ${TOPIC_MAX} characters.`);
    }
    let ok;
    try {
      ok = await this.conn.request('create',
        { room: name, topic: cleanTopic, private: !!isPrivate });
    } catch (e) {
      throw new ChatError(e.code, createErrorText(name, e));
    }
    const id = ok.room ?? '#' + name;
    const conv = this.store.ensureConv(id, this.client.now());
    conv.onServer = true;
    conv.topic = cleanTopic;
    conv.isPrivate = !!isPrivate;
    conv.members = [{ user: this.store.me, role: 'owner', online: true }];
    this.store.roomInfo.set(id,
      { topic: cleanTopic, isPrivate: !!isPrivate, members: 1, joined: true });
    this.store.markSynced(id, 0);
    this.open(id);
    return id;
  }

  /**
   * Topic and privacy of my rooms that no directory page has shown yet (after a page load), one
   * look-up per room, a few at a time; later changes arrive as `room` events.
   */
  async lookUpUnknownRooms() {
    const unknown = [...this.store.convs.values()]
      .filter((c) => c.kind === 'room' && c.onServer && !this.store.knowsRoom(c.id))
      .map((c) => c.id);
    await runLimited(unknown, 2, (id) => this.client.directory.lookup(id).catch(() => null));
  }

  async leave(id) {
    try {
      await this.conn.request('leave', { room: id.replace(/^#/, '') });
    } catch (e) {
      if (e.code === 'forbidden') {
        // The owner hands the room over first; the server says so in its own words.
        const said = e.message ? e.message[0].toUpperCase() + e.message.slice(1) : '';
        throw new ChatError(e.code, said || 'The owner cannot leave the room.');
      }
      throw new ChatError(e.code, errorText(e));
    }
    this.store.removeConv(id);
    this.store.changed('conversations');
  }

  async invite(id, userInput) {
    const user = normalizeUser(userInput);
    const problem = userNameError(user);
    if (problem) throw new ChatError('bad_request', problem);
    try {
      await this.conn.request('invite', { room: id.replace(/^#/, ''), user });
    } catch (e) {
      if (e.code === 'not_found') throw new ChatError(e.code, `There is no user named ${user}.`);
      if (e.code === 'forbidden') throw new ChatError(e.code, 'Only the owner and moderators can invite people.');
      throw new ChatError(e.code, errorText(e));
    }
    await this.loadMembers(id).catch(() => {});
    return user;
  }

  async kick(id, user) {
    try {
      await this.conn.request('kick', { room: id.replace(/^#/, ''), user });
    } catch (e) {
      if (e.code === 'forbidden') throw new ChatError(e.code, 'Only the owner and moderators can remove people.');
      throw new ChatError(e.code, errorText(e));
    }
    const conv = this.store.conv(id);
    if (conv?.members) conv.members = conv.members.filter((m) => m.user !== user);
    this.store.changed('members');
  }

  async loadMembers(id) {
    const reply = await this.conn.request('members', { room: id.replace(/^#/, '') });
    const conv = this.store.conv(id);
    const members = (reply.members ?? [])
      .map((m) => ({ user: m.user, role: m.role, online: !!m.online }));
    for (const m of members) this.store.presence.set(m.user, m.online);
    if (conv) conv.members = members;
    this.store.changed('members');
    return members;
  }

  /**
   * Presence of the people I share rooms with: the protocol has no snapshot of presence, only
   * changes, so the member lists of my rooms seed it.
   */
  async refreshPresence() {
    const rooms = [...this.store.convs.values()].filter((c) => c.kind === 'room' && c.onServer)
      .slice(0, 20).map((c) => c.id);
    await runLimited(rooms, 2, (id) => this.loadMembers(id).catch(() => {}));
  }
}

/**
 * What a refused `create` says: the name is taken, or (also `conflict`) a room of that name was
 * just deleted and its history is still being erased, or the server's error as such.
 */
export function createErrorText(name, e) {
  if (e?.code !== 'conflict') return errorText(e);
  return /being erased/.test(String(e.message ?? ''))
    ? `The room #${name} was just deleted and its history is still being erased. `
      + 'Try again in a minute.'
    : `The room #${name} already exists. Use “Go to” to join it.`;
}
