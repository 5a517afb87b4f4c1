// Pure rules of changing messages (issue 14): who may edit or delete, reactions, mentions and
// @-completion, the order of revisions, and what the title, the favicon badge and notifications
// say. No DOM, no network; unit-tested in test/messageRules.test.js.

import { filesLine } from './files.js';
import { canModerate } from './rules.js';

/** The emoji the reaction picker offers. */
export const COMMON_EMOJI = Object.freeze(['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀']);

/** The server keeps at most this many distinct emoji on one message. */
export const MAX_DISTINCT_EMOJI = 20;

// ---------------------------------------------------------------------------------------------
// Who may do what to a message

/** A stored (seq'd) message that is not deleted: the only kind anything can be done to. */
function actionable(message) {
  return !!message && Number.isSafeInteger(message.seq) && !message.deleted;
}

/** Only the sender edits, and only what is still there. */
export function canEdit(message, me) {
  return actionable(message) && me != null && message.from === me;
}

/** The sender deletes; so do a room's owner and moderators (`myRole`: null in direct ones). */
export function canDelete(message, me, myRole = null) {
  if (!actionable(message) || me == null) return false;
  return message.from === me || (isRoomConv(message.conv) && canModerate(myRole));
}

/** Anyone in the conversation reacts and replies, to messages that are not deleted. */
export function canReact(message) {
  return actionable(message);
}

export const canReply = canReact;

/**
 * The items "Message actions" offers on `message`: each only when the server lists its feature
 * (`features`: the Set from hello) and the rules above allow it.
 */
export function messageActionsFor(message, { me, myRole = null, features = null }) {
  const has = (name) => !!features && typeof features.has === 'function' && features.has(name);
  return {
    reply: has('reply') && canReply(message),
    react: has('react') && canReact(message),
    edit: has('edit') && canEdit(message, me),
    delete: has('delete') && canDelete(message, me, myRole),
  };
}

function isRoomConv(conv) {
  return typeof conv === 'string' && conv.startsWith('#');
}

// ---------------------------------------------------------------------------------------------
// Reactions

/**
 * The chips under a message: one per emoji with at least one user, in the server's order, with
 * how many reacted and whether I am one of them.
 */
export function reactionChips(reactions, me) {
  const chips = [];
  for (const [emoji, users] of Object.entries(reactions ?? {})) {
    if (!Array.isArray(users) || users.length === 0) continue;
    chips.push({ emoji, count: users.length, mine: users.includes(me), users: [...users] });
  }
  return chips;
}

/**
 * Clicking `emoji` on a message: `on` is what to send (true unless I reacted with it already)
 * and `reactions` the state after it. Adding an emoji the message does not carry yet fails
 * (`allowed` false) when it already has the most distinct emoji the server keeps.
 */
export function toggleReaction(reactions, emoji, me) {
  const current = reactions ?? {};
  const users = Array.isArray(current[emoji]) ? current[emoji] : [];
  const on = !users.includes(me);
  const distinct = Object.values(current).filter((u) => Array.isArray(u) && u.length > 0).length;
  const allowed = !on || users.length > 0 || distinct < MAX_DISTINCT_EMOJI;
  const next = { ...current };
  if (!allowed) return { on, allowed, reactions: current };
  if (on) next[emoji] = [...users, me];
  else if (users.length > 1) next[emoji] = users.filter((u) => u !== me);
  else delete next[emoji];
  return { on, allowed, reactions: next };
}

// ---------------------------------------------------------------------------------------------
// Mentions

const MENTION = /@([A-Za-z0-9][A-Za-z0-9_.-]*)/g;
const NAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Splits text into parts {text} and {text, mention} where `mention` is a name in `mentions`
 * written as `@name` by the server's rule: not preceded by a letter, digit or `_.-`,
 * case-folded, trailing `.`, `-` and `_` not part of the name. Joining every part's `text`
 * gives the input back.
 */
