// Test doubles for the client's network and time: a manual clock with timers, a memory storage,
// and a small in-memory chat server that speaks the protocol to fake WebSockets. Only what the
// client's tests need, but by the rules of PROTOCOL.md (seqs, cid idempotency, history paging).

/** Timers that run only when the test advances the clock. */
export class ManualTimers {
  constructor() {
    this.now = 1_700_000_000_000;
    this.timers = [];
    this.nextId = 1;
    this.set = (fn, ms) => {
      const timer = { id: this.nextId++, at: this.now + Math.max(0, ms), fn };
      this.timers.push(timer);
      return timer;
    };
    this.clear = (timer) => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
    this.clock = () => this.now;
  }

  /** Moves the clock forward, running every timer that falls due, in order; lets promises settle. */
  async advance(ms) {
    const target = this.now + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = target;
    await settle();
  }
}

/** Lets queued microtasks and socket deliveries run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class MemoryStorage {
  constructor(entries = {}) {
    this.map = new Map(Object.entries(entries));
  }
  getItem(key) { return this.map.has(key) ? this.map.get(key) : null; }
  setItem(key, value) { this.map.set(key, String(value)); }
  removeItem(key) { this.map.delete(key); }
}

/**
 * An in-memory server. `server.WebSocket` is a constructor to hand to Connection. Frames are
 * delivered asynchronously (setImmediate), like a real socket.
 */
export class FakeServer {
  constructor({ epoch = 'epoch-1', historyMax = 200, features = undefined, maxUploadBytes = undefined } = {}) {
    this.epoch = epoch;
    this.maxUploadBytes = maxUploadBytes; // hello's limits.maxUploadBytes; left out when undefined
    this.files = new Map(); // id -> {owner, name, size, type, sent}
    this.features = features; // hello's `features`; left out when undefined (a first-round server)
    this.historyMax = historyMax;
    this.users = new Map(); // name -> password
    this.tokens = new Map(); // token -> user
    this.convs = new Map(); // key ('#room' or 'dm:a:b') -> {messages, members, owner, topic, isPrivate, reads}
    this.sent = new Map(); // user|key|cid -> message
    this.sockets = new Set();
    this.down = false;
    this.received = []; // every frame clients sent, parsed
    this.hooks = {}; // type -> (socket, frame) => 'handled' | undefined, runs before the default
    const server = this;
    this.WebSocket = class FakeWebSocket {
      constructor(url) {
        this.url = url;
        this.user = null;
        this.closed = false;
        server.connect(this);
      }
      send(data) {
        if (this.closed) throw new Error('closed');
        const frame = JSON.parse(data);
        setImmediate(() => {
          if (!this.closed) server.receive(this, frame);
        });
      }
      close(code = 1000, reason = '') {
        server.disconnect(this, code, reason);
      }
    };
  }

  connect(socket) {
    setImmediate(() => {
      if (this.down) {
        socket.closed = true;
        socket.onclose?.({ code: 1006, reason: '' });
        return;
      }
      this.sockets.add(socket);
      socket.onopen?.();
      this.push(socket, {
        type: 'hello', protocol: 1, server: 'fake/1', epoch: this.epoch,
        limits: { maxFrameBytes: 65536, maxTextChars: 4000, historyMax: this.historyMax,
          sendPerSecond: 10, sendBurst: 30, authTimeoutMs: 10000,
          ...(this.maxUploadBytes != null ? { maxUploadBytes: this.maxUploadBytes } : {}) },
        ...(this.features ? { features: this.features } : {}),
      });
    });
  }

  /** Closes a socket from the server side (network loss when code is 1006). */
  disconnect(socket, code = 1006, reason = '') {
    if (socket.closed) return;
    socket.closed = true;
    this.sockets.delete(socket);
    setImmediate(() => socket.onclose?.({ code, reason }));
  }

  dropAll(code = 1006, reason = '') {
    for (const socket of [...this.sockets]) this.disconnect(socket, code, reason);
  }

