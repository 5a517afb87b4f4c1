// The Connection: requests matched to replies by id, timeouts, failures on close, reconnecting
// with backoff, the keep-alive ping, and stop(). Driven by a fake WebSocket and manual timers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatError, Connection, STABLE_MS } from '../js/protocol.js';
import { ManualTimers, settle } from './fakes.js';

/** A scripted socket: the test decides what the "server" says. */
function scriptedSockets() {
  const sockets = [];
  class Socket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = null;
      sockets.push(this);
    }
    send(data) { this.sent.push(JSON.parse(data)); }
    close(code, reason) { this.closed = { code, reason }; }
    // test side
    open() { this.onopen?.(); }
    say(frame) { this.onmessage?.({ data: JSON.stringify(frame) }); }
    hello(epoch = 'e1') { this.open(); this.say({ type: 'hello', protocol: 1, epoch, limits: {} }); }
    lose(code = 1006, reason = '') { this.onclose?.({ code, reason }); }
  }
  return { Socket, sockets };
}

function connection(overrides = {}) {
  const timers = new ManualTimers();
  const { Socket, sockets } = scriptedSockets();
  const states = [];
  const conn = new Connection({
    url: 'ws://test/ws', WebSocketImpl: Socket, setTimer: timers.set, clearTimer: timers.clear,
    random: () => 0, ...overrides,
  });
  conn.onState = (s) => states.push(s);
  return { conn, timers, sockets, states };
}

test('a request gets the ok whose re matches its id', async () => {
  const { conn, sockets } = connection();
  conn.start();
  sockets[0].hello();
  const first = conn.request('rooms');
  const second = conn.request('conversations');
  const [a, b] = sockets[0].sent;
  assert.equal(a.type, 'rooms');
  assert.notEqual(a.id, b.id);
  sockets[0].say({ type: 'ok', re: b.id, conversations: [] });
  sockets[0].say({ type: 'ok', re: a.id, rooms: ['x'] });
  assert.deepEqual((await first).rooms, ['x']);
  assert.deepEqual((await second).conversations, []);
});

test('an error reply rejects with its code, message and retryAfterMs', async () => {
  const { conn, sockets } = connection();
  conn.start();
  sockets[0].hello();
  const pending = conn.request('send', { to: '#a', text: 'x', cid: 'c' });
  const { id } = sockets[0].sent[0];
  sockets[0].say({ type: 'error', re: id, code: 'rate_limited', message: 'slow down', retryAfterMs: 120 });
  await assert.rejects(pending, (e) => e instanceof ChatError && e.code === 'rate_limited'
    && e.message === 'slow down' && e.retryAfterMs === 120);
});

test('events and unsolicited errors go to onEvent; hello goes to onHello', async () => {
  const { conn, sockets } = connection();
  const events = [];
  const hellos = [];
  conn.onEvent = (f) => events.push(f.type);
  conn.onHello = (h) => hellos.push(h.epoch);
  conn.start();
  sockets[0].hello('e7');
  sockets[0].say({ type: 'message', conv: '#a', seq: 1 });
  sockets[0].say({ type: 'error', re: null, code: 'bad_request', message: 'x' });
  sockets[0].say({ type: 'ok', re: 'nobody-asked' });
  await settle();
  assert.deepEqual(hellos, ['e7']);
  assert.deepEqual(events, ['message', 'error']);
});

test('a request without a reply times out', async () => {
  const { conn, sockets, timers } = connection({ requestTimeoutMs: 1000 });
  conn.start();
  sockets[0].hello();
  const pending = conn.request('rooms');
  const check = assert.rejects(pending, (e) => e.code === 'timeout');
  await timers.advance(1000);
  await check;
});

test('requests fail with disconnected when not connected or when the socket closes', async () => {
  const { conn, sockets } = connection();
  await assert.rejects(conn.request('rooms'), (e) => e.code === 'disconnected');
  conn.start();
  await assert.rejects(conn.request('rooms'), (e) => e.code === 'disconnected', 'no hello yet');
  sockets[0].hello();
  const pending = conn.request('rooms');
  sockets[0].lose();
  await assert.rejects(pending, (e) => e.code === 'disconnected');
});

test('reconnects with growing, capped backoff; staying online resets it', async () => {
  const { conn, sockets, timers, states } = connection({ backoff: { baseMs: 100, maxMs: 1000 } });
  const closes = [];
  conn.onClose = (info) => closes.push(info.code);
  conn.start();
  assert.deepEqual(states, ['connecting']);
  sockets[0].lose(1006);
  assert.deepEqual(states, ['connecting', 'reconnecting']);
  assert.deepEqual(closes, [1006]);
  // random() = 0: delays are half of 100, 200, 400, 800, 1000, 1000
  const expected = [50, 100, 200, 400, 500, 500];
  for (let i = 0; i < expected.length; i++) {
    await timers.advance(expected[i] - 1);
    assert.equal(sockets.length, i + 1, `attempt ${i + 1} not before ${expected[i]} ms`);
    await timers.advance(1);
    assert.equal(sockets.length, i + 2, `attempt ${i + 1} after ${expected[i]} ms`);
    sockets[i + 1].lose();
  }
  await timers.advance(500);
  const socket = sockets[sockets.length - 1];
  socket.hello();
  conn.markOnline();
  assert.equal(conn.state, 'online');
  await timers.advance(STABLE_MS);
  socket.lose();
  await timers.advance(49);
  const before = sockets.length;
  await timers.advance(1);
  assert.equal(sockets.length, before + 1, 'after being online the first retry is quick again');
});

