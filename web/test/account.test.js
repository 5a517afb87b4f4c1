// The account and blocking against the in-memory server: the blocked list after each catch-up,
// block and unblock, changing the password (this tab keeps going under the new token, other
// devices are sent to sign in, other tabs of this browser carry on), signing out everywhere and
// deleting the account (never a reconnect afterwards), and features the server did not list.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_FEATURES, installSafety } from './fake-safety.js';
import { FakeServer, MemoryStorage, settle } from './fakes.js';
import { client, signedIn } from './clients.js';

function safetyServer(options = {}) {
  const server = installSafety(new FakeServer({ features: ALL_FEATURES, ...options }));
  server.addUser('alice', 'old password');
  server.addUser('bob');
  return server;
}

/** Lets every timer (reconnect backoff included) run for a minute of fake time. */
async function aMinuteLater(c) {
  await c.timers.advance(60_000);
}

test('the blocked list is loaded after each catch-up, and block and unblock keep it', async () => {
  const server = safetyServer();
  server.addUser('mallory');
  server.blocks.set('alice', new Set(['mallory']));
  const alice = await signedIn(server, 'alice');
  assert.deepEqual([...alice.store.blocked], ['mallory']);

  await alice.client.account.block('Bob');
  assert.deepEqual([...alice.store.blocked].sort(), ['bob', 'mallory']);
  assert.deepEqual([...server.blocks.get('alice')].sort(), ['bob', 'mallory']);
  await alice.client.account.unblock('mallory');
  assert.deepEqual([...alice.store.blocked], ['bob']);
  await assert.rejects(alice.client.account.block('nobody'), /no user named nobody/);

  server.blocks.set('alice', new Set(['mallory'])); // changed by another device meanwhile
  server.dropAll(1006);
  await alice.timers.advance(1000);
  assert.equal(alice.conn.state, 'online');
  assert.deepEqual([...alice.store.blocked], ['mallory'], 'loaded again after the reconnect');
  assert.equal(server.requests('blocked').length, 2);
});

test('the blocked list comes before the conversations, so nothing of theirs shows first', async () => {
  const server = safetyServer();
  server.addUser('mallory');
  server.blocks.set('alice', new Set(['mallory']));
  await signedIn(server, 'alice');
  const order = server.received.map((f) => f.type);
  const blocked = order.indexOf('blocked');
  assert.ok(blocked >= 0 && blocked < order.indexOf('conversations'), order.join(' '));
  assert.equal(server.requests('blocked').length, 1);
});

test('a direct message to someone who blocked me fails with the server\'s refusal', async () => {
  const server = safetyServer();
  server.blocks.set('bob', new Set(['alice']));
  const alice = await signedIn(server, 'alice');
  alice.client.outbox.send('@bob', 'hello?');
  await settle();
  const [item] = alice.store.pendingFor('@bob');
  assert.equal(item.state, 'failed');
  assert.equal(server.convs.size, 0, 'nothing stored');
});

test('a server without the features is not asked for them', async () => {
  const server = installSafety(new FakeServer());
  server.addUser('alice');
  const alice = await signedIn(server, 'alice');
  assert.equal(alice.client.can('block'), false);
  assert.equal(alice.client.can('moderation'), false);
  assert.equal(server.requests('blocked').length, 0);
  const full = safetyServer();
  const other = await signedIn(full, 'bob');
  assert.equal(other.client.can('block'), true);
  assert.equal(other.client.can('account'), true);
});

test('changing the password keeps this client under the new token', async () => {
  const server = safetyServer();
  const alice = await signedIn(server, 'alice');
  const oldToken = alice.storage.getItem('chat.token');
  const laptop = await signedIn(server, 'alice'); // another device: its own storage and token

  await assert.rejects(alice.client.account.changePassword('wrong one', 'new password 1'),
    /current password is wrong/);
  await assert.rejects(alice.client.account.changePassword('old password', 'short'),
    /at least 8/);
  await alice.client.account.changePassword('old password', 'new password 1');
  const newToken = alice.storage.getItem('chat.token');
  assert.notEqual(newToken, oldToken);
  assert.equal(server.tokens.get(newToken), 'alice');
  assert.equal(server.tokens.has(oldToken), false);

  await settle();
  // The other device was closed with 1008 "password changed": back to sign-in, no reconnects.
  assert.equal(laptop.store.me, null);
  assert.match(laptop.store.authError, /password was changed/);
  assert.equal(laptop.storage.getItem('chat.token'), null);
  const logins = server.requests('login').length;
  await aMinuteLater(laptop);
  assert.equal(laptop.conn.state, 'idle');
  assert.equal(server.requests('login').length, logins, 'the other device never came back');

  // This one is still signed in, and a reconnect uses the new token.
  assert.equal(alice.store.me, 'alice');
  assert.equal(alice.conn.state, 'online');
  server.dropAll(1006);
  await alice.timers.advance(1000);
  assert.equal(alice.conn.state, 'online');
  assert.equal(server.requests('login').at(-1).token, newToken);
});