  push(socket, frame) {
    const data = JSON.stringify(frame);
    setImmediate(() => {
      if (!socket.closed) socket.onmessage?.({ data });
    });
  }

  sessionsOf(user) {
    return [...this.sockets].filter((s) => s.user === user);
  }

  // --- data helpers for tests ------------------------------------------------------------------

  addUser(name, password = 'password123') {
    this.users.set(name, password);
    const token = 'tok-' + name + '-' + this.tokens.size;
    this.tokens.set(token, name);
    return token;
  }

  /** A file `owner` uploaded (as POST /files would store it); returns its id. */
  upload(owner, name, size = 10, type = 'application/octet-stream') {
    const id = `file${this.files.size + 1}`.padEnd(24, 'x');
    this.files.set(id, { owner, name, size, type, sent: false });
    return id;
  }

  createRoom(name, owner, { topic = '', isPrivate = false, members = [] } = {}) {
    const room = { messages: [], members: new Map([[owner, 'owner']]), topic, isPrivate, reads: new Map() };
    for (const m of members) room.members.set(m, 'member');
    this.convs.set('#' + name, room);
    return room;
  }

  /** Stores a message as if `from` sent it (with events to connected participants). */
  store(from, to, text, cid = 'srv-' + Math.random().toString(36).slice(2), extra = {}) {
    const key = this.keyFor(from, to);
    let conv = this.convs.get(key);
    if (!conv) {
      conv = { messages: [], members: null, reads: new Map() };
      this.convs.set(key, conv);
    }
    const idem = `${from}|${key}|${cid}`;
    if (this.sent.has(idem)) return { message: this.sent.get(idem), key, fresh: false };
    const message = { seq: conv.messages.length + 1, from, text, ts: this.now(), cid };
    if (Number.isInteger(extra.replyTo)) message.replyTo = extra.replyTo;
    if (extra.files?.length > 0) message.files = extra.files;
    const mentions = this.mentionsIn(key, text);
    if (mentions.length > 0) message.mentions = mentions;
    conv.messages.push(message);
    this.sent.set(idem, message);
    for (const user of this.participants(key)) {
      for (const s of this.sessionsOf(user)) {
        this.push(s, { type: 'message', conv: this.nameFor(key, user), ...message });
      }
    }
    return { message, key, fresh: true };
  }

  now() {
    return 1_700_000_000_000 + this.sent.size * 1000;
  }

  /** `@name` words naming a participant (the server's rule, simplified for the tests). */
  mentionsIn(key, text) {
    const people = new Set(this.participants(key));
    const found = [];
    for (const match of String(text).matchAll(/(^|[^A-Za-z0-9_.-])@([A-Za-z0-9][A-Za-z0-9_.-]*)/g)) {
      const name = match[2].replace(/[._-]+$/, '').toLowerCase();
      if (people.has(name) && !found.includes(name)) found.push(name);
    }
    return found;
  }

  /**
   * Changes message `seq` of `conv` (as seen by `by`) and tells every participant: the next rev,
   * an `update` event with the message as it now is. `silent` leaves the events out (missed).
   */
  change(by, conv, seq, action, apply, { silent = false } = {}) {
    const key = this.keyFor(by, conv);
    const c = this.convs.get(key);
    const message = c?.messages[seq - 1];
    if (!message) return null;
    apply(message);
    c.updates ??= [];
    const update = { seq, rev: c.updates.length + 1, by, action, message: { ...message } };
    c.updates.push(update);
    if (!silent) {
      for (const user of this.participants(key)) {
        for (const s of this.sessionsOf(user)) {
          const conv = this.nameFor(key, user);
          this.push(s, { type: 'update', conv, ...update, message: { ...update.message, conv: undefined } });
        }
      }
    }
    return update;
  }

  edit(by, conv, seq, text, options) {
    return this.change(by, conv, seq, 'edit', (m) => {
      m.text = text;
      m.edited = this.now();
      const mentions = this.mentionsIn(this.keyFor(by, conv), text);
      if (mentions.length > 0) m.mentions = mentions;
      else delete m.mentions;
    }, options);
  }

