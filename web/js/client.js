// The chat client: signing in, catching up after every (re)connect, applying live events
// to the store, the outbox of sends (local echo, retries, queued while offline) and the user's
// actions (go to, rooms, members, read markers, typing; the account, blocking and moderation
// through the helpers below). No DOM here.

import { Account } from './account.js';
import { Directory } from './directory.js';
import { LiveEvents } from './events.js';
import { HistoryWindows } from './history.js';
import { MessageActions } from './messageActions.js';
import { Moderation } from './moderation.js';
import { Outbox } from './outbox.js';
import { ChatError } from './protocol.js';
import { Rooms } from './rooms.js';
import { FEATURE, hasFeature, signInEndedText } from './rules.js';
import { MessageSearch } from './search.js';
import { Uploads } from './uploads.js';
import {
  errorText, isRoom, normalizeUser, pageMessages, passwordError, runLimited, userNameError,
} from './logic.js';

const KEYS = {
  token: 'chat.token',
  user: 'chat.user',
  expiresAt: 'chat.expiresAt',
  outbox: 'chat.outbox',
  server: 'chat.server', // the WebSocket URL of the server that issued the token
};

const PAGE = 50;
/**
 * A conversation further behind than this many messages catches up with its latest page only,
 * which leaves a hole after what was held (read on from there with the hole's buttons). Paging
 * through a night of a busy room would hold, and render, every message of it.
 */
export const CATCH_UP_MAX = 500;
const TYPING_EVERY_MS = 3000;
const LOGIN_TIMEOUT_MS = 30000;

