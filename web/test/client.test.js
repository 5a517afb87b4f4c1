// The client against an in-memory server: signing in, catch-up after reconnects (history after
// the last seq, paged until more=false), dedupe, gap repair, the outbox (queued while offline,
// resent with the same cid, retry after failure, rate limits), epochs, read markers and typing.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client } from './clients.js';
import { FakeServer, MemoryStorage, settle } from './fakes.js';

/** A client already signed in as `user` (token in storage), connected and caught up. */
async function signedIn(server, user) {
  const token = server.users.has(user) ? [...server.tokens].find(([, u]) => u === user)[0] : server.addUser(user);
  const c = client(server, new MemoryStorage({ 'chat.token': token, 'chat.user': user }));
  assert.ok(c.client.restore());
  await settle();
  assert.equal(c.conn.state, 'online');
  return c;
}

const seqs = (store, conv) => store.conv(conv).messages.map((m) => m.seq);
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('creating an account stores the token and catches up', async () => {
  const server = new FakeServer();
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: [] });
  const c = client(server);
  await c.client.signIn('Alice', 'password123', true);
  await settle();
  assert.equal(c.store.me, 'alice');
  assert.equal(c.storage.getItem('chat.user'), 'alice');
  assert.ok(c.storage.getItem('chat.token'));
  assert.equal(c.conn.state, 'online');
  assert.deepEqual(server.requests('register').map((f) => f.user), ['alice']);
});

test('sign-in errors are readable and nothing is stored', async () => {
  const server = new FakeServer();
  server.addUser('bob', 'password123');
  const c = client(server);
  await assert.rejects(c.client.signIn('bob', 'wrong-password', false), /Wrong username or password/);
  await assert.rejects(c.client.signIn('bob', 'password123', true), /taken/);
  await assert.rejects(c.client.signIn('b', 'password123', true), /at least 3/);
  await assert.rejects(c.client.signIn('carol', 'short', true), /at least 8/);
  assert.equal(c.storage.getItem('chat.token'), null);
  assert.equal(c.store.me, null);
});

test('restoring a client loads the latest page of every conversation', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  for (let i = 1; i <= 70; i++) server.store('bob', '#general', `g${i}`);
  server.store('bob', '@alice', 'hi alice');
  const c = await signedIn(server, 'alice');
  assert.deepEqual(seqs(c.store, '#general'), range(21, 70));
  assert.equal(c.store.conv('#general').hasOlder, true);
  assert.deepEqual(seqs(c.store, '@bob'), [1]);
  assert.equal(c.store.totalUnread(), 71);
  await c.client.loadOlder('#general');
  assert.deepEqual(seqs(c.store, '#general'), range(1, 70));
  assert.equal(c.store.conv('#general').hasOlder, false);
});

test('after a reconnect, history after the last seen seq is paged until more=false', async () => {
  const server = new FakeServer({ historyMax: 100 });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  server.store('bob', '#general', 'one');
  const c = await signedIn(server, 'alice');
  assert.deepEqual(seqs(c.store, '#general'), [1]);

  server.down = true;
  server.dropAll();
  await settle();
  assert.equal(c.conn.state, 'reconnecting');
  for (let i = 2; i <= 250; i++) server.store('bob', '#general', `m${i}`);
  server.received.length = 0;
  server.down = false;
  await c.timers.advance(60000);

  assert.equal(c.conn.state, 'online');
  assert.deepEqual(seqs(c.store, '#general'), range(1, 250));
  const pages = server.requests('history').map((f) => [f.conv, f.after, f.limit]);
  assert.deepEqual(pages, [['#general', 1, 100], ['#general', 101, 100], ['#general', 201, 100]]);
  assert.equal(c.store.conv('#general').syncedSeq, 250);
});

test('live events that arrive during catch-up are held back and deduplicated', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  server.store('bob', '#general', 'one');
  const c = await signedIn(server, 'alice');
  server.dropAll();
  await settle();
  server.store('bob', '#general', 'two');
  // While the client pages history, a new message is stored and pushed live.
  let injected = false;
  server.hooks.history = () => {
    if (!injected) {
      injected = true;
      server.store('bob', '#general', 'three');
    }
  };
  await c.timers.advance(1000);
  assert.equal(c.conn.state, 'online');
  assert.deepEqual(seqs(c.store, '#general'), [1, 2, 3]);
  assert.deepEqual(c.store.conv('#general').messages.map((m) => m.text), ['one', 'two', 'three']);
});

