// Changing messages against the in-memory server: live `update` events applied once each and in
// rev order, a skipped rev repaired with `updates`, the catch-up after a reconnect paged until
// `more` is false, edit/delete/react requests and replies (showing the message a reply answers
// is in history.test.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HELD_UPDATES } from '../js/messageActions.js';
import { signedIn } from './clients.js';
import { FakeServer, settle } from './fakes.js';

const FEATURES = ['edit', 'delete', 'react', 'reply'];

function world(options = {}) {
  const server = new FakeServer({ features: FEATURES, ...options });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  return server;
}

const message = (c, conv, seq) => c.store.conv(conv).bySeq.get(seq);

test('live edits, deletions and reactions change the message held, once each', async () => {
  const server = world();
  server.store('bob', '#general', 'helo');
  server.store('bob', '#general', 'second');
  const alice = await signedIn(server, 'alice');
  assert.equal(alice.store.conv('#general').rev, 0, 'counting starts where the server is');

  server.edit('bob', '#general', 1, 'hello @alice');
  server.react('bob', '#general', 1, '👍', true);
  server.remove('bob', '#general', 2);
  await settle();
  const first = message(alice, '#general', 1);
  assert.equal(first.text, 'hello @alice');
  assert.ok(first.edited > 0);
  assert.deepEqual(first.mentions, ['alice']);
  assert.deepEqual(first.reactions, { '👍': ['bob'] });
  const second = message(alice, '#general', 2);
  assert.equal(second.deleted, true);
  assert.equal(second.text, '');
  assert.equal(alice.store.conv('#general').rev, 3);
  assert.equal(server.requests('updates').length, 0, 'nothing was missing');
});

test('an update seen twice or out of date is dropped', async () => {
  const server = world();
  server.store('bob', '#general', 'one');
  const alice = await signedIn(server, 'alice');
  const first = server.edit('bob', '#general', 1, 'two');
  server.edit('bob', '#general', 1, 'three');
  await settle();
  assert.equal(message(alice, '#general', 1).text, 'three');
  // The first update again (a repeat, or a late copy): the text stays as the newest rev left it.
  alice.client.events.apply({ type: 'update', conv: '#general', ...first });
  await settle();
  assert.equal(message(alice, '#general', 1).text, 'three');
  assert.equal(alice.store.conv('#general').rev, 2);
  assert.equal(server.requests('updates').length, 0, 'a repeat is no gap');
});

test('a skipped rev holds the update back and repairs with updates afterRev', async () => {
  const server = world();
  server.store('bob', '#general', 'a');
  server.store('bob', '#general', 'b');
  const alice = await signedIn(server, 'alice');
  server.edit('bob', '#general', 1, 'a, edited', { silent: true }); // rev 1 is lost
  server.react('bob', '#general', 2, '🎉', true); // rev 2 arrives
  await settle();
  assert.deepEqual(server.requests('updates').map((f) => [f.conv, f.afterRev]), [['#general', 0]]);
  assert.equal(message(alice, '#general', 1).text, 'a, edited');
  assert.deepEqual(message(alice, '#general', 2).reactions, { '🎉': ['bob'] });
  assert.equal(alice.store.conv('#general').rev, 2);
  assert.equal(alice.store.conv('#general').heldUpdates.size, 0);
});

test('updates far ahead of revs that never come are held only up to a bound', async () => {
  const server = world();
  server.store('bob', '#general', 'a');
  const alice = await signedIn(server, 'alice');
  for (let i = 0; i < MAX_HELD_UPDATES + 500; i++) {
    alice.client.events.apply({ type: 'update', conv: '#general', seq: 1, rev: 1e6 + i, by: 'bob',
      action: 'react', message: { seq: 1, from: 'bob', text: 'a', ts: 1 } });
  }
  await settle();
  assert.equal(alice.store.conv('#general').heldUpdates.size, MAX_HELD_UPDATES);
  server.edit('bob', '#general', 1, 'a, edited'); // rev 1, in order, still applied
  await settle();
  assert.equal(message(alice, '#general', 1).text, 'a, edited');
});