export class ChatClient {
  constructor({
    conn,
    store,
    storage,
    now = () => Date.now(),
    setTimer = (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimer = (handle) => globalThis.clearTimeout(handle),
    randomBytes = undefined,
    httpOrigin = null,
    createRequest = undefined,
    serverFromLink = false,
  }) {
    this.conn = conn;
    /** Whether the page's link chose the server (?server=…) rather than its configuration. */
    this.serverFromLink = serverFromLink;
    this.store = store;
    this.storage = storage;
    this.now = now;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.randomBytes = randomBytes;
    /** Called with (text, kind) for things the user should hear about; kind 'info' | 'error'. */
    this.onNotice = () => {};

    this.ready = false; // signed in and caught up on the current socket
    this.buffer = null; // live events held back while catching up
    this.generation = 0; // bumps on every close, so work of an old socket stops
    this.helloWaiters = [];
    this.typingSentAt = new Map();
    this.pendingReads = new Map();
    this.readTimer = null;
    /** Unconfirmed sends: `client.outbox.send(conv, text)`, `retry(cid)`, `discard(cid)`. */
    this.outbox = new Outbox(this);
    /** Navigation and rooms: `client.rooms.open(id)`, `goTo(text)`, `join(name)`, … */
    this.rooms = new Rooms(this);
    /** Password, sign out everywhere, delete account, block and unblock. */
    this.account = new Account(this);
    /** Topic, bans, roles, ownership and deleting rooms. */
    this.moderation = new Moderation(this);
    /** The room directory: search and pages. */
    this.directory = new Directory(this);
    this.loginToken = null; // the token the current socket signed in with
    /** Applies pushed events to the store. */
    this.events = new LiveEvents(this);
    /** Edit, delete, react, the rev-numbered updates and their catch-up. */
    this.messages = new MessageActions(this);
    /** Showing a message anywhere in the history: the page around it, and filling holes. */
    this.history = new HistoryWindows(this);
    /** Message search: `client.search.run(query, {conv})`, `more()`, `clear()`. */
    this.search = new MessageSearch(this);
    /** The server's HTTP origin (uploads, and what files' relative URLs are resolved against). */
    this.httpOrigin = httpOrigin;
    /** Files attached in each composer, uploading at once: `client.uploads.add(conv, files)`. */
    this.uploads = new Uploads(this, { origin: httpOrigin, createRequest });
    /** Called with each new message from someone else that arrived live (not in catch-up). */
    this.onIncoming = () => {};
    /** Called with a message as it now is when a live edit of it newly mentions me. */
    this.onMentionedInEdit = () => {};
    /**
     * Called once a catch-up after a reconnect has ended, with what arrived through it: new
     * messages from others not read yet, and messages whose edits newly mention me.
     */
    this.onCaughtUp = () => {};
    this.caughtUpOnce = false; // a catch-up has ended since sign-in: later ones bring news
    this.arrivals = null; // {messages, mentions} collected by the catch-up that runs

    conn.onHello = (hello) => this.handleHello(hello);
    conn.onEvent = (frame) => this.handleEvent(frame);
    conn.onClose = (info) => this.handleClose(info);
    conn.onState = (state) => {
      store.connection = state;
      store.changed('connection');
    };
  }

  get token() {
    return this.storage.getItem(KEYS.token);
  }

  /**
   * Whether the saved token may go to this page's server: only the server that issued it ever
   * gets it. Anyone can post a link to this page with ?server= naming their own server; a tab
   * opened from it shares the storage. A token saved before the server was saved with it goes
   * to the configured server, never to one a link chose.
   */
  tokenIsForThisServer() {
    const issuer = this.storage.getItem(KEYS.server);
    return issuer ? issuer === this.conn.url : !this.serverFromLink;
  }

  /** On page load: resumes a saved sign-in. Returns true if there was one. */
  restore() {
    const token = this.storage.getItem(KEYS.token);
    const user = this.storage.getItem(KEYS.user);
    const expiresAt = Number(this.storage.getItem(KEYS.expiresAt) ?? 0);
    if (!token || !user || (expiresAt > 0 && expiresAt <= this.now())) {
      this.clearStorage();
      return false;
    }
    if (!this.tokenIsForThisServer()) {
      // Left in storage: the sign-in on the other server stays; this page signs in afresh.
      this.store.authError = `You are signed in on another server. Sign in to ${this.conn.url}`
        + ' to use this one.';
      this.store.changed('auth');
      return false;
    }
    this.storage.setItem(KEYS.server, this.conn.url);
    this.store.me = user;
    this.store.authError = null;
    try {
      const saved = JSON.parse(this.storage.getItem(KEYS.outbox) ?? 'null');
      if (saved && saved.user === user && Array.isArray(saved.items)) {
        this.store.restoreOutbox(saved.items);
      }
    } catch {
      // a damaged outbox is dropped
    }
    this.store.changed('auth');
    this.conn.start();
    return true;
  }

  /**
   * Signs in (or creates the account) with a user name and password. Resolves once signed in;
   * rejects with a ChatError whose message is ready to show.
   */
  async signIn(userInput, password, create) {
    const user = normalizeUser(userInput);
    const nameProblem = userNameError(user);
    if (nameProblem) throw new ChatError('bad_request', nameProblem);
    const passwordProblem = create ? passwordError(password)
      : (password ? null : 'Enter your password.');
    if (passwordProblem) throw new ChatError('bad_request', passwordProblem);

    await this.waitForHello();
    let ok;
    try {
      ok = await this.conn.request(create ? 'register' : 'login', { user, password },
        { timeoutMs: LOGIN_TIMEOUT_MS });
    } catch (e) {
      throw new ChatError(e.code, signInErrorText(e, user, create));
    }
    this.saveToken(ok.token, ok.user, ok.expiresAt);
    this.store.me = ok.user;
    this.store.authError = null;
    this.store.changed('auth');
    const generation = this.generation;
    this.sync(generation).catch((error) => this.syncFailed(error, generation));
  }

  /** Keeps the token this socket is signed in with (also for other tabs and the next load). */
  saveToken(token, user, expiresAt) {
    this.storage.setItem(KEYS.token, token);
    this.storage.setItem(KEYS.user, user);
    this.storage.setItem(KEYS.expiresAt, String(expiresAt ?? 0));
    this.storage.setItem(KEYS.server, this.conn.url);
    this.loginToken = token;
  }

  /** True when the server advertised the feature (`block`, `moderation`, `edit`, `react`, …). */
  can(feature) {
    return hasFeature(this.store.features, feature);
  }

  /** Sends logout (if connected), forgets the token and everything else. */
  async signOut() {
    if (this.conn.isOpen && this.store.me) {
      try {
        await this.conn.request('logout', {}, { timeoutMs: 3000 });
      } catch {
        // signing out locally anyway
      }
    }
    this.endSignIn(null);
  }

  waitForHello() {
    if (this.conn.isOpen) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.setTimer(() => {
        this.helloWaiters = this.helloWaiters.filter((w) => w.resolve !== resolve);
        reject(new ChatError('disconnected', 'Cannot reach the server. Try again in a moment.'));
      }, 15000);
      this.helloWaiters.push({
        resolve: () => { this.clearTimer(timer); resolve(); },
        reject: (error) => { this.clearTimer(timer); reject(error); },
      });
      this.conn.start();
    });
  }

  // --- connection callbacks --------------------------------------------------------------------

  async handleHello(hello) {
    const store = this.store;
    if (store.epoch != null && hello.epoch !== store.epoch) {
      // The server's message store is new: every seq we remember means nothing now.
      store.dropHistory();
    }
    store.epoch = hello.epoch ?? null;
    store.limits = hello.limits ?? null;
    store.features = new Set(Array.isArray(hello.features) ? hello.features : []);
    const waiters = this.helloWaiters;
    this.helloWaiters = [];
    for (const w of waiters) w.resolve();

    const token = this.token;
    if (!token || !store.me) return; // not signed in: the sign-in form drives
    if (!this.tokenIsForThisServer()) {
      // Another tab signed in on another server since: its token is not this server's.
      this.conn.stop();
      store.reset();
      store.authError = 'You signed in on another server in another tab. Sign in again here.';
      store.changed('auth');
      return;
    }
    const generation = this.generation;
    this.loginToken = token;
    let ok;
    try {
      ok = await this.conn.request('login', { token }, { timeoutMs: LOGIN_TIMEOUT_MS });
    } catch (e) {
      if (e.code === 'unauthorized') {
        this.endSignIn('Your client has ended. Please sign in again.');
        return;
      }
      throw e;
    }
    if (generation !== this.generation) return;
    if (ok.user && ok.user !== store.me) store.me = ok.user;
    await this.sync(generation);
  }

  handleClose(info) {
    this.generation++;
    this.ready = false;
    this.buffer = null;
    for (const item of this.store.outbox) {
      if (item.state === 'sending') item.state = 'queued';
    }
    const waiters = this.helloWaiters;
    this.helloWaiters = [];
    for (const w of waiters) {
      w.reject(new ChatError('disconnected', 'Cannot reach the server. Try again in a moment.'));
    }
    if (!this.token || !this.store.me) {
      this.conn.stop(); // not signed in: connect again only when the form is used
      return;
    }
    const ended = signInEndedText(info);
    // Another tab of this browser may have changed the password: its new token is ours too.
    const newerToken = this.token !== this.loginToken;
    if (ended && !newerToken) {
      this.endSignIn(ended);
      return;
    }
    this.store.changed('connection');
  }

  /** Signs in with the token, then catch-up: conversations, then history after what we have. */
  async sync(generation) {
    const conn = this.conn;
    const store = this.store;
    const check = () => {
      if (generation !== this.generation) throw new ChatError('disconnected', 'connection closed');
    };
    this.ready = false;
    this.buffer = [];
    // After a reconnect, what catch-up brings is news (kept if this catch-up fails, for the next).
    if (this.caughtUpOnce) this.arrivals ??= { messages: [], mentions: [] };
    // Whom I blocked, before any message is shown: their room messages (and the previews and
    // notifications they would make) collapse from the first render, not once catch-up ends.
    let blockedLoaded = !this.can(FEATURE.block);
    if (!blockedLoaded) {
      try {
        await this.account.loadBlocked();
        blockedLoaded = true;
      } catch (error) {
        if (error?.code === 'disconnected') throw error;
        // asked again once caught up (below)
      }
      check();
    }
    // `conversations` lists every room I am in; the directory is read only for rooms whose
    // topic and privacy are not known yet (after the catch-up, below).
    const convReply = await conn.request('conversations');
    check();
    store.applyConversations(convReply.conversations ?? []);
    store.changed('conversations');
    const ids = [...store.convs.values()].filter((c) => c.onServer).map((c) => c.id);
    await runLimited(ids, 4, async (id) => {
      check();
      await this.syncConv(id);
      check();
      await this.messages.catchUp(id);
    });
    check();
    const buffered = this.buffer ?? [];
    this.buffer = null;
    this.ready = true;
    this.reportArrivals();
    for (const frame of buffered) this.applyEvent(frame);
    conn.markOnline();
    store.changed('online');
    this.outbox.pump();
    this.background(this.rooms.refreshPresence());
    if (!blockedLoaded) this.background(this.account.loadBlocked());
    this.background(this.rooms.lookUpUnknownRooms());
    if (store.activeConv && isRoom(store.activeConv)) {
      this.background(this.rooms.loadMembers(store.activeConv));
    }
  }

  /** Hands what the catch-up that just ended brought to `onCaughtUp` (after a reconnect). */
  reportArrivals() {
    const arrivals = this.arrivals;
    this.arrivals = null;
    this.caughtUpOnce = true;
    if (!arrivals) return;
    const me = this.store.me;
    const unread = arrivals.messages.filter((m) => m.from !== me
      && m.seq > (this.store.conv(m.conv)?.readSeq ?? 0)).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    const news = [...unread, ...arrivals.mentions];
    if (news.length > 0) this.onCaughtUp(news);
  }

  /** A message whose edit newly mentions me: reported now, or with the catch-up that runs. */
  mentionedInEdit(message) {
    if (this.arrivals) this.arrivals.mentions.push(message);
    else if (this.ready) this.onMentionedInEdit(message);
  }

  syncFailed(error, generation) {
    if (error?.code === 'disconnected' || generation !== this.generation) return;
    this.conn.drop(4000, 'catch-up failed'); // reconnects with backoff
  }

  /** Brings one conversation up to date: its latest page, or every page after what we have. */
  async syncConv(id) {
    const conv = this.store.conv(id);
    if (!conv) return;
    try {
      if (conv.syncedSeq == null) {
        this.arrived(await this.loadLatest(id));
        return;
      }
      if (conv.lastSeq - conv.syncedSeq > CATCH_UP_MAX) {
        if (conv.loadingLatest) return; // that load catches up after its page
        this.arrived(await this.latestPage(id));
      }
      const limit = this.store.limits?.historyMax ?? 200;
      while (this.store.conv(id) && this.store.hasGap(id)) {
        const after = conv.syncedSeq;
        const page = await this.historyPage({ conv: id, after, limit });
        const { messages } = page;
        this.arrived(this.store.addMessages(id, messages));
        if (messages.length > 0) this.store.markSynced(id, messages[messages.length - 1].seq);
        this.store.changed('messages');
        if (!page.more || messages.length === 0) {
          // Nothing more exists: whatever lastSeq promised beyond this is not there.
          conv.lastSeq = Math.max(conv.syncedSeq, lastSeqOf(conv));
          break;
        }
        if (conv.syncedSeq <= after) break; // no progress: never loop on a confused reply
      }
    } catch (e) {
      if (e.code === 'forbidden' || e.code === 'not_found') {
        this.store.removeConv(id); // left or kicked in the meantime
        this.store.changed('conversations');
        return;
      }
      throw e;
    }
  }

  /**
   * The latest page of a conversation; what we know from then on is complete. Returns the
   * messages that were new here.
   */
  async loadLatest(id) {
    const added = await this.latestPage(id);
    if (this.store.conv(id) && this.store.hasGap(id)) this.background(this.fillGap(id));
    return added;
  }

  /** The latest page of a conversation, marked synced; the messages that were new here. */
  async latestPage(id) {
    const conv = this.store.conv(id);
    if (!conv || conv.loadingLatest) return [];
    conv.loadingLatest = true;
    try {
      const page = await this.historyPage({ conv: id, limit: PAGE });
      const { messages } = page;
      const added = this.store.addMessages(id, messages);
      this.store.markSynced(id, messages.length ? messages[messages.length - 1].seq : 0);
      conv.hasOlder = !!page.more && (conv.oldestSeq ?? 1) > 1;
      return added;
    } finally {
      conv.loadingLatest = false;
      this.store.changed('messages');
    }
  }

  async fillGap(id) {
    const conv = this.store.conv(id);
    if (!conv || conv.filling) return;
    conv.filling = true;
    try {
      await this.syncConv(id);
    } finally {
      conv.filling = false;
    }
  }

  /**
   * A `history` request: {messages, more}, its messages at most the `limit` asked (a server is
   * not trusted with the client's memory): the first ones of a page read forwards (`after`),
   * else the newest.
   */
  async historyPage(fields) {
    const page = await this.conn.request('history', fields);
    return { messages: pageMessages(page, fields.limit, fields.after != null), more: !!page?.more };
  }

  /** Older messages before the oldest we have (scrolling back). */
  async loadOlder(id) {
    const conv = this.store.conv(id);
    if (!conv || !conv.hasOlder || conv.loadingOlder || conv.oldestSeq == null || !this.ready) {
      return;
    }
    conv.loadingOlder = true;
    this.store.changed('messages');
    try {
      const page = await this.historyPage({ conv: id, before: conv.oldestSeq, limit: PAGE });
      this.store.addMessages(id, page.messages);
      conv.hasOlder = !!page.more && conv.oldestSeq > 1;
    } catch (e) {
      if (e.code !== 'disconnected') this.onNotice(errorText(e), 'error');
    } finally {
      conv.loadingOlder = false;
      this.store.changed('messages');
    }
  }

  /** Messages a catch-up added: kept for `onCaughtUp` while one after a reconnect runs. */
  arrived(messages) {
    if (this.arrivals && messages.length > 0) this.arrivals.messages.push(...messages);
  }

  // --- live events -----------------------------------------------------------------------------

  handleEvent(frame) {
    if (this.buffer) this.buffer.push(frame);
    else if (this.ready) this.applyEvent(frame);
  }

  applyEvent(frame) {
    this.events.apply(frame);
  }

  // --- reading and typing ----------------------------------------------------------------------

  /** The user has seen the conversation up to `seq`: move the read marker (never back). */
  markSeen(conv, seq) {
    if (!this.store.setReadSeq(conv, seq)) return;
    this.queueRead(conv, seq);
    this.store.changed('read');
  }

  queueRead(conv, seq) {
    this.pendingReads.set(conv, Math.max(this.pendingReads.get(conv) ?? 0, seq));
    if (this.readTimer != null) return;
    this.readTimer = this.setTimer(() => {
      this.readTimer = null;
      const reads = [...this.pendingReads];
      this.pendingReads.clear();
      for (const [id, s] of reads) {
        if (this.ready && this.store.conv(id)?.onServer) {
          this.conn.notify({ type: 'read', conv: id, seq: s });
        }
      }
    }, 250);
  }

  /** The user is typing in `conv`: tell the others, at most every 3 seconds. */
  typing(conv) {
    const c = this.store.conv(conv);
    if (!this.ready || !c?.onServer) return;
    const now = this.now();
    if (now - (this.typingSentAt.get(conv) ?? -Infinity) < TYPING_EVERY_MS) return;
    this.typingSentAt.set(conv, now);
    this.conn.notify({ type: 'typing', conv });
  }

  // --- helpers ---------------------------------------------------------------------------------

  endSignIn(message) {
    this.generation++;
    this.ready = false;
    this.buffer = null;
    this.caughtUpOnce = false;
    this.arrivals = null;
    this.search.clear();
    this.uploads.clear();
    this.conn.stop();
    this.clearStorage();
    this.store.reset();
    this.store.authError = message;
    this.store.changed('auth');
  }

  clearStorage() {
    for (const key of Object.values(KEYS)) this.storage.removeItem(key);
  }

  background(promise) {
    Promise.resolve(promise).catch((error) => {
      if (error?.code !== 'disconnected') console.warn('chat:', error);
    });
  }

  sleep(ms) {
    return new Promise((resolve) => this.setTimer(resolve, ms));
  }
}

function lastSeqOf(conv) {
  return conv.messages.length ? conv.messages[conv.messages.length - 1].seq : 0;
}

function signInErrorText(error, user, create) {
  switch (error.code) {
    case 'unauthorized': return 'Wrong username or password.';
    case 'conflict': return `The name “${user}” is taken. Choose another one, or sign in.`;
    case 'rate_limited': return 'Too many attempts right now. Wait a moment and try again.';
    case 'disconnected':
    case 'timeout': return 'Cannot reach the server. Try again in a moment.';
    case 'bad_request': return error.message || (create ? 'That name or password is not allowed.'
      : 'Check the username and password.');
    default: return errorText(error);
  }
}
