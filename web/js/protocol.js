// The WebSocket connection: hello, requests with ids and timeouts, a keep-alive ping, and
// reconnecting with jittered exponential backoff. It knows frames, not chat state: what happens
// after `hello` (signing in, catching up) is the client's job, through the callbacks below.
//
// Lifecycle: idle --start()--> connecting --socket lost--> reconnecting --...--> online
// (online once the client calls markOnline()); stop() returns to idle from anywhere.
// No DOM here, so tests drive it with a fake WebSocket and fake timers.

import { backoffDelay } from './logic.js';

/** WebSocket.CLOSED: the socket is gone (the constant is not there in every test double). */
const SOCKET_CLOSED = 3;
/** How long after an error without a close the socket counts as closed anyway. */
const ERROR_GRACE_MS = 1000;
/** How long a connection must stay online before the reconnect backoff starts over. */
export const STABLE_MS = 30000;

/** A failed request: a protocol error code, or 'timeout' / 'disconnected' for local failures. */
export class ChatError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'ChatError';
    this.code = code;
    Object.assign(this, extra);
  }
}

export class Connection {
  /**
   * @param {object} options
   * @param {string} options.url the WebSocket URL (ws:// or wss://, path /ws)
   * @param {Function} [options.WebSocketImpl] constructor, defaults to the browser's WebSocket
   */
  constructor({
    url,
    WebSocketImpl = globalThis.WebSocket,
    setTimer = (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimer = (handle) => globalThis.clearTimeout(handle),
    random = Math.random,
    requestTimeoutMs = 15000,
    helloTimeoutMs = 10000,
    pingIntervalMs = 25000,
    pingTimeoutMs = 10000,
    backoff = { baseMs: 500, maxMs: 30000 },
  }) {
    this.url = url;
    this.WebSocketImpl = WebSocketImpl;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.random = random;
    this.requestTimeoutMs = requestTimeoutMs;
    this.helloTimeoutMs = helloTimeoutMs;
    this.pingIntervalMs = pingIntervalMs;
    this.pingTimeoutMs = pingTimeoutMs;
    this.backoff = backoff;

    /** Called with the hello frame; may be async. If it rejects, the socket is dropped, retried. */
    this.onHello = async () => {};
    /** Called with every frame that is not a reply to one of our requests. */
    this.onEvent = () => {};
    /** Called with {code, reason} when a socket closes; may call stop() to prevent a reconnect. */
    this.onClose = () => {};
    /** Called with the new state: 'idle' | 'connecting' | 'reconnecting' | 'online'. */
    this.onState = () => {};

    this.state = 'idle';
    this.socket = null;
    this.hello = null; // the current socket's hello, null until it arrived
    this.wanted = false;
    this.attempt = 0; // failed connection attempts since the last time we were online
    this.everOpened = false;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer}
    this.reconnectTimer = null;
    this.helloTimer = null;
    this.pingTimer = null;
    this.stableTimer = null; // resets the backoff once online long enough
    this.nextRetryAt = null;
  }

  /** Connects (if not connected) and keeps reconnecting until stop(). */
  start() {
    this.wanted = true;
    if (!this.socket && !this.reconnectTimer) this.open();
  }

  /** Closes the socket and stops reconnecting. Pending requests fail with 'disconnected'. */
  stop() {
    this.wanted = false;
    this.cancelReconnect();
    if (this.socket) this.drop(1000, 'client stopped', false);
    this.attempt = 0;
    this.everOpened = false;
    this.setState('idle');
  }

  /** If waiting to reconnect, tries now (e.g. the browser says it is back online). */
  retryNow() {
    if (this.wanted && !this.socket) {
      this.cancelReconnect();
      this.open();
    }
  }

  /** True once the current socket has received hello. */
  get isOpen() {
    return this.socket != null && this.hello != null;
  }

  /**
   * The client calls this when signed in and caught up. The backoff starts over once the
   * connection has stayed up for STABLE_MS: a server that drops every connection right after
   * its catch-up (overloaded, or hostile) is retried with growing delays, not every half second
   * with a whole catch-up each time.
   */
  markOnline() {
    if (!this.isOpen) return;
    this.clearTimer(this.stableTimer);
    this.stableTimer = this.setTimer(() => {
      this.stableTimer = null;
      this.attempt = 0;
    }, STABLE_MS);
    this.setState('online');
  }

