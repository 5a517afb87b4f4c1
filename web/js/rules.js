// Pure rules of blocking, room roles, accounts and the room directory: who may do what, which
// closes end the sign-in, which messages are hidden, how a member event changes a member list,
// and how directory pages add up. No DOM, no network; unit-tested in test/rules.test.js.

/** Feature names a server lists in `hello.features`. */
export const FEATURE = Object.freeze({
  block: 'block',
  moderation: 'moderation',
  account: 'account',
  edit: 'edit',
  delete: 'delete',
  react: 'react',
  reply: 'reply',
  search: 'search',
  files: 'files',
});

/** True when the server advertised `name` (a server that lists no features has none of them). */
export function hasFeature(features, name) {
  return !!features && typeof features.has === 'function' && features.has(name);
}

// ---------------------------------------------------------------------------------------------
// Closes that end the sign-in

/** Reasons of a 1008 close after which the token is dead: signing in again is the only way on. */
const SESSION_ENDS = [
  [/password changed/i,
    'Your password was changed on another device. Please sign in with the new one.'],
  [/account deleted/i, 'This account was deleted.'],
  [/logged out/i, 'You were signed out.'],
];

/**
 * The notice for a close that ended the sign-in (the server revoked the token), or null for a
 * close after which the client should reconnect (network loss, restart, slow consumer, …).
 */
export function signInEndedText({ code, reason } = {}) {
  if (code !== 1008) return null;
  for (const [pattern, text] of SESSION_ENDS) {
    if (pattern.test(String(reason ?? ''))) return text;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Blocking

/** True when a room message should collapse: its sender is blocked (never my own messages). */
export function isHiddenMessage(message, blocked, me) {
  return !!message && !!blocked && message.from !== me && blocked.has(message.from);
}

/** The direct peer of '@peer', or null for a room. */
export function directPeer(conv) {
  return typeof conv === 'string' && conv.startsWith('@') ? conv.slice(1) : null;
}

// ---------------------------------------------------------------------------------------------
// Room roles

export const ROLES = Object.freeze(['owner', 'moderator', 'member']);

/** The role of `user` in a member list, or null when not listed (or the list is not loaded). */
export function roleOf(members, user) {
  if (!Array.isArray(members)) return null;
  return members.find((m) => m.user === user)?.role ?? null;
}

/** Owners and moderators moderate: topic, ban, unban, kick, invite, the banned list. */
export function canModerate(role) {
  return role === 'owner' || role === 'moderator';
}

/** What someone with `myRole` may do to the whole room. */
export function roomPermissions(myRole) {
  const moderator = canModerate(myRole);
  const owner = myRole === 'owner';
  return {
    editTopic: moderator,
    viewBans: moderator,
    invite: moderator,
    deleteRoom: owner,
    leave: !owner, // an owner gives ownership away first
  };
}

/**
 * What someone with `myRole` may do to `member` ({user, role}); nothing to themself, and nobody
 * bans or kicks the owner.
 */
export function memberActions(myRole, member, me) {
  const none = {
    ban: false, kick: false, makeModerator: false, makeMember: false, transfer: false,
  };
  if (!member || member.user === me || !canModerate(myRole)) return none;
  const owner = myRole === 'owner';
  const targetIsOwner = member.role === 'owner';
  return {
    ban: !targetIsOwner,
    kick: !targetIsOwner,
    makeModerator: owner && member.role === 'member',
    makeMember: owner && member.role === 'moderator',
    transfer: owner,
  };
}

/**
 * The member list after a `member` event ({user, action, role}); returns a new array, or the
 * same one when nothing changed. Giving "owner" to someone makes the old owner a moderator.
 */
export function applyMemberEvent(members, { user, action, role }, online = false) {
  if (!Array.isArray(members)) return members;
  const at = members.findIndex((m) => m.user === user);
  switch (action) {
    case 'join':
    case 'invite':
      if (at >= 0) return members;
      return [...members, { user, role: 'member', online }];
    case 'leave':
    case 'kick':
    case 'ban':
      if (at < 0) return members;
      return members.filter((m) => m.user !== user);
    case 'role': {
      if (at < 0 || !ROLES.includes(role)) return members;
      return members.map((m) => {
        if (m.user === user) return { ...m, role };
        if (role === 'owner' && m.role === 'owner') return { ...m, role: 'moderator' };
        return m;
      });
    }
    default:
      return members;
  }
}

/** Owner first, then moderators, then members; by name within each. */
export function sortMembers(members) {
  const rank = (m) => {
    const i = ROLES.indexOf(m.role);
    return i < 0 ? ROLES.length : i;
  };
  return [...members].sort((a, b) => rank(a) - rank(b) || (a.user < b.user ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// The room directory: search and pages

/** A fresh directory for `query` (trimmed; empty lists every room by name). */
export function newDirectory(query = '') {
  return { query: String(query ?? '').trim(), rooms: [], more: false, loaded: false };
}

/** The fields of the `rooms` request for the directory's next page. */
export function directoryRequest(directory, limit) {
  const fields = { limit };
  if (directory.query) fields.query = directory.query;
  const last = directory.rooms[directory.rooms.length - 1];
  if (last) fields.after = last.room;
  return fields;
}

/**
 * The directory with one more page added (rooms already listed are not listed twice). A reply
 * without `more` (an older server that lists everything) is the last page.
 */
export function addDirectoryPage(directory, reply) {
  const seen = new Set(directory.rooms.map((r) => r.room));
  const added = (reply?.rooms ?? []).filter((r) => r && typeof r.room === 'string'
    && !seen.has(r.room));
  return {
    ...directory,
    rooms: [...directory.rooms, ...added],
    // A page that brought nothing new cannot lead anywhere: stop instead of asking forever.
    more: !!reply?.more && added.length > 0,
    loaded: true,
  };
}
