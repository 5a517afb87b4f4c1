// Pure functions of the web client: no DOM, no network, no clock unless passed in.
// Everything here is unit-tested with `node --test web/test/`.

import { filesLine } from './files.js';

/** User names: 3 to 32 of a-z 0-9 _ . -, starting with a letter or digit (after lower-casing). */
export const USER_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,31}$/;
/** Room names: 1 to 64 of a-z 0-9 _ -, starting with a letter or digit. */
export const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const TOPIC_MAX = 256;

/** What the server would make of a typed user name: trimmed and lower-cased. */
export function normalizeUser(input) {
  return String(input ?? '').trim().toLowerCase();
}

/** A room name as typed, without a leading '#', trimmed and lower-cased. */
export function normalizeRoom(input) {
  return String(input ?? '').trim().replace(/^#/, '').toLowerCase();
}

/** Null if the (normalized) user name is valid, otherwise a sentence saying what is wrong. */
export function userNameError(name) {
  if (name.length === 0) return 'Enter a user name.';
  if (name.length < 3) return 'User names have at least 3 characters.';
  if (name.length > 32) return 'User names have at most 32 characters.';
  if (!/^[a-z0-9]/.test(name)) return 'User names start with a letter or a digit.';
  if (!USER_PATTERN.test(name)) {
    return 'User names may contain only letters a–z, digits, and _ . -';
  }
  return null;
}

/** Null if the (normalized) room name is valid, otherwise a sentence saying what is wrong. */
export function roomNameError(name) {
  if (name.length === 0) return 'Enter a room name.';
  if (name.length > 64) return 'Room names have at most 64 characters.';
  if (!/^[a-z0-9]/.test(name)) return 'Room names start with a letter or a digit.';
  if (!ROOM_PATTERN.test(name)) return 'Room names may contain only letters a–z, digits, _ and -';
  return null;
}

/** Null if the password has an allowed length (counted in code points), otherwise why not. */
export function passwordError(password) {
  const length = [...String(password ?? '')].length;
  if (length < PASSWORD_MIN) return `Passwords have at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Passwords have at most ${PASSWORD_MAX} characters.`;
  return null;
}

/**
 * Parses what was typed into "Go to": `@user` or `#room`.
 * Returns {kind:'user'|'room', name, conv} or {error}.
 */
export function parseTarget(input, me = null) {
  const text = String(input ?? '').trim();
  if (text.startsWith('@')) {
    const name = normalizeUser(text.slice(1));
    const error = userNameError(name);
    if (error) return { error };
    if (me && name === me) return { error: 'You cannot send messages to yourself.' };
    return { kind: 'user', name, conv: '@' + name };
  }
  if (text.startsWith('#')) {
    const name = normalizeRoom(text);
    const error = roomNameError(name);
    if (error) return { error };
    return { kind: 'room', name, conv: '#' + name };
  }
  if (text.length === 0) return { error: 'Type @name for a person or #name for a room.' };
  return { error: 'Start with @ for a person (@alice) or # for a room (#general).' };
}

/** True for a room conversation name (#…), false for a direct one (@…). */
export function isRoom(conv) {
  return typeof conv === 'string' && conv.startsWith('#');
}

// ---------------------------------------------------------------------------------------------
// Links

// A link ends before a space, a quote, an angle bracket or a text-direction control (which
// would make its text read differently from where it goes).
const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"'`\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gi;
const TRAILING_PUNCTUATION = '.,;:!?\'"*_~';
const CLOSING = { ')': '(', ']': '[', '}': '{' };

/**
 * Splits message text into parts: {text} for plain text and {url, text} for http(s) links.
 * Only what `new URL` accepts with protocol http: or https: becomes a link; trailing punctuation
 * and unbalanced closing brackets stay text. Concatenating every part's `text` gives the input.
 * A link whose text may not say where it goes also has `host`, the host the browser will reach,
 * for the view to show beside it (see `revealedHost`).
 */
export function linkify(input) {
  const text = String(input ?? '');
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    let candidate = trimCandidate(match[0]);
    const start = match.index;
    const url = safeHttpUrl(candidate);
    if (!url) continue;
    if (start > last) parts.push({ text: text.slice(last, start) });
    const host = revealedHost(candidate, url);
    parts.push(host ? { url, text: candidate, host } : { url, text: candidate });
    last = start + candidate.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return mergeText(parts);
}

/**
 * Drops trailing punctuation and closing brackets that have no opening one in the candidate,
 * from the end backwards, in one pass (another user's text chooses the candidate: work that grew
 * faster than its length froze every reader's page).
 */
function trimCandidate(candidate) {
  const unmatched = { ')': 0, ']': 0, '}': 0 };
  for (const ch of candidate) {
    if (ch in CLOSING) unmatched[ch] += 1;
    else if (ch === '(') unmatched[')'] -= 1;
    else if (ch === '[') unmatched[']'] -= 1;
    else if (ch === '{') unmatched['}'] -= 1;
  }
  let end = candidate.length;
  while (end > 0) {
    const ch = candidate[end - 1];
    if (TRAILING_PUNCTUATION.includes(ch)) {
      end -= 1;
    } else if (ch in CLOSING && unmatched[ch] > 0) {
      unmatched[ch] -= 1;
      end -= 1;
    } else {
      break;
    }
  }
  return candidate.slice(0, end);
}

/**
 * The host `href` leads to, when the text it was typed as may not say it: a user part before an
 * `@` (`https://bank.example@evil.test/` goes to evil.test), or a host written with characters
 * outside ASCII (`https://аpple.com`, with a Cyrillic а, is not apple.com; shown as the browser
 * reaches it, `xn--pple-43d.com`). Undefined for every other link.
 */
export function revealedHost(candidate, href) {
  const url = new URL(href);
  const afterScheme = candidate.slice(candidate.indexOf('//') + 2);
  const authority = afterScheme.split(/[/?#\\]/, 1)[0];
  if (url.username || url.password || authority.includes('@')
    || /[^\x21-\x7e]/.test(authority)) {
    return url.hostname;
  }
  return undefined;
}

/** The normalized href if `candidate` parses as an http: or https: URL with a host, else null. */
export function safeHttpUrl(candidate) {
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
  return url.href;
}

function mergeText(parts) {
  const merged = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (!part.url && previous && !previous.url) previous.text += part.text;
    else merged.push(part);
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// Time and the timeline

/** A local calendar day key such as "2025-03-07" for a timestamp in ms. */
export function localDayKey(ts) {
  const d = new Date(ts);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Today", "Yesterday", or the full local date, for a day separator. */
export function dayLabel(ts, now, locale = undefined) {
  const key = localDayKey(ts);
  if (key === localDayKey(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (key === localDayKey(yesterday.getTime())) return 'Yesterday';
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }),
  }).format(new Date(ts));
}

/** Consecutive messages by one sender closer than this are grouped under one header. */
export const GROUP_GAP_MS = 5 * 60 * 1000;

/**
 * The runs of seqs missing between the held messages of a conversation (ascending seq; pending
 * ones without a seq are skipped), as [{after, before, count}]. Seqs have no gaps, so a run is
 * history not loaded (after a jump far back), never messages that do not exist.
 */
export function holesIn(messages) {
  const holes = [];
  let previous = null;
  for (const m of messages) {
    if (m.seq == null) continue;
    if (previous != null && m.seq > previous + 1) {
      holes.push({ after: previous, before: m.seq, count: m.seq - previous - 1 });
    }
    previous = m.seq;
  }
  return holes;
}

/**
 * Turns the messages of one conversation (ascending seq, then local pending ones) into the
 * items the message view shows, in order:
 *   {kind:'day', key, label, dayKey}
 *   {kind:'gap', key, after, before, count}       where seqs after..before are not loaded
 *   {kind:'marker', key:'new-marker'}             before the first message after markerSeq
 *   {kind:'message', key, message, own, continued, seen}
 * `message` is a server message ({seq, from, text, ts, cid}) or a pending one
 * ({cid, from, text, ts, state}). `seen` marks the newest own message with seq <= peerReadSeq.
 * After a gap the day is named again.
 */
export function buildTimeline(messages, options = {}) {
  const {
    me = null,
    markerSeq = null,
    peerReadSeq = 0,
    now = Date.now(),
    dayKeyOf = localDayKey,
    labelOf = (ts) => dayLabel(ts, now),
  } = options;
  let seenSeq = null;
  if (peerReadSeq > 0) {
    for (const m of messages) {
      if (m.seq != null && m.from === me && m.seq <= peerReadSeq) {
        seenSeq = seenSeq == null ? m.seq : Math.max(seenSeq, m.seq);
      }
    }
  }
  const items = [];
  let day = null;
  let previous = null;
  let markerPlaced = false;
  let lastSeq = null;
  let afterGap = ''; // suffix of day keys after a gap: the same day may be named twice
  for (const m of messages) {
    if (m.seq != null) {
      if (lastSeq != null && m.seq > lastSeq + 1) {
        items.push({
          kind: 'gap', key: `gap-${lastSeq}`, after: lastSeq, before: m.seq,
          count: m.seq - lastSeq - 1,
        });
        day = null;
        previous = null;
        afterGap = `-after-${lastSeq}`;
      }
      lastSeq = m.seq;
    }
    const key = dayKeyOf(m.ts);
    let newDay = false;
    if (key !== day) {
      items.push({ kind: 'day', key: 'day-' + key + afterGap, dayKey: key, label: labelOf(m.ts) });
      day = key;
      newDay = true;
    }
    let markerHere = false;
    if (!markerPlaced && markerSeq != null && m.seq != null && m.seq > markerSeq && m.from !== me) {
      items.push({ kind: 'marker', key: 'new-marker' });
      markerPlaced = true;
      markerHere = true;
    }
    const continued = !newDay && !markerHere && previous != null && previous.from === m.from
      && m.ts - previous.ts < GROUP_GAP_MS;
    items.push({
      kind: 'message',
      key: messageKey(m),
      message: m,
      own: me != null && m.from === me,
      continued,
      seen: seenSeq != null && m.seq === seenSeq,
    });
    previous = m;
  }
  return items;
}

/** A stable key for a message: its sender and cid when it has one, so a local echo keeps it. */
export function messageKey(m) {
  return m.cid != null ? `m:${m.from}:${m.cid}` : `s:${m.seq}`;
}

/** "14:05" style local time. */
export function formatTime(ts, locale = undefined) {
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' })
    .format(new Date(ts));
}

/** A short time for the conversation list: the time today, the weekday this week, else a date. */
export function formatListTime(ts, now, locale = undefined) {
  if (localDayKey(ts) === localDayKey(now)) return formatTime(ts, locale);
  if (now - ts < 6 * 24 * 3600 * 1000 && ts < now) {
    return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(new Date(ts));
  }
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(new Date(ts));
}

// ---------------------------------------------------------------------------------------------
// Conversations

/** Unread messages of a conversation: lastSeq - readSeq, never negative. */
export function unreadCount(conv) {
  return Math.max(0, (conv.lastSeq ?? 0) - (conv.readSeq ?? 0));
}

/**
 * Conversations by latest activity (newest message or send, else when it appeared here), newest
 * first; ties by name for a stable order.
 */
export function sortConversations(convs) {
  const key = (c) => Math.max(c.activity ?? 0, c.createdAt ?? 0);
  return [...convs].sort((a, b) => key(b) - key(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** "bob is typing…", "bob and carol are typing…", "Several people are typing…", or "". */
export function typingText(users) {
  const names = [...users].sort();
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

/** A one-line preview of a message for the conversation list. */
export function previewText(message, me) {
  if (!message) return '';
  if (message.deleted) return 'Message deleted';
  const text = String(message.text ?? '').replace(/\s+/g, ' ').trim() || filesLine(message.files);
  const short = [...text].length > 80 ? [...text].slice(0, 79).join('') + '…' : text;
  return message.from === me ? `You: ${short}` : short;
}

// ---------------------------------------------------------------------------------------------
// Connection

/**
 * Reconnect delay for the given attempt (0 = first retry): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter": half the delay fixed, half random, so clients spread out.
 */
export function backoffDelay(attempt, { baseMs = 500, maxMs = 30000, random = Math.random } = {}) {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Where to find the WebSocket: `?server=` (ws: or wss: only) wins, then config.json's wsUrl,
 * then a default from the page: http pages → ws://<host>:8081/ws,
 * https pages → wss://<host>/ws.
 * Returns {url} or {error}.
 */
export function chooseServerUrl({ pageUrl, queryServer = null, configUrl = null }) {
  const page = new URL(pageUrl);
  if (queryServer) {
    const ws = wsUrlOrNull(queryServer);
    if (!ws) return { error: `Not a ws:// or wss:// address: ${queryServer}` };
    return { url: ws };
  }
  if (configUrl) {
    const ws = wsUrlOrNull(configUrl);
    if (ws) return { url: ws };
  }
  const host = page.hostname || 'localhost';
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (page.protocol === 'https:') return { url: `wss://${bracketed}/ws` };
  return { url: `ws://${bracketed}:8081/ws` };
}

function wsUrlOrNull(text) {
  try {
    const url = new URL(String(text));
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.href : null;
  } catch {
    return null;
  }
}

/** A fresh client message id: 16 random bytes, hex. */
export function newCid(randomBytes = defaultRandomBytes) {
  return [...randomBytes(16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function defaultRandomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** Human text for a protocol error, by code, for the situations the UI meets. */
export function errorText(error, context = '') {
  const code = error?.code;
  const message = error?.message;
  switch (code) {
    case 'disconnected':
      return 'Not connected to the server. Try again when the connection is back.';
    case 'timeout':
      return 'The server did not answer in time.';
    case 'rate_limited':
      return 'Too many messages at once; slow down a little.';
    case 'too_large':
      return message || 'The message is too long.';
    case 'internal':
      return 'The server had a problem; nothing was stored.';
    default:
      return message || context || 'Something went wrong.';
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects on the first failure. */
export async function runLimited(items, limit, fn) {
  let next = 0;
  const workers = [];
  for (let w = 0; w < Math.min(limit, items.length); w++) {
    workers.push((async () => {
      while (next < items.length) {
        const item = items[next++];
        await fn(item);
      }
    })());
  }
  await Promise.all(workers);
}

/**
 * The messages of a `history` reply, at most the `limit` asked: those nearest `after` (a page
 * read forwards) or the newest (a page read backwards, or the latest). A server that sends more
 * (or no array) is not trusted with the client's memory and render time.
 */
export function pageMessages(page, limit, forwards = false) {
  const messages = Array.isArray(page?.messages) ? page.messages : [];
  if (messages.length <= limit) return messages;
  return forwards ? messages.slice(0, limit) : messages.slice(messages.length - limit);
}