  /**
   * Sends a request with a fresh id; resolves with the `ok` frame, rejects with a ChatError
   * carrying the server's code (or 'timeout' / 'disconnected').
   */
  request(type, fields = {}, { timeoutMs = this.requestTimeoutMs } = {}) {
    if (!this.isOpen) {
      return Promise.reject(new ChatError('disconnected', 'not connected'));
    }
    const id = 'r' + this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.setTimer(() => {
        this.pending.delete(id);
        reject(new ChatError('timeout', `no reply to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.write({ ...fields, type, id })) {
        this.settle(id, null, new ChatError('disconnected', 'not connected'));
      }
    });
  }

  /** Sends a frame that expects no reply (typing, read). Returns false if not connected. */
  notify(frame) {
    return this.isOpen && this.write(frame);
  }

  // ------------------------------------------------------------------------------------------

  open() {
    this.setState(this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let socket;
    try {
      socket = new this.WebSocketImpl(this.url);
    } catch (e) {
      // A malformed URL or a CSP refusal throws synchronously: treat it like a failed attempt.
      this.socket = null;
      this.afterClose({ code: 1006, reason: String(e?.message ?? e) });
      return;
    }
    this.socket = socket;
    this.hello = null;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.everOpened = true;
      this.helloTimer = this.setTimer(() => this.drop(4000, 'no hello'), this.helloTimeoutMs);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.cleanUp();
      this.afterClose({ code: event.code, reason: event.reason || '' });
    };
    socket.onerror = () => {
      // Normally followed by close. A socket refused before it opened (Chromium, for a URL the
      // page's CSP does not allow) may end with error alone: then it counts as closed, or the
      // page would wait for a close that never comes.
      this.setTimer(() => {
        if (this.socket === socket && socket.readyState === SOCKET_CLOSED) {
          socket.onclose({ code: 1006, reason: 'connection failed' });
        }
      }, ERROR_GRACE_MS);
    };
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return; // the server only sends JSON; ignore anything else
    }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'hello') {
      this.clearTimer(this.helloTimer);
      this.helloTimer = null;
      this.hello = frame;
      this.schedulePing();
      const socket = this.socket;
      Promise.resolve()
        .then(() => this.onHello(frame))
        .catch((error) => {
          if (this.socket === socket && error?.code !== 'disconnected') {
            this.drop(4000, 'client start failed');
          }
        });
      return;
    }
    if ((frame.type === 'ok' || frame.type === 'error') && frame.re != null) {
      if (frame.type === 'ok') this.settle(frame.re, frame, null);
      else {
        this.settle(frame.re, null,
          new ChatError(frame.code, frame.message, frameExtras(frame)));
      }
      return;
    }
    this.onEvent(frame);
  }

  settle(id, value, error) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    this.clearTimer(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(value);
  }

  write(frame) {
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  schedulePing() {
    this.clearTimer(this.pingTimer);
    this.pingTimer = this.setTimer(() => {
      this.pingTimer = null;
      const socket = this.socket;
      this.request('ping', {}, { timeoutMs: this.pingTimeoutMs }).then(
        () => {
          if (this.socket === socket) this.schedulePing();
        },
        (error) => {
          // A dead network often gives no close event for minutes: no pong, no connection.
          if (this.socket === socket && error.code === 'timeout') this.drop(4000, 'ping timeout');
        },
      );
    }, this.pingIntervalMs);
  }

  /** Abandons the current socket at once, without waiting for the close handshake. */
  drop(code, reason, reconnect = true) {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(code, reason);
    } catch {
      // already closing
    }
    this.cleanUp();
    this.afterClose({ code, reason }, reconnect);
  }

  cleanUp() {
    this.hello = null;
    this.clearTimer(this.helloTimer);
    this.clearTimer(this.pingTimer);
    this.clearTimer(this.stableTimer);
    this.helloTimer = this.pingTimer = this.stableTimer = null;
    const pending = [...this.pending.keys()];
    for (const id of pending) {
      this.settle(id, null, new ChatError('disconnected', 'connection closed'));
    }
  }

  afterClose(info, reconnect = true) {
    if (reconnect) this.onClose(info);
    if (!this.wanted || !reconnect) return;
    const delay = backoffDelay(this.attempt, { ...this.backoff, random: this.random });
    this.attempt++;
    this.setState('reconnecting');
    this.nextRetryAt = Date.now() + delay;
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      this.nextRetryAt = null;
      if (this.wanted && !this.socket) this.open();
    }, delay);
  }

  cancelReconnect() {
    if (this.reconnectTimer) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    this.nextRetryAt = null;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }
}

function frameExtras(frame) {
  const extras = {};
  if (frame.retryAfterMs != null) extras.retryAfterMs = frame.retryAfterMs;
  return extras;
}