export function splitMentions(input, mentions) {
  const text = String(input ?? '');
  const names = new Set((Array.isArray(mentions) ? mentions : []).map((n) => String(n).toLowerCase()));
  if (names.size === 0) return text === '' ? [] : [{ text }];
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const at = match.index;
    if (at > 0 && NAME_CHAR.test(text[at - 1])) continue;
    const name = match[1].replace(/[._-]+$/, '');
    if (!names.has(name.toLowerCase())) continue;
    if (at > last) parts.push({ text: text.slice(last, at) });
    parts.push({ text: '@' + name, mention: name.toLowerCase() });
    last = at + 1 + name.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/**
 * The `@prefix` being typed just before the caret, as {start, query} (start: the index of `@`),
 * or null when the caret is not at the end of such a word.
 */
export function mentionQuery(value, caret) {
  const before = String(value ?? '').slice(0, caret);
  const match = /(^|[^A-Za-z0-9_.-])@([A-Za-z0-9_.-]{0,32})$/.exec(before);
  if (!match) return null;
  return { start: before.length - match[2].length - 1, query: match[2].toLowerCase() };
}

/** Names starting with `query` (not me), sorted, at most `max`. */
export function mentionSuggestions(names, query, me, max = 6) {
  const q = String(query ?? '').toLowerCase();
  return [...new Set(names ?? [])]
    .filter((n) => typeof n === 'string' && n !== me && n.startsWith(q))
    .sort()
    .slice(0, max);
}

/** The text after picking `name` for the `@…` at `start` up to `caret`: `@name ` and the caret. */
export function completeMention(value, caret, start, name) {
  const text = String(value ?? '');
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { value: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}

// ---------------------------------------------------------------------------------------------
// Revisions: each change of a conversation's messages has the next `rev`

/**
 * Where an update with `rev` stands against the last rev applied: 'old' (seen: drop it),
 * 'next' (apply it), 'gap' (revs are missing in between: hold it and repair), or 'unknown'
 * (nothing is known yet: repair from the start).
 */
export function revStep(lastRev, rev) {
  if (!Number.isSafeInteger(rev)) return 'old';
  if (lastRev == null) return 'unknown';
  if (rev <= lastRev) return 'old';
  return rev === lastRev + 1 ? 'next' : 'gap';
}

/**
 * Applies what can be applied from `held` (rev -> update) after `lastRev`, in rev order:
 * returns {apply: [updates], lastRev, held} where held keeps only revs beyond a still-missing one.
 */
export function drainHeld(held, lastRev) {
  const apply = [];
  let rev = lastRev ?? 0;
  const rest = new Map();
  for (const [r, u] of [...held].sort((a, b) => a[0] - b[0])) {
    if (r <= rev) continue;
    if (r === rev + 1) {
      apply.push(u);
      rev = r;
    } else {
      rest.set(r, u);
    }
  }
  return { apply, lastRev: lastRev == null && apply.length === 0 ? null : rev, held: rest };
}

// ---------------------------------------------------------------------------------------------
// Replies

/**
 * The one-line quote of the message a reply answers (or null when it is not loaded); a message
 * of files only is quoted as "📎 name".
 */
export function quoteText(message, max = 90) {
  if (!message) return null;
  if (message.deleted) return 'Message deleted';
  const flat = String(message.text ?? '').replace(/\s+/g, ' ').trim() || filesLine(message.files);
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : flat;
}

// ---------------------------------------------------------------------------------------------
// Title, favicon badge, notifications

/** "(3) chat" while something is unread, else the plain title; more than 99 is "99+". */
export function unreadTitle(count, base = 'chat') {
  if (!(count > 0)) return base;
  return `(${count > 99 ? '99+' : count}) ${base}`;
}

/** The favicon badge: '' for none, the count up to 9, else '9+'. */
export function badgeText(count) {
  if (!(count > 0)) return '';
  return count > 9 ? '9+' : String(count);
}

/**
 * Whether a new live message deserves a system notification: notifications on, the page
 * hidden, someone else's message (not blocked), in a direct conversation or mentioning me.
 */
export function shouldNotify({ message, me, enabled, hidden, blocked = new Set() }) {
  return !!enabled && !!hidden && worthNotifying(message, me, blocked);
}

/** Someone else's message (not blocked, not deleted) in a direct conversation or mentioning me. */
export function worthNotifying(message, me, blocked = new Set()) {
  if (!message || message.from === me || blocked.has(message.from) || message.deleted) return false;
  const direct = typeof message.conv === 'string' && message.conv.startsWith('@');
  return direct || mentions(message, me);
}

function mentions(message, me) {
  return Array.isArray(message?.mentions) && message.mentions.includes(me);
}

/**
 * True when `message` (as it now is, after a change) mentions me and did not before
 * (`mentionedBefore`), and is someone else's and not deleted: an edit that added my name.
 */
export function mentionedAnew(mentionedBefore, message, me) {
  return !mentionedBefore && !!message && !message.deleted && message.from !== me
    && mentions(message, me);
}

/** Title and body of a notification for `message`. */
export function notificationText(message) {
  const direct = String(message.conv ?? '').startsWith('@');
  const body = quoteText(message, 140) ?? '';
  return { title: direct ? message.from : `${message.from} in ${message.conv}`, body };
}

/** Notifications for one batch shown one each up to this many; more make one summary. */
export const NOTIFY_EACH_MAX = 3;

/**
 * The notifications for a batch of messages (one live message, an edit that mentions me, or
 * everything a catch-up brought): those worth notifying that `notified` ('conv seq' keys) does
 * not hold yet, once each. Up to `max` make a notification per conversation, of its newest;
 * more make a single summary. A notification's tag is its conversation, so the browser shows
 * the newest in place of the one before: someone sending a message a second shows one
 * notification, not a stack of hundreds.
 * Returns [{title, body, tag, conv, keys}] (`conv`: what clicking opens; null for several).
 */
export function notificationsFor(messages, { me, blocked = new Set(), notified = new Set(),
  max = NOTIFY_EACH_MAX } = {}) {
  const wanted = [];
  const keys = new Set();
  for (const m of messages ?? []) {
    const key = `${m?.conv} ${m?.seq}`;
    if (notified.has(key) || keys.has(key) || !worthNotifying(m, me, blocked)) continue;
    keys.add(key);
    wanted.push(m);
  }
  if (wanted.length <= max) {
    const byConv = new Map(); // conv -> {newest, keys}, in the order conversations came
    for (const m of wanted) {
      const entry = byConv.get(m.conv) ?? { newest: m, keys: [] };
      entry.newest = m;
      entry.keys.push(`${m.conv} ${m.seq}`);
      byConv.set(m.conv, entry);
    }
    return [...byConv].map(([conv, { newest, keys: convKeys }]) => ({
      ...notificationText(newest), tag: conv, conv, keys: convKeys,
    }));
  }
  const convs = [...new Set(wanted.map((m) => m.conv))];
  const named = convs.length > 3 ? `${convs.slice(0, 2).join(', ')} and ${convs.length - 2} more`
    : convs.length > 1 ? `${convs.slice(0, -1).join(', ')} and ${convs[convs.length - 1]}`
      : convs[0];
  return [{
    title: `${wanted.length} new messages`,
    body: `In ${named}`,
    tag: 'catch-up',
    conv: convs.length === 1 ? convs[0] : null,
    keys: [...keys],
  }];
}
