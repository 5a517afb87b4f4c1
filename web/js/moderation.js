// Running a room: its topic, bans, roles, handing ownership over and deleting the room. Owners
// and moderators moderate; only the owner changes roles or deletes. No DOM here.

import { errorText, normalizeUser, TOPIC_MAX, userNameError } from './logic.js';
import { ChatError } from './protocol.js';
import { applyMemberEvent } from './rules.js';

const roomName = (id) => String(id).replace(/^#/, '');

export class Moderation {
  constructor(client) {
    this.client = client;
    this.store = client.store;
    this.conn = client.conn;
  }

  async setTopic(id, topicInput) {
    const topic = String(topicInput ?? '').trim();
    if ([...topic].length > TOPIC_MAX) {
      throw new ChatError('bad_request', `Topics have at most ${TOPIC_MAX} characters.`);
    }
    await this.call('topic', { room: roomName(id), topic },
      'Only the owner and moderators can change the topic.');
    this.store.setTopic(id, topic);
    this.store.changed('room');
    return topic;
  }

  async ban(id, userInput) {
    const user = normalizeUser(userInput);
    const problem = userNameError(user);
    if (problem) throw new ChatError('bad_request', problem);
    await this.call('ban', { room: roomName(id), user },
      'Only the owner and moderators can ban, and nobody can ban the owner.');
    const conv = this.store.conv(id);
    if (conv) {
      conv.members = applyMemberEvent(conv.members, { user, action: 'ban' });
      if (conv.bans && !conv.bans.includes(user)) conv.bans = [...conv.bans, user].sort();
    }
    this.store.changed('members');
    return user;
  }

  async unban(id, user) {
    await this.call('unban', { room: roomName(id), user },
      'Only the owner and moderators can unban.');
    const conv = this.store.conv(id);
    if (conv?.bans) conv.bans = conv.bans.filter((u) => u !== user);
    this.store.changed('members');
    return user;
  }

  /** Makes `user` a "moderator" or a "member" (owner only). */
  async setRole(id, user, role) {
    await this.call('role', { room: roomName(id), user, role },
      'Only the owner can change roles.');
    this.applyRole(id, user, role);
    return user;
  }

  /** Hands the room to `user`; I become a moderator. */
  async transferOwnership(id, user) {
    await this.call('role', { room: roomName(id), user, role: 'owner' },
      'Only the owner can hand the room over.');
    this.applyRole(id, user, 'owner');
    return user;
  }

  async deleteRoom(id) {
    await this.call('delete_room', { room: roomName(id) }, 'Only the owner can delete the room.');
    this.store.removeConv(id);
    this.store.roomInfo.delete(id);
    this.store.changed('conversations');
  }

  /** The banned users of a room I moderate. */
  async loadBans(id) {
    const reply = await this.conn.request('bans', { room: roomName(id) });
    const users = (reply.users ?? []).filter((u) => typeof u === 'string').sort();
    const conv = this.store.conv(id);
    if (conv) conv.bans = users;
    this.store.changed('members');
    return users;
  }

  applyRole(id, user, role) {
    const conv = this.store.conv(id);
    if (conv) conv.members = applyMemberEvent(conv.members, { user, action: 'role', role });
    this.store.changed('members');
  }

  async call(type, fields, forbiddenText) {
    try {
      return await this.conn.request(type, fields);
    } catch (e) {
      if (e.code === 'forbidden') throw new ChatError(e.code, e.message || forbiddenText);
      if (e.code === 'not_found') {
        throw new ChatError(e.code, e.message || 'No such room or user.');
      }
      throw new ChatError(e.code, errorText(e));
    }
  }
}