test('a gap in live messages is repaired from history', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  server.store('bob', '#general', 'one');
  const c = await signedIn(server, 'alice');
  // Messages 2 and 3 are stored without reaching alice; 4 arrives live.
  const room = server.convs.get('#general');
  room.messages.push({ seq: 2, from: 'bob', text: 'two', ts: 2, cid: 'x2' });
  room.messages.push({ seq: 3, from: 'bob', text: 'three', ts: 3, cid: 'x3' });
  server.store('bob', '#general', 'four');
  await settle();
  assert.deepEqual(seqs(c.store, '#general'), [1, 2, 3, 4]);
  assert.deepEqual(server.requests('history').slice(-1).map((f) => f.after), [1]);
});

test('sends made while offline are queued, then sent once with the same cid', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.store('bob', '@alice', 'hi');
  const c = await signedIn(server, 'alice');
  server.down = true;
  server.dropAll();
  await settle();
  const item = c.client.outbox.send('@bob', 'sent offline');
  assert.equal(item.state, 'queued');
  assert.deepEqual(c.store.pendingFor('@bob').map((i) => i.text), ['sent offline']);
  assert.match(c.storage.getItem('chat.outbox'), /sent offline/, 'the outbox survives a reload');
  server.down = false;
  await c.timers.advance(60000);
  const sends = server.requests('send');
  assert.deepEqual(sends.map((f) => [f.to, f.text, f.cid]), [['@bob', 'sent offline', item.cid]]);
  assert.equal(c.store.pendingFor('@bob').length, 0);
  assert.deepEqual(c.store.conv('@bob').messages.map((m) => [m.seq, m.text, m.cid]),
    [[1, 'hi', server.convs.get('dm:alice:bob').messages[0].cid], [2, 'sent offline', item.cid]]);
  assert.equal(c.storage.getItem('chat.outbox'), null);
});

test('a send stored before the connection died is found in history, not sent twice', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  const c = await signedIn(server, 'alice');
  server.hooks.send = (socket, frame) => {
    server.store(socket.user, frame.to, frame.text, frame.cid); // stored...
    server.disconnect(socket); // ...but the connection dies before the ok and the event
    return 'handled';
  };
  const item = c.client.outbox.send('#general', 'exactly once');
  await settle();
  assert.equal(c.store.outboxItem(item.cid).state, 'queued');
  await c.timers.advance(60000);
  assert.equal(c.conn.state, 'online');
  assert.equal(server.requests('send').length, 1);
  assert.deepEqual(c.store.conv('#general').messages.map((m) => [m.seq, m.cid]), [[1, item.cid]]);
  assert.equal(c.store.outbox.length, 0);
});

test('a send whose connection died first is resent with the same cid and stored once', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  const c = await signedIn(server, 'alice');
  let dropped = false;
  server.hooks.send = (socket) => {
    if (dropped) return undefined;
    dropped = true;
    server.disconnect(socket);
    return 'handled';
  };
  const item = c.client.outbox.send('#general', 'exactly once');
  await settle();
  await c.timers.advance(60000);
  assert.equal(c.conn.state, 'online');
  assert.deepEqual(server.requests('send').map((f) => f.cid), [item.cid, item.cid]);
  assert.equal(server.convs.get('#general').messages.length, 1);
  assert.deepEqual(c.store.conv('#general').messages.map((m) => [m.seq, m.cid]), [[1, item.cid]]);
  assert.equal(c.store.outbox.length, 0);
});

test('a refused send is marked failed; Retry sends it again with the same cid', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  const c = await signedIn(server, 'alice');
  let refuse = true;
  server.hooks.send = (socket, frame) => {
    if (!refuse) return undefined;
    server.push(socket, { type: 'error', re: frame.id, code: 'internal', message: 'disk on fire' });
    return 'handled';
  };
  const item = c.client.outbox.send('#general', 'try me');
  await settle();
  assert.equal(c.store.outboxItem(item.cid).state, 'failed');
  assert.match(c.store.outboxItem(item.cid).error, /nothing was stored/);
  refuse = false;
  c.client.outbox.retry(item.cid);
  await settle();
  assert.deepEqual(server.requests('send').map((f) => f.cid), [item.cid, item.cid]);
  assert.equal(c.store.outbox.length, 0);
  assert.deepEqual(c.store.conv('#general').messages.map((m) => m.text), ['try me']);
});

