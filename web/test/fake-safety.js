// The second round of the protocol for the in-memory FakeServer: blocking, room roles and bans,
// topics, deleting rooms, the account requests and the paged room directory. Installed as hooks
// (they run before the fake's own handlers), by the rules of PROTOCOL.md.

export const ALL_FEATURES = ['block', 'moderation', 'account'];

/** Adds the second-round requests to `server`; returns it. */
export function installSafety(server) {
  server.blocks = new Map(); // user -> Set of users they blocked
  server.bans = new Map(); // '#room' -> Set of users
  const blocksOf = (u) => {
    if (!server.blocks.has(u)) server.blocks.set(u, new Set());
    return server.blocks.get(u);
  };
  const bansOf = (key) => {
    if (!server.bans.has(key)) server.bans.set(key, new Set());
    return server.bans.get(key);
  };
  const reply = (socket, frame, fields = {}) => {
    if (frame.id != null) server.push(socket, { type: 'ok', re: frame.id, ...fields });
    return 'handled';
  };
  const fail = (socket, frame, code, message) => {
    server.push(socket, { type: 'error', re: frame.id ?? null, code, message });
    return 'handled';
  };
  const toMembers = (key, event, extra = []) => {
    const room = server.convs.get(key);
    const users = new Set([...(room?.members?.keys() ?? []), ...extra]);
    for (const u of users) for (const s of server.sessionsOf(u)) server.push(s, event);
  };
  const room = (frame) => {
    const key = '#' + String(frame.room ?? '').replace(/^#/, '');
    return { key, conv: server.convs.get(key) };
  };
  // After the replies already queued (the real server closes after its ok, which arrives first).
  const closeAll = (user, reason, except = null) => setImmediate(() => {
    for (const s of server.sessionsOf(user)) if (s !== except) server.disconnect(s, 1008, reason);
  });
  const revoke = (user) => {
    for (const [token, name] of [...server.tokens]) if (name === user) server.tokens.delete(token);
  };
  const signedIn = (socket, frame) => (socket.user ? null
    : fail(socket, frame, 'unauthorized', 'sign in first'));
  const h = server.hooks;

  // --- blocking --------------------------------------------------------------------------------
  h.block = (socket, frame) => signedIn(socket, frame) ?? (server.users.has(frame.user)
    ? (blocksOf(socket.user).add(frame.user), reply(socket, frame))
    : fail(socket, frame, 'not_found', 'no such user'));
  h.unblock = (socket, frame) => signedIn(socket, frame)
    ?? (blocksOf(socket.user).delete(frame.user), reply(socket, frame));
  h.blocked = (socket, frame) => signedIn(socket, frame)
    ?? reply(socket, frame, { users: [...blocksOf(socket.user)] });
  h.send = (socket, frame) => {
    const peer = String(frame.to ?? '').startsWith('@') ? frame.to.slice(1) : null;
    if (socket.user && peer && (blocksOf(socket.user).has(peer) || blocksOf(peer).has(socket.user))) {
      return fail(socket, frame, 'forbidden', 'blocked');
    }
    return undefined;
  };

  // --- account ---------------------------------------------------------------------------------
  h.password = (socket, frame) => {
    const user = socket.user;
    if (signedIn(socket, frame)) return 'handled';
    if (server.users.get(user) !== frame.old) return fail(socket, frame, 'unauthorized', 'wrong password');
    server.users.set(user, frame.new);
    revoke(user);
    const token = `tok-${user}-new-${server.tokens.size}`;
    server.tokens.set(token, user);
    reply(socket, frame, { user, token, expiresAt: 9e15 });
    closeAll(user, 'password changed', socket);
    return 'handled';
  };
  h.logout = (socket, frame) => {
    if (!frame.all) return undefined; // the fake's own: one token
    if (signedIn(socket, frame)) return 'handled';
    reply(socket, frame);
    revoke(socket.user);
    closeAll(socket.user, 'logged out');
    return 'handled';
  };
  h.delete_account = (socket, frame) => {
    const user = socket.user;
    if (signedIn(socket, frame)) return 'handled';
    if (server.users.get(user) !== frame.password) return fail(socket, frame, 'unauthorized', 'wrong password');
    reply(socket, frame);
    revoke(user);
    server.users.set(user, Symbol('deleted'));
    closeAll(user, 'account deleted');
    return 'handled';
  };

  // --- rooms -----------------------------------------------------------------------------------
  const roleIn = (conv, user) => conv?.members?.get(user) ?? null;
  const moderates = (conv, user) => ['owner', 'moderator'].includes(roleIn(conv, user));
  h.leave = (socket, frame) => {
    const { key, conv } = room(frame);
    if (!conv) return fail(socket, frame, 'not_found', 'no such room');
    if (roleIn(conv, socket.user) === 'owner') {
      return fail(socket, frame, 'forbidden', 'Give the room to someone else before leaving it.');
    }
    conv.members.delete(socket.user);
    toMembers(key, { type: 'member', conv: key, user: socket.user, action: 'leave' }, [socket.user]);
    return reply(socket, frame);
  };
  h.ban = (socket, frame) => {
    const { key, conv } = room(frame);
    if (!conv) return fail(socket, frame, 'not_found', 'no such room');
    if (!moderates(conv, socket.user) || roleIn(conv, frame.user) === 'owner') {
      return fail(socket, frame, 'forbidden', 'not allowed');
    }
    bansOf(key).add(frame.user);
    const wasMember = conv.members.delete(frame.user);
    toMembers(key, { type: 'member', conv: key, user: frame.user, action: 'ban' },
      wasMember ? [frame.user] : []);
    return reply(socket, frame);
  };
  h.unban = (socket, frame) => {
    const { key, conv } = room(frame);
    if (!moderates(conv, socket.user)) return fail(socket, frame, 'forbidden', 'not allowed');
    bansOf(key).delete(frame.user);
    toMembers(key, { type: 'member', conv: key, user: frame.user, action: 'unban' });
    return reply(socket, frame);
  };
  h.bans = (socket, frame) => {
    const { key, conv } = room(frame);
    if (!moderates(conv, socket.user)) return fail(socket, frame, 'forbidden', 'not allowed');
    return reply(socket, frame, { users: [...bansOf(key)] });
  };
  h.role = (socket, frame) => {
    const { key, conv } = room(frame);
    if (roleIn(conv, socket.user) !== 'owner') return fail(socket, frame, 'forbidden', 'owner only');
    if (!conv.members.has(frame.user)) return fail(socket, frame, 'not_found', 'not a member');
    conv.members.set(frame.user, frame.role);
    if (frame.role === 'owner') conv.members.set(socket.user, 'moderator');
    toMembers(key, { type: 'member', conv: key, user: frame.user, action: 'role', role: frame.role });
    return reply(socket, frame);
  };
  h.topic = (socket, frame) => {
    const { key, conv } = room(frame);
    if (!moderates(conv, socket.user)) return fail(socket, frame, 'forbidden', 'not allowed');
    conv.topic = frame.topic;
    toMembers(key, { type: 'room', conv: key, topic: frame.topic });
    return reply(socket, frame);
  };
  h.delete_room = (socket, frame) => {
    const { key, conv } = room(frame);
    if (roleIn(conv, socket.user) !== 'owner') return fail(socket, frame, 'forbidden', 'owner only');
    reply(socket, frame);
    for (const u of conv.members.keys()) {
      for (const s of server.sessionsOf(u)) {
        server.push(s, { type: 'member', conv: key, user: u, action: 'deleted' });
      }
    }
    server.convs.delete(key);
    return 'handled';
  };
  h.join = (socket, frame) => {
    const { key } = room(frame);
    return bansOf(key).has(socket.user) ? fail(socket, frame, 'forbidden', 'banned') : undefined;
  };

  // --- the directory: query, after, limit, more --------------------------------------------------
  h.rooms = (socket, frame) => {
    if (signedIn(socket, frame)) return 'handled';
    const query = String(frame.query ?? '').toLowerCase();
    const after = frame.after == null ? null : '#' + String(frame.after).replace(/^#/, '');
    const limit = Math.min(frame.limit ?? server.historyMax, server.historyMax);
    const all = [];
    for (const [key, conv] of server.convs) {
      if (!key.startsWith('#')) continue;
      const joined = conv.members.has(socket.user);
      if (conv.isPrivate && !joined) continue;
      const words = String(conv.topic ?? '').toLowerCase().split(/\s+/);
      if (query && !key.slice(1).startsWith(query) && !words.some((w) => w.startsWith(query))) continue;
      all.push({ room: key, topic: conv.topic, private: conv.isPrivate, members: conv.members.size, joined });
    }
    all.sort((a, b) => (a.room < b.room ? -1 : 1));
    const rest = after ? all.filter((r) => r.room > after) : all;
    return reply(socket, frame, { rooms: rest.slice(0, limit), more: rest.length > limit });
  };
  return server;
}