  remove(by, conv, seq, options) {
    return this.change(by, conv, seq, 'delete', (m) => {
      m.text = '';
      m.deleted = true;
      delete m.files;
      delete m.reactions;
      delete m.edited;
      delete m.mentions;
    }, options);
  }

  react(by, conv, seq, emoji, on, options) {
    return this.change(by, conv, seq, 'react', (m) => {
      const reactions = { ...(m.reactions ?? {}) };
      const users = (reactions[emoji] ?? []).filter((u) => u !== by);
      if (on) users.push(by);
      if (users.length > 0) reactions[emoji] = users;
      else delete reactions[emoji];
      if (Object.keys(reactions).length > 0) m.reactions = reactions;
      else delete m.reactions;
    }, options);
  }

  keyFor(user, conv) {
    if (conv.startsWith('#')) return conv;
    const peer = conv.slice(1);
    return 'dm:' + [user, peer].sort().join(':');
  }

  nameFor(key, viewer) {
    if (key.startsWith('#')) return key;
    const [a, b] = key.slice(3).split(':');
    return '@' + (a === viewer ? b : a);
  }

  participants(key) {
    if (key.startsWith('#')) return [...(this.convs.get(key)?.members?.keys() ?? [])];
    return key.slice(3).split(':');
  }

  // --- requests --------------------------------------------------------------------------------