test('rate-limited sends wait retryAfterMs and go out in order', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.store('bob', '@alice', 'hi');
  const c = await signedIn(server, 'alice');
  let limited = 1;
  server.hooks.send = (socket, frame) => {
    if (limited-- <= 0) return undefined;
    server.push(socket, { type: 'error', re: frame.id, code: 'rate_limited', message: 'slow', retryAfterMs: 700 });
    return 'handled';
  };
  c.client.outbox.send('@bob', 'first');
  c.client.outbox.send('@bob', 'second');
  await settle();
  assert.equal(server.requests('send').length, 1);
  await c.timers.advance(699);
  assert.equal(server.requests('send').length, 1, 'not before retryAfterMs');
  await c.timers.advance(1);
  assert.deepEqual(c.store.conv('@bob').messages.map((m) => m.text), ['hi', 'first', 'second']);
});

test('texts longer than the limit are refused before sending', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  const c = await signedIn(server, 'alice');
  assert.throws(() => c.client.outbox.send('@bob', 'x'.repeat(4001)), /at most 4000/);
  assert.equal(c.client.outbox.send('@bob', '   '), null);
  assert.equal(c.store.outbox.length, 0);
});

test('a new epoch drops cached seqs and reloads', async () => {
  const server = new FakeServer({ epoch: 'one' });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  for (let i = 1; i <= 3; i++) server.store('bob', '#general', `old${i}`);
  const c = await signedIn(server, 'alice');
  assert.deepEqual(seqs(c.store, '#general'), [1, 2, 3]);
  // The store was replaced: same names, different history.
  server.epoch = 'two';
  server.convs.get('#general').messages = [];
  server.sent.clear();
  server.store('bob', '#general', 'new1');
  server.dropAll();
  await c.timers.advance(1000);
  assert.equal(c.store.epoch, 'two');
  assert.deepEqual(c.store.conv('#general').messages.map((m) => m.text), ['new1']);
  const last = server.requests('history').slice(-1)[0];
  assert.equal(last.after, undefined, 'the latest page, not "after 3"');
});

test('a refused token signs out with a message', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  const c = client(server, new MemoryStorage({ 'chat.token': 'stale', 'chat.user': 'alice' }));
  c.client.restore();
  await settle();
  assert.equal(c.store.me, null);
  assert.match(c.store.authError, /sign in again/);
  assert.equal(c.storage.getItem('chat.token'), null);
  assert.equal(c.conn.state, 'idle');
});

// A link to this page may name any server (?server=…), and a tab opened from it shares the
// storage: the token must reach only the server that issued it.
test('a token is only ever sent to the server that issued it', async () => {
  const server = new FakeServer();
  const c = client(server);
  await c.client.signIn('alice', 'password123', true);
  await settle();
  assert.equal(c.storage.getItem('chat.server'), 'ws://fake/ws');

  const evil = new FakeServer();
  const lured = client(evil, c.storage, { url: 'wss://evil.example/ws', serverFromLink: true });
  assert.equal(lured.client.restore(), false);
  await settle();
  assert.deepEqual(evil.requests('login'), [], 'nothing sent to the other server');
  assert.equal(lured.store.me, null);
  assert.match(lured.store.authError, /signed in on another server/);
  assert.ok(c.storage.getItem('chat.token'), 'the sign-in on the first server stays');
  assert.equal(lured.client.tokenIsForThisServer(), false, 'uploads send no token either');
});

test('a token saved without its server goes to the configured server, not a linked one', async () => {
  const server = new FakeServer();
  const token = server.addUser('alice');
  const saved = () => new MemoryStorage({ 'chat.token': token, 'chat.user': 'alice' });

  const linked = client(server, saved(), { serverFromLink: true });
  assert.equal(linked.client.restore(), false);
  await settle();
  assert.deepEqual(server.requests('login'), []);

  const storage = saved();
  const configured = client(server, storage);
  assert.ok(configured.client.restore());
  await settle();
  assert.equal(configured.store.me, 'alice');
  assert.equal(storage.getItem('chat.server'), 'ws://fake/ws', 'bound from now on');
});

test('a tab whose token was replaced by a sign-in on another server stops using it', async () => {
  const server = new FakeServer();
  const token = server.addUser('alice');
  const storage = new MemoryStorage({ 'chat.token': token, 'chat.user': 'alice' });
  const c = client(server, storage);
  assert.ok(c.client.restore());
  await settle();
  const logins = server.requests('login').length;

  storage.setItem('chat.token', 'tok-from-elsewhere'); // another tab signed in elsewhere
  storage.setItem('chat.server', 'wss://elsewhere.example/ws');
  server.dropAll();
  await settle();
  await c.timers.advance(60_000);

  assert.equal(server.requests('login').length, logins, 'the other token was not sent');
  assert.equal(c.store.me, null);
  assert.match(c.store.authError, /another server/);
});