test('after a reconnect, updates are caught up from the last rev, page by page', async () => {
  const server = world({ historyMax: 3 });
  for (let i = 1; i <= 5; i++) server.store('bob', '#general', `m${i}`);
  const alice = await signedIn(server, 'alice');
  server.edit('bob', '#general', 5, 'm5 edited');
  await settle();
  assert.equal(alice.store.conv('#general').rev, 1);

  server.down = true;
  server.dropAll();
  await settle();
  server.remove('bob', '#general', 3);
  server.react('alice', '#general', 4, '❤️', true);
  server.edit('bob', '#general', 5, 'm5 again');
  server.edit('bob', '#general', 4, 'm4 edited');
  server.received.length = 0;
  server.down = false;
  await alice.timers.advance(60000);
  assert.equal(alice.conn.state, 'online');
  assert.deepEqual(server.requests('updates').map((f) => f.afterRev), [1, 4],
    'after the last rev seen, then the next page');
  assert.deepEqual(alice.store.conv('#general').messages.map((m) => m.seq), [3, 4, 5]);
  assert.equal(message(alice, '#general', 3).deleted, true);
  assert.deepEqual(message(alice, '#general', 4).reactions, { '❤️': ['alice'] });
  assert.equal(message(alice, '#general', 4).text, 'm4 edited');
  assert.equal(message(alice, '#general', 5).text, 'm5 again');
  assert.equal(alice.store.conv('#general').rev, 5);
});

test('edit, delete and react send what the server expects; the update shows the result', async () => {
  const server = world();
  const alice = await signedIn(server, 'alice');
  alice.client.outbox.send('#general', 'my message');
  await settle();
  await alice.client.messages.edit('#general', 1, 'my edited message');
  await alice.client.messages.react('#general', 1, '👍');
  await settle();
  assert.deepEqual(message(alice, '#general', 1).reactions, { '👍': ['alice'] });
  await alice.client.messages.react('#general', 1, '👍');
  await settle();
  assert.deepEqual(server.requests('react').map((f) => f.on), [true, false],
    'the second click takes the reaction back');
  assert.equal(message(alice, '#general', 1).reactions, undefined);
  assert.equal(message(alice, '#general', 1).text, 'my edited message');
  await assert.rejects(alice.client.messages.edit('#general', 1, '   '), /cannot be empty/);
  await alice.client.messages.remove('#general', 1);
  await settle();
  assert.equal(message(alice, '#general', 1).deleted, true);
  assert.deepEqual(server.requests('edit').map((f) => [f.conv, f.seq, f.text]),
    [['#general', 1, 'my edited message']]);
  assert.deepEqual(server.requests('delete').map((f) => [f.conv, f.seq]), [['#general', 1]]);
});

test('a reply carries replyTo, also when it waited in the outbox; my mentions come from the event', async () => {
  const server = world();
  server.store('bob', '#general', 'question?');
  const alice = await signedIn(server, 'alice');
  alice.client.outbox.send('#general', 'answer for @bob', { replyTo: 1 });
  await settle();
  assert.deepEqual(server.requests('send').map((f) => f.replyTo), [1]);
  const reply = message(alice, '#general', 2);
  assert.equal(reply.replyTo, 1);
  assert.deepEqual(reply.mentions, ['bob']);
});

test('a reply written offline keeps its replyTo in the saved outbox, across a reload', async () => {
  const server = world();
  server.store('bob', '#general', 'question?');
  const alice = await signedIn(server, 'alice');
  server.down = true;
  server.dropAll();
  await settle();
  alice.client.outbox.send('#general', 'offline answer', { replyTo: 1 });
  const saved = JSON.parse(alice.storage.getItem('chat.outbox'));
  assert.deepEqual(saved.items.map((i) => [i.text, i.replyTo]), [['offline answer', 1]]);
  server.down = false;
  const again = await signedIn(server, 'alice', alice.storage); // the reloaded page
  await again.timers.advance(1000);
  assert.deepEqual(server.requests('send').map((f) => [f.text, f.replyTo]),
    [['offline answer', 1]]);
  assert.equal(again.store.conv('#general').bySeq.get(2).replyTo, 1);
});

test('new live messages from others reach onIncoming; catch-up and my own do not', async () => {
  const server = world();
  server.store('bob', '@alice', 'before');
  const alice = await signedIn(server, 'alice');
  const heard = [];
  alice.client.onIncoming = (m) => heard.push(`${m.conv} ${m.text}`);
  server.store('bob', '@alice', 'live');
  server.store('alice', '#general', 'mine');
  await settle();
  assert.deepEqual(heard, ['@bob live']);
});
