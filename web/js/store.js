// The client's state: who I am, my conversations and their messages, presence, the outbox of
// unconfirmed sends, and what is on screen. Mutations go through methods that keep the message
// lists sorted and free of duplicates; subscribers hear about every change. No DOM here.

import { cleanFiles } from './files.js';
import { isRoom, unreadCount } from './logic.js';

/**
 * A conversation holds at most this many messages; past it, those farthest from what the reader
 * sees are forgotten (`Store.trim`) and load again like any history not held. A tab left open in
 * a busy room (or a member flooding it) would otherwise keep every message, and its row, for as
 * long as it is open, and every render would walk them all.
 */
export const HELD_MAX = 1500;
/** The most conversations a `conversations` reply makes known; the rest are left out. */
export const MAX_CONVERSATIONS = 20000;
/** What trimming keeps when the newest messages are in view: this many of them. */
export const KEEP_NEWEST = 1000;
/** What trimming keeps while an older message is in view: the newest this many... */
export const KEEP_NEWEST_WHILE_BACK = 500;
/** ...and this many on each side of the message in view. */
export const KEEP_AROUND = 400;

export class Store {
  constructor() {
    this.listeners = new Set();
    this.reset();
  }

  /** Forgets everything (sign out). */
  reset() {
    this.me = null;
    this.epoch = null;
    this.limits = null;
    this.connection = 'idle';
    /** @type {Map<string, Conversation>} */
    this.convs = new Map();
    /** user -> true/false; absent when unknown */
    this.presence = new Map();
    /** room conv ('#general') -> {topic, isPrivate, members, joined} from `rooms` replies */
    this.roomInfo = new Map();
    /** What the server's hello advertised (`features`); null before the first hello. */
    this.features = null;
    /** Users I have blocked (from `blocked` after each catch-up, then my own block/unblock). */
    this.blocked = new Set();
    /** Sends not yet confirmed by the server, oldest first. */
    this.outbox = [];
    this.activeConv = null;
    this.pane = 'list'; // on narrow screens: which pane shows ('list' or 'conversation')
    /** {conv, seq}: a message the view is to bring into sight and point out (a search result). */
    this.jumpTarget = null;
    this.authError = null;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(what = 'state') {
    for (const listener of this.listeners) listener(what);
  }

  // --- conversations ---------------------------------------------------------------------------

  conv(id) {
    return this.convs.get(id) ?? null;
  }

  ensureConv(id, now = Date.now()) {
    let conv = this.convs.get(id);
    if (!conv) {
      conv = newConversation(id, now);
      const info = this.roomInfo.get(id);
      if (info) applyRoomInfo(conv, info);
      this.convs.set(id, conv);
    }
    return conv;
  }

  removeConv(id) {
    this.convs.delete(id);
    this.outbox = this.outbox.filter((item) => item.conv !== id);
    if (this.activeConv === id) {
      this.activeConv = null;
      this.pane = 'list';
    }
  }

  /** Drops every cached message and seq (the server's store changed: a new epoch). */
  dropHistory() {
    for (const [id, conv] of this.convs) {
      const fresh = newConversation(id, conv.createdAt);
      fresh.topic = conv.topic;
      fresh.isPrivate = conv.isPrivate;
      fresh.onServer = false;
      this.convs.set(id, fresh);
    }
  }

  /**
   * Applies the `conversations` reply: the server's lastSeq and readSeq win. Rooms I am no longer
   * in, and direct conversations the server does not know (except local drafts), go away.
   */
  applyConversations(list) {
    const listed = new Set();
    // At most MAX_CONVERSATIONS: a server listing a million would take the tab's memory, and
    // each is caught up (the server allows 1,000 rooms; direct conversations are the rest).
    for (const entry of Array.isArray(list) ? list.slice(0, MAX_CONVERSATIONS) : []) {
      // An entry that names no conversation, or with seqs that are no counts, is skipped.
      if (typeof entry?.conv !== 'string' || !/^[#@]./.test(entry.conv)) continue;
      listed.add(entry.conv);
      const conv = this.ensureConv(entry.conv, 0);
      conv.onServer = true;
      conv.lastSeq = Math.max(conv.lastSeq, countOrZero(entry.lastSeq));
      conv.readSeq = Math.min(countOrZero(entry.readSeq), conv.lastSeq);
      conv.serverRev = Number.isSafeInteger(entry.lastRev) ? entry.lastRev : null;
    }
    for (const [id, conv] of [...this.convs]) {
      if (listed.has(id)) continue;
      if (isRoom(id) || conv.messages.length > 0) this.removeConv(id);
      else conv.onServer = false;
    }
  }

  /**
   * Applies rooms from a `rooms` reply (a directory page or a look-up): topics and privacy.
   * Rooms not in the reply keep what was known, since a page lists only some rooms.
   */
  applyRooms(rooms) {
    for (const room of rooms) {
      const info = {
        topic: room.topic ?? '', isPrivate: !!room.private, members: room.members ?? 0,
        joined: !!room.joined,
      };
      this.roomInfo.set(room.room, info);
      const conv = this.convs.get(room.room);
      if (conv) applyRoomInfo(conv, info);
    }
  }

  /**
   * Adds server messages to a conversation, ignoring ones already there (dedupe by seq), and
   * moves `syncedSeq` over every message now known without a gap. Own messages whose cid is in
   * the outbox replace their local echo. Returns the messages that were new.
   */
  addMessages(id, messages) {
    const conv = this.ensureConv(id);
    const added = [];
    for (const m of messages) {
      if (!Number.isSafeInteger(m.seq) || m.seq < 1 || conv.bySeq.has(m.seq)) continue;
      const message = messageOf(id, m);
      conv.bySeq.set(message.seq, message);
      insertSorted(conv.messages, message);
      added.push(message);
      conv.lastSeq = Math.max(conv.lastSeq, message.seq);
      conv.activity = Math.max(conv.activity, message.ts ?? 0);
      if (message.from === this.me) {
        if (message.cid != null) this.removeFromOutbox(id, message.cid);
        // Writing in a conversation means having read it up to there.
        conv.readSeq = Math.max(conv.readSeq, message.seq);
      }
      if (conv.oldestSeq == null || message.seq < conv.oldestSeq) conv.oldestSeq = message.seq;
    }
    conv.onServer = conv.onServer || added.length > 0;
    this.absorb(conv);
    // Nobody reads a conversation that is not open: its newest messages are what it keeps. The
    // open one is trimmed by its view, which knows what is on screen.
    if (id !== this.activeConv) this.trim(id);
    return added;
  }

  /**
   * Forgets messages of a conversation holding more than HELD_MAX: the newest KEEP_NEWEST stay
   * or, while an older message (`viewSeq`) is in view, the newest KEEP_NEWEST_WHILE_BACK and
   * KEEP_AROUND on each side of it, which leaves a hole between. The oldest forgotten come back
   * by scrolling back (`hasOlder`), a hole by its buttons; syncedSeq and the newest run stay as
   * they were. Not while the history around a message is being loaded to show it (it would be
   * forgotten before it is in view). Returns true when messages were forgotten.
   */
  trim(id, viewSeq = null) {
    const conv = this.convs.get(id);
    if (!conv || conv.messages.length <= HELD_MAX || conv.loadingAround) return false;
    const list = conv.messages;
    const n = list.length;
    let keep = (i) => i >= n - KEEP_NEWEST;
    if (viewSeq != null) {
      const at = indexOfSeq(list, viewSeq);
      if (at < n - KEEP_NEWEST) {
        keep = (i) => i >= n - KEEP_NEWEST_WHILE_BACK || Math.abs(i - at) <= KEEP_AROUND;
      }
    }
    const kept = [];
    for (let i = 0; i < n; i++) {
      if (keep(i)) kept.push(list[i]);
      else conv.bySeq.delete(list[i].seq);
    }
    if (!keep(0)) conv.hasOlder = true;
    conv.messages = kept;
    conv.oldestSeq = kept[0].seq;
    return true;
  }

  /**
   * Puts a message's new state (from an `update`) in place of the one held; a message not loaded
   * is left alone (history brings it as it is now). Returns true when something showed changed.
   */
  applyMessageState(id, m) {
    const conv = this.convs.get(id);
    const old = conv?.bySeq.get(m?.seq);
    if (!old) return false;
    const fresh = messageOf(id, {
      ...m, cid: m.cid ?? old.cid, ts: m.ts ?? old.ts, from: m.from ?? old.from,
    });
    for (const key of OPTIONAL_FIELDS) delete old[key];
    Object.assign(old, fresh);
    return true;
  }

  /** Marks the conversation as known up to `seq` (a page of history said so), then absorbs. */
  markSynced(id, seq) {
    if (!Number.isSafeInteger(seq)) return;
    const conv = this.ensureConv(id);
    conv.syncedSeq = Math.max(conv.syncedSeq ?? 0, seq);
    this.absorb(conv);
  }

  absorb(conv) {
    if (conv.syncedSeq == null) return;
    while (conv.bySeq.has(conv.syncedSeq + 1)) conv.syncedSeq++;
  }

  /** True when a message beyond syncedSeq is known: some messages in between are missing. */
  hasGap(id) {
    const conv = this.convs.get(id);
    if (!conv || conv.syncedSeq == null) return false;
    const last = conv.messages[conv.messages.length - 1];
    return (last && last.seq > conv.syncedSeq) || conv.lastSeq > conv.syncedSeq;
  }

  /** A room's topic changed (a `room` event, or my own change). */
  setTopic(id, topic) {
    const text = String(topic ?? '');
    const info = this.roomInfo.get(id);
    if (info) info.topic = text;
    const conv = this.convs.get(id);
    if (conv) conv.topic = text;
  }

  /** True when room info (topic, privacy) of `id` came from the server. */
  knowsRoom(id) {
    return this.roomInfo.has(id);
  }

  setReadSeq(id, seq) {
    const conv = this.convs.get(id);
    if (!conv || seq <= conv.readSeq) return false;
    conv.readSeq = seq;
    return true;
  }

  totalUnread() {
    let total = 0;
    for (const conv of this.convs.values()) total += unreadCount(conv);
    return total;
  }

  // --- outbox ----------------------------------------------------------------------------------

  /** Queues a local echo; it shows at the end of its conversation until confirmed. */
  enqueue({ conv, text, cid, ts, replyTo = null, files = [] }) {
    const item = {
      conv, text, cid, ts, from: this.me, state: 'queued', error: null,
      replyTo: Number.isSafeInteger(replyTo) ? replyTo : null,
      files: cleanFiles(files).map(({ id, name, size, type }) => ({ id, name, size, type })),
    };
    this.outbox.push(item);
    const c = this.ensureConv(conv, ts);
    c.activity = Math.max(c.activity, ts);
    return item;
  }

  outboxItem(cid) {
    return this.outbox.find((item) => item.cid === cid) ?? null;
  }

  removeFromOutbox(conv, cid) {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((item) => !(item.cid === cid && item.conv === conv));
    return this.outbox.length !== before;
  }

  pendingFor(id) {
    return this.outbox.filter((item) => item.conv === id);
  }

  /** Restores a saved outbox (after a reload); everything in it is to be sent again. */
  restoreOutbox(items) {
    for (const item of items) {
      if (!item || typeof item.cid !== 'string' || typeof item.conv !== 'string') continue;
      if (this.outboxItem(item.cid)) continue;
      this.enqueue({
        conv: item.conv, text: String(item.text ?? ''), cid: item.cid, ts: item.ts ?? 0,
        replyTo: item.replyTo, files: item.files,
      });
      if (item.state === 'failed') {
        const restored = this.outboxItem(item.cid);
        restored.state = 'failed';
        restored.error = item.error ?? null;
      }
    }
  }
}

/**
 * @typedef {object} Conversation
 * @property {string} id '#room' or '@peer'
 * @property {Array} messages server messages, ascending seq, no duplicates
 * @property {number|null} syncedSeq the newest run of held messages reaches this seq without a
 *   gap; null until a first page of history arrived. Older runs may be apart: a jump far back
 *   leaves a hole (`holesIn`) between the history around its message and the newest run.
 */
function newConversation(id, createdAt) {
  return {
    id,
    kind: isRoom(id) ? 'room' : 'direct',
    createdAt, // when it appeared here (0 if it came from the server's list)
    lastSeq: 0,
    readSeq: 0,
    messages: [],
    bySeq: new Map(),
    syncedSeq: null,
    oldestSeq: null,
    hasOlder: false,
    loadingOlder: false,
    loadingLatest: false,
    fillingHole: false, // a page is being loaded into a hole of the history held
    loadingAround: false, // the history around a message is being loaded to show it
    activity: 0, // newest message or pending send
    topic: '',
    isPrivate: false,
    onServer: false,
    peerReadSeq: 0, // direct conversations: how far the peer has read
    readers: new Map(), // rooms: user -> read seq, from read events
    typing: new Map(), // user -> expiry time in ms
    members: null, // from `members`, null until loaded
    bans: null, // rooms I moderate: banned users from `bans`, null until loaded
    markerSeq: null, // the "new messages" marker goes after this seq
    rev: null, // the last change (rev) applied here; null until known
    serverRev: null, // lastRev from the last `conversations` reply
    heldUpdates: new Map(), // rev -> update that came before a missing rev
    repairing: false, // an `updates` catch-up is running
  };
}

const OPTIONAL_FIELDS = ['replyTo', 'mentions', 'edited', 'deleted', 'reactions', 'files'];

/**
 * The most UTF-16 units of a message's text kept (the server allows 4,000 characters, at most
 * 8,000 units): what a broken or hostile server sends beyond is cut, since every render of the
 * list's preview and of a reply's quote reads the whole text.
 */
const MAX_TEXT_UNITS = 16000;
/** The most mentions, emoji and users per emoji a message keeps (the server's are far fewer). */
const MAX_NAMES = 10000;

/**
 * A server message object as the store keeps it, with the optional fields of the additions.
 * Fields of the wrong type are dropped or made harmless (a time that is no date is 0): the view
 * formats every one of them on every render, and one that throws would stop it for good.
 */
function messageOf(id, m) {
  const text = m.deleted || typeof m.text !== 'string' ? '' : m.text;
  const message = {
    conv: id, seq: m.seq, from: typeof m.from === 'string' ? m.from : '',
    text: text.length > MAX_TEXT_UNITS ? text.slice(0, MAX_TEXT_UNITS) : text,
    ts: dateOrZero(m.ts), cid: typeof m.cid === 'string' ? m.cid : null,
  };
  if (Number.isSafeInteger(m.replyTo)) message.replyTo = m.replyTo;
  const mentions = names(m.mentions);
  if (mentions.length > 0) message.mentions = mentions;
  if (m.edited != null && !m.deleted) message.edited = dateOrZero(m.edited);
  if (m.deleted) message.deleted = true;
  if (m.reactions && typeof m.reactions === 'object' && !Array.isArray(m.reactions)
      && !m.deleted) {
    // fromEntries defines each key as its own property: "__proto__" stays a plain key.
    message.reactions = Object.fromEntries(Object.entries(m.reactions).slice(0, MAX_NAMES)
      .map(([emoji, users]) => [emoji, names(users)]).filter(([, users]) => users.length > 0));
  }
  const files = m.deleted ? [] : cleanFiles(m.files);
  if (files.length > 0) message.files = files;
  return message;
}

/** A seq the server listed, if it is one (a whole number from 0), else 0. */
function countOrZero(n) {
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The strings of an array (at most MAX_NAMES); anything else is none. */
function names(list) {
  return Array.isArray(list)
    ? list.slice(0, MAX_NAMES).filter((name) => typeof name === 'string') : [];
}

/** `ms` if it is a time a Date can hold (what the view formats), else 0. */
function dateOrZero(ms) {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : 0;
}

function applyRoomInfo(conv, info) {
  conv.topic = info.topic;
  conv.isPrivate = info.isPrivate;
}

function insertSorted(list, message) {
  if (list.length === 0 || list[list.length - 1].seq < message.seq) {
    list.push(message);
    return;
  }
  list.splice(indexOfSeq(list, message.seq), 0, message);
}

/** The index of the first message of `list` (ascending seq) with a seq of at least `seq`. */
function indexOfSeq(list, seq) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