test('sign out sends logout, clears storage and does not reconnect', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  const c = await signedIn(server, 'alice');
  c.client.outbox.send('@nobody', 'queued');
  await c.client.signOut();
  await c.timers.advance(60000);
  assert.equal(server.requests('logout').length, 1);
  assert.equal(c.store.me, null);
  assert.equal(c.storage.getItem('chat.token'), null);
  assert.equal(c.storage.getItem('chat.outbox'), null);
  assert.equal(server.sockets.size, 0);
  assert.equal(c.conn.state, 'idle');
});

test('being logged out elsewhere (1008 logged out) ends the client', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  const c = await signedIn(server, 'alice');
  server.dropAll(1008, 'logged out');
  await settle();
  assert.equal(c.store.me, null);
  assert.match(c.store.authError, /signed out/);
  await c.timers.advance(60000);
  assert.equal(server.sockets.size, 0);
});

test('read markers: sent once for the latest seen seq, only moving forward', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  for (let i = 1; i <= 5; i++) server.store('bob', '@alice', `m${i}`);
  const c = await signedIn(server, 'alice');
  c.client.markSeen('@bob', 3);
  c.client.markSeen('@bob', 5);
  c.client.markSeen('@bob', 4);
  await c.timers.advance(300);
  assert.deepEqual(server.requests('read').map((f) => [f.conv, f.seq]), [['@bob', 5]]);
  assert.equal(server.convs.get('dm:alice:bob').reads.get('alice'), 5);
  assert.equal(c.store.totalUnread(), 0);
});

test("the peer's read events give \"seen\"; my other client's move my marker", async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.store('alice', '@bob', 'hello bob');
  server.store('bob', '@alice', 'hello alice');
  server.store('alice', '@bob', 'how are you?');
  const alice = await signedIn(server, 'alice');
  const alice2 = await signedIn(server, 'alice');
  const bob = await signedIn(server, 'bob');
  bob.client.markSeen('@alice', 3);
  await bob.timers.advance(300);
  await settle();
  assert.equal(alice.store.conv('@bob').peerReadSeq, 3);

  server.store('bob', '@alice', 'fine');
  await settle();
  assert.equal(alice.store.totalUnread(), 1);
  alice2.client.markSeen('@bob', 4);
  await alice2.timers.advance(300);
  await settle();
  assert.equal(alice.store.conv('@bob').readSeq, 4);
  assert.equal(alice.store.totalUnread(), 0);
});

test('typing is sent at most every 3 seconds and shown for about 5', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.store('bob', '@alice', 'hi');
  const alice = await signedIn(server, 'alice');
  const bob = await signedIn(server, 'bob');
  alice.client.typing('@bob');
  alice.client.typing('@bob');
  await alice.timers.advance(2999);
  alice.client.typing('@bob');
  assert.equal(server.requests('typing').length, 1);
  await alice.timers.advance(1);
  alice.client.typing('@bob');
  await settle();
  assert.equal(server.requests('typing').length, 2);
  await settle();
  assert.deepEqual([...bob.store.conv('@alice').typing.keys()], ['alice']);
  await bob.timers.advance(5100);
  assert.equal(bob.store.conv('@alice').typing.size, 0);
});

test('"Go to" @user opens a direct conversation after checking the user exists', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  const c = await signedIn(server, 'alice');
  assert.equal(await c.client.rooms.goTo('@Bob'), '@bob');
  assert.equal(c.store.activeConv, '@bob');
  assert.equal(c.store.conv('@bob').onServer, false, 'exists once a message is sent');
  await assert.rejects(c.client.rooms.goTo('@nobody'), /no user named nobody/);
  await assert.rejects(c.client.rooms.goTo('@alice'), /yourself/);
});

test('"Go to" #room joins it; private rooms and missing rooms are explained', async () => {
  const server = new FakeServer();
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { topic: 'Anything' });
  server.createRoom('secret', 'bob', { isPrivate: true });
  server.store('bob', '#general', 'before alice');
  const c = await signedIn(server, 'alice');
  assert.equal(await c.client.rooms.goTo('#general'), '#general');
  const conv = c.store.conv('#general');
  assert.equal(conv.topic, 'Anything');
  assert.deepEqual(conv.messages.map((m) => m.text), ['before alice']);
  assert.equal(conv.markerSeq, null, 'a room just joined has no "new messages" marker');
  await assert.rejects(c.client.rooms.goTo('#secret'), /private/);
  await assert.rejects(c.client.rooms.goTo('#nothing'), /no room #nothing/);
});