test('another tab of this browser carries on with the new token after a password change', async () => {
  const server = safetyServer();
  const shared = new MemoryStorage();
  const tabA = await signedIn(server, 'alice');
  for (const key of ['chat.token', 'chat.user']) shared.setItem(key, tabA.storage.getItem(key));
  const tabB = await signedIn(server, 'alice', shared);
  // Tab A writes into the same storage as tab B (one browser profile).
  tabA.client.storage = shared;
  await tabA.client.account.changePassword('old password', 'new password 1');
  await settle();
  assert.equal(tabB.store.me, 'alice', 'not sent to sign in');
  await tabB.timers.advance(1000);
  assert.equal(tabB.conn.state, 'online');
  assert.equal(server.requests('login').at(-1).token, shared.getItem('chat.token'));
});

test('signing out everywhere ends every client and none reconnects', async () => {
  const server = safetyServer();
  const alice = await signedIn(server, 'alice');
  const phone = await signedIn(server, 'alice');
  await alice.client.account.logoutEverywhere();
  await settle();
  for (const c of [alice, phone]) {
    assert.equal(c.store.me, null);
    assert.equal(c.storage.getItem('chat.token'), null);
    assert.match(c.store.authError, /signed out/);
  }
  assert.deepEqual(server.requests('logout').map((f) => f.all), [true]);
  const logins = server.requests('login').length;
  await aMinuteLater(alice);
  await aMinuteLater(phone);
  assert.equal(server.requests('login').length, logins);
  assert.equal(server.tokens.size, 1, 'only bob\'s token is left');
});

test('deleting the account asks for the password, then ends every client', async () => {
  const server = safetyServer();
  const alice = await signedIn(server, 'alice');
  const phone = await signedIn(server, 'alice');
  await assert.rejects(alice.client.account.deleteAccount(''), /Enter your password/);
  await assert.rejects(alice.client.account.deleteAccount('nope nope'), /Wrong password/);
  assert.equal(alice.store.me, 'alice');
  await alice.client.account.deleteAccount('old password');
  await settle();
  assert.equal(alice.store.authError, 'Your account was deleted.');
  assert.equal(phone.store.authError, 'This account was deleted.');
  for (const c of [alice, phone]) {
    assert.equal(c.store.me, null);
    assert.equal(c.storage.getItem('chat.token'), null);
  }
  const logins = server.requests('login').length;
  await aMinuteLater(phone);
  assert.equal(server.requests('login').length, logins);
});

test('other 1008 closes (slow consumer) reconnect as before', async () => {
  const server = safetyServer();
  const alice = await signedIn(server, 'alice');
  server.dropAll(1008, 'slow consumer');
  await alice.timers.advance(1000);
  assert.equal(alice.store.me, 'alice');
  assert.equal(alice.conn.state, 'online');
});

test('catch-up reads my rooms from conversations, not the whole directory', async () => {
  const server = safetyServer();
  server.createRoom('general', 'bob', { topic: 'Everything', members: ['alice'] });
  server.createRoom('secret', 'bob', { isPrivate: true, members: ['alice'] });
  for (let i = 0; i < 40; i++) server.createRoom(`other-${i}`, 'bob');
  const alice = await signedIn(server, 'alice');
  await settle();
  assert.equal(alice.store.conv('#general').topic, 'Everything');
  assert.equal(alice.store.conv('#secret').isPrivate, true);
  const asked = server.requests('rooms');
  assert.ok(asked.every((f) => f.query), 'only look-ups by name: ' + JSON.stringify(asked));
  assert.deepEqual(asked.map((f) => f.query).sort(), ['general', 'secret']);

  server.dropAll(1006);
  await alice.timers.advance(1000);
  assert.equal(alice.conn.state, 'online');
  assert.equal(server.requests('rooms').length, 2, 'a reconnect looks nothing up again');
});

test('a fresh client is not online before it signs in', async () => {
  const server = safetyServer();
  const c = client(server);
  assert.equal(c.store.me, null);
  assert.equal(c.client.can('block'), false);
});