test('a server that drops every connection right after its catch-up is retried ever later', async () => {
  const { conn, sockets, timers } = connection({ backoff: { baseMs: 100, maxMs: 1000 } });
  conn.start();
  for (let i = 0; i < 5; i++) {
    const socket = sockets[sockets.length - 1];
    socket.hello();
    conn.markOnline();
    await timers.advance(STABLE_MS - 1);
    socket.lose(1011);
    await timers.advance(1000); // the longest delay
  }
  const before = sockets.length;
  sockets[before - 1].hello();
  conn.markOnline();
  sockets[before - 1].lose(1011);
  await timers.advance(499);
  assert.equal(sockets.length, before, 'the delay is still at its cap, not back at 50 ms');
  await timers.advance(1);
  assert.equal(sockets.length, before + 1);
});

test('stop() closes the socket, fails pending requests and never reconnects', async () => {
  const { conn, sockets, timers, states } = connection();
  conn.start();
  sockets[0].hello();
  const pending = conn.request('rooms');
  conn.stop();
  await assert.rejects(pending, (e) => e.code === 'disconnected');
  assert.ok(sockets[0].closed);
  assert.equal(states[states.length - 1], 'idle');
  await timers.advance(60000);
  assert.equal(sockets.length, 1);
});

test('no hello in time, or no pong in time, drops the socket and reconnects', async () => {
  const { conn, sockets, timers } = connection({
    helloTimeoutMs: 1000, pingIntervalMs: 5000, pingTimeoutMs: 2000,
  });
  conn.start();
  sockets[0].open();
  await timers.advance(1000);
  assert.equal(sockets[0].closed?.code, 4000);
  await timers.advance(500);
  assert.equal(sockets.length, 2);
  sockets[1].hello();
  await timers.advance(5000);
  const ping = sockets[1].sent.find((f) => f.type === 'ping');
  assert.ok(ping, 'a ping after the interval');
  sockets[1].say({ type: 'ok', re: ping.id, ts: 1 });
  await timers.advance(5000);
  const pings = sockets[1].sent.filter((f) => f.type === 'ping');
  assert.equal(pings.length, 2, 'answered pings keep the socket');
  await timers.advance(2000);
  assert.equal(sockets[1].closed?.code, 4000, 'an unanswered ping drops it');
});

test('a failing onHello drops the socket so the next attempt starts over', async () => {
  const { conn, sockets, timers } = connection();
  conn.onHello = async () => {
    throw new ChatError('internal', 'boom');
  };
  conn.start();
  sockets[0].hello();
  await settle();
  assert.ok(sockets[0].closed);
  await timers.advance(500);
  assert.equal(sockets.length, 2);
});

test('a constructor that throws (bad URL, CSP) counts as a failed attempt', async () => {
  let made = 0;
  const timers = new ManualTimers();
  const conn = new Connection({
    url: 'ws://x/ws',
    WebSocketImpl: class {
      constructor() {
        made++;
        throw new Error('refused');
      }
    },
    setTimer: timers.set, clearTimer: timers.clear, random: () => 0,
  });
  conn.start();
  assert.equal(conn.state, 'reconnecting');
  await timers.advance(250);
  assert.equal(made, 2);
  conn.stop();
});

test('a socket that fails with an error and no close still counts as closed, and is retried', async () => {
  const { conn, timers, sockets, states } = connection();
  conn.start();
  sockets[0].hello();
  sockets[0].lose();
  await timers.advance(1000);
  assert.equal(sockets.length, 2, 'a second attempt');
  // Chromium refuses a URL outside the page's CSP with an error event alone.
  sockets[1].readyState = 3;
  sockets[1].onerror?.();
  await timers.advance(999);
  assert.equal(sockets.length, 2, 'not before the grace time');
  await timers.advance(60000);
  assert.ok(sockets.length >= 3, 'tried again');
  assert.equal(states.at(-1), 'reconnecting');
  sockets.at(-1).hello();
  assert.equal(conn.isOpen, true);
});

test('an error while the socket is still open waits for its close', async () => {
  const { conn, timers, sockets } = connection();
  conn.start();
  sockets[0].hello();
  sockets[0].readyState = 1;
  sockets[0].onerror?.();
  await timers.advance(5000);
  assert.equal(conn.isOpen, true);
  assert.equal(sockets.length, 1);
});
