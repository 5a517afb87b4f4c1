// Clients for the client tests: a Connection, Store and ChatClient on a manual clock, talking
// to a FakeServer.

import assert from 'node:assert/strict';
import { Connection } from '../js/protocol.js';
import { ChatClient } from '../js/client.js';
import { Store } from '../js/store.js';
import { MemoryStorage, ManualTimers, settle } from './fakes.js';

export function client(server, storage = new MemoryStorage(), {
  httpOrigin = null, createRequest, url = 'ws://fake/ws', serverFromLink = false,
} = {}) {
  const timers = new ManualTimers();
  const conn = new Connection({
    url, WebSocketImpl: server.WebSocket, setTimer: timers.set,
    clearTimer: timers.clear, random: () => 0,
  });
  const store = new Store();
  const client = new ChatClient({
    conn, store, storage, now: timers.clock, setTimer: timers.set, clearTimer: timers.clear,
    httpOrigin, createRequest, serverFromLink,
  });
  const notices = [];
  client.onNotice = (text) => notices.push(text);
  return { timers, conn, store, client, storage, notices };
}

/** A client signed in as `user` with a token of its own (or the given storage's), caught up. */
export async function signedIn(server, user, storage = null, options = {}) {
  if (!server.users.has(user)) server.addUser(user);
  let saved = storage;
  if (!saved) {
    const token = `tok-${user}-${server.tokens.size}`;
    server.tokens.set(token, user);
    saved = new MemoryStorage({ 'chat.token': token, 'chat.user': user });
  }
  const c = client(server, saved, options);
  assert.ok(c.client.restore());
  await settle();
  assert.equal(c.conn.state, 'online', `${user} online`);
  return c;
}