  receive(socket, frame) {
    this.received.push(frame);
    const hook = this.hooks[frame.type];
    if (hook && hook(socket, frame) === 'handled') return;
    const ok = (fields = {}) => frame.id != null && this.push(socket, { type: 'ok', re: frame.id, ...fields });
    const error = (code, message, extra = {}) => this.push(socket,
      { type: 'error', re: frame.id ?? null, code, message, ...extra });
    const user = socket.user;
    if (!user && !['register', 'login', 'ping'].includes(frame.type)) return error('unauthorized', 'sign in first');
    switch (frame.type) {
      case 'ping': return ok({ ts: 1 });
      case 'register': {
        if (this.users.has(frame.user)) return error('conflict', 'user exists');
        const token = this.addUser(frame.user, frame.password);
        socket.user = frame.user;
        return ok({ user: frame.user, token, expiresAt: 9e15 });
      }
      case 'login': {
        if (frame.token != null) {
          const name = this.tokens.get(frame.token);
          if (!name) return error('unauthorized', 'bad token');
          socket.user = name;
          return ok({ user: name, token: frame.token, expiresAt: 9e15 });
        }
        if (this.users.get(frame.user) !== frame.password) return error('unauthorized', 'wrong user or password');
        const token = 'tok-' + frame.user + '-' + this.tokens.size;
        this.tokens.set(token, frame.user);
        socket.user = frame.user;
        return ok({ user: frame.user, token, expiresAt: 9e15 });
      }
      case 'logout': {
        ok();
        for (const [token, name] of this.tokens) if (name === user) this.tokens.delete(token);
        for (const s of this.sessionsOf(user)) this.disconnect(s, 1008, 'logged out');
        return undefined;
      }
      case 'conversations': {
        const list = [];
        for (const [key, conv] of this.convs) {
          if (!this.participants(key).includes(user)) continue;
          if (!key.startsWith('#') && conv.messages.length === 0) continue;
          list.push({ conv: this.nameFor(key, user), lastSeq: conv.messages.length, readSeq: conv.reads.get(user) ?? 0,
            ...(this.features ? { lastRev: conv.updates?.length ?? 0 } : {}) });
        }
        return ok({ conversations: list });
      }
      case 'rooms': {
        const rooms = [];
        for (const [key, conv] of this.convs) {
          if (!key.startsWith('#')) continue;
          const joined = conv.members.has(user);
          if (conv.isPrivate && !joined) continue;
          rooms.push({ room: key, topic: conv.topic, private: conv.isPrivate, members: conv.members.size, joined });
        }
        return ok({ rooms });
      }
      case 'history': {
        const key = this.keyFor(user, frame.conv);
        const conv = this.convs.get(key);
        if (key.startsWith('#')) {
          if (!conv) return error('not_found', 'no such room');
          if (!conv.members.has(user)) return error('forbidden', 'not a member');
        } else if (!this.users.has(frame.conv.slice(1))) {
          return error('not_found', 'no such user');
        }
        const all = conv?.messages ?? [];
        const limit = Math.min(frame.limit ?? 50, this.historyMax);
        let page;
        let more;
        if (frame.after != null) {
          const rest = all.filter((m) => m.seq > frame.after);
          page = rest.slice(0, limit);
          more = rest.length > limit;
        } else {
          const upTo = frame.before != null ? all.filter((m) => m.seq < frame.before) : all;
          page = upTo.slice(Math.max(0, upTo.length - limit));
          more = upTo.length > limit;
        }
        return ok({ conv: frame.conv, messages: page, more });
      }
      case 'send': {
        const key = this.keyFor(user, frame.to);
        if (key.startsWith('#') && !this.convs.get(key)?.members.has(user)) return error('forbidden', 'not a member');
        if (!key.startsWith('#') && !this.users.has(frame.to.slice(1))) return error('not_found', 'no such user');
        if (frame.replyTo != null && !this.convs.get(key)?.messages[frame.replyTo - 1]) {
          return error('not_found', 'no such message');
        }
        const ids = frame.files ?? [];
        const idem = this.sent.get(`${user}|${key}|${frame.cid}`);
        if (!idem && (ids.length > 10 || new Set(ids).size !== ids.length || ids.some((id) => {
          const f = this.files.get(id);
          return !f || f.owner !== user || f.sent;
        }))) return error('bad_request', 'not a file of yours to send');
        if (ids.length === 0 && String(frame.text ?? '').trim() === '') return error('bad_request', 'empty');
        const files = idem ? [] : ids.map((id) => {
          const f = this.files.get(id);
          f.sent = true;
          return { id, name: f.name, size: f.size, type: f.type, url: `/files/${id}` };
        });
        const { message } = this.store(user, frame.to, frame.text ?? '', frame.cid,
          { replyTo: frame.replyTo, files });
        return ok({ conv: frame.to, seq: message.seq, ts: message.ts, cid: message.cid });
      }
      case 'read': {
        const key = this.keyFor(user, frame.conv);
        const conv = this.convs.get(key);
        if (!conv) return undefined;
        conv.reads.set(user, Math.max(conv.reads.get(user) ?? 0, frame.seq));
        for (const p of this.participants(key)) {
          for (const s of this.sessionsOf(p)) {
            if (s !== socket) this.push(s, { type: 'read', conv: this.nameFor(key, p), user, seq: frame.seq });
          }
        }
        return ok();
      }
      case 'typing': {
        const key = this.keyFor(user, frame.conv);
        for (const p of this.participants(key)) {
          if (p === user) continue;
          for (const s of this.sessionsOf(p)) this.push(s, { type: 'typing', conv: this.nameFor(key, p), user });
        }
        return ok();
      }
      case 'join': {
        const key = '#' + String(frame.room).replace(/^#/, '');
        const conv = this.convs.get(key);
        if (!conv) return error('not_found', 'no such room');
        if (conv.isPrivate && !conv.members.has(user)) return error('forbidden', 'private');
        conv.members.set(user, conv.members.get(user) ?? 'member');
        return ok({ conv: key, topic: conv.topic, lastSeq: conv.messages.length });
      }
      case 'members': {
        const conv = this.convs.get('#' + String(frame.room).replace(/^#/, ''));
        if (!conv) return error('not_found', 'no such room');
        return ok({ members: [...conv.members].map(([u, role]) => ({ user: u, role, online: this.sessionsOf(u).length > 0 })) });
      }
      case 'edit':
      case 'delete':
      case 'react': {
        const c = this.convs.get(this.keyFor(user, frame.conv));
        const message = c?.messages[frame.seq - 1];
        if (!message) return error('not_found', 'no such message');
        if (frame.type === 'edit' && message.from !== user) return error('forbidden', 'not yours');
        if (frame.type !== 'delete' && message.deleted) return error('forbidden', 'deleted');
        const update = frame.type === 'edit' ? this.edit(user, frame.conv, frame.seq, frame.text)
          : frame.type === 'delete' ? this.remove(user, frame.conv, frame.seq)
            : this.react(user, frame.conv, frame.seq, frame.emoji, frame.on);
        return ok({ conv: frame.conv, seq: frame.seq, rev: update.rev });
      }
      case 'updates': {
        const c = this.convs.get(this.keyFor(user, frame.conv));
        if (!c) return error('not_found', 'no such conversation');
        const rest = (c.updates ?? []).filter((u) => u.rev > frame.afterRev);
        const limit = Math.min(frame.limit ?? 50, this.historyMax);
        const page = rest.slice(0, limit).map((u) => ({ conv: frame.conv, ...u }));
        return ok({ conv: frame.conv, updates: page, more: rest.length > limit });
      }
      case 'search': return this.search(user, frame, ok, error);
      default:
        return error('bad_request', 'unknown type');
    }
  }

  /**
   * `search`: every word of the query is a prefix of a word of the text, case-insensitive, over
   * the conversations `user` is in (or `conv`), deleted messages never; newest first, paged with
   * an opaque cursor (here an offset).
   */
  search(user, frame, ok, error) {
    const words = (text) => [...String(text ?? '').toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
    const terms = words(frame.query);
    if (terms.length === 0) return error('bad_request', 'empty query');
    let keys;
    if (frame.conv != null) {
      const key = this.keyFor(user, frame.conv);
      if (key.startsWith('#') && !this.convs.has(key)) return error('not_found', 'no such room');
      if (!this.participants(key).includes(user)) return error('forbidden', 'not a member');
      keys = [key];
    } else {
      keys = [...this.convs.keys()].filter((key) => this.participants(key).includes(user));
    }
    const found = [];
    for (const key of keys) {
      for (const m of this.convs.get(key)?.messages ?? []) {
        const have = words(m.text);
        if (m.deleted || !terms.every((t) => have.some((w) => w.startsWith(t)))) continue;
        found.push({ conv: this.nameFor(key, user), message: { ...m } });
      }
    }
    found.sort((a, b) => b.message.ts - a.message.ts || b.message.seq - a.message.seq);
    const offset = frame.before != null ? Number(String(frame.before).slice(2)) : 0;
    const limit = Math.min(frame.limit ?? 20, this.historyMax);
    const page = found.slice(offset, offset + limit);
    return ok({ results: page, more: found.length > offset + limit, next: `o:${offset + page.length}` });
  }

  /** The frames clients sent of one type. */
  requests(type) {
    return this.received.filter((f) => f.type === type);
  }
}

/**
 * Uploads as XMLHttpRequest makes them, held until the test answers: `uploads.create` is the
 * `createRequest` to hand to the client; `uploads.requests` lists what was sent.
 */
export class FakeUploads {
  constructor() {
    this.requests = [];
    this.create = () => new FakeRequest(this);
  }

  /** The last request whose X-File-Name decodes to `name`. */
  named(name) {
    return this.requests.filter((r) => decodeURIComponent(r.headers['X-File-Name']) === name).pop();
  }
}

class FakeRequest {
  constructor(uploads) {
    this.uploads = uploads;
    this.headers = {};
    this.upload = {};
    this.aborted = false;
    this.status = 0;
    this.responseText = '';
  }
  open(method, url) { this.method = method; this.url = url; }
  setRequestHeader(name, value) { this.headers[name] = value; }
  send(body) { this.body = body; this.uploads.requests.push(this); }
  abort() { this.aborted = true; }
  /** The browser reports `loaded` bytes sent. */
  progress(loaded) { this.upload.onprogress?.({ loaded, lengthComputable: true }); }
  /** The server answers. */
  respond(status, body) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
  /** The request fails without an answer (network, or an unreadable cross-origin refusal). */
  fail() { this.onerror?.(); }
}
