// What deserves a system notification beyond a live message: what the catch-up after a
// reconnect brings (once each, a summary when many), and an edit that newly mentions me. The
// pure rules, then the client's reports against the in-memory server.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mentionedAnew, notificationsFor, worthNotifying } from '../js/messageRules.js';
import { signedIn } from './clients.js';
import { FakeServer, settle } from './fakes.js';

const msg = (conv, seq, from, text, extra = {}) => ({ conv, seq, from, text, ts: seq, ...extra });

test('worth notifying: others\' direct messages and mentions of me, not blocked, not deleted', () => {
  assert.ok(worthNotifying(msg('@bob', 1, 'bob', 'hi'), 'alice'));
  assert.ok(worthNotifying(msg('#a', 1, 'bob', '@alice', { mentions: ['alice'] }), 'alice'));
  assert.ok(!worthNotifying(msg('#a', 1, 'bob', 'plain'), 'alice'));
  assert.ok(!worthNotifying(msg('@bob', 1, 'alice', 'mine'), 'alice'));
  assert.ok(!worthNotifying(msg('@bob', 1, 'bob', 'hi'), 'alice', new Set(['bob'])));
  assert.ok(!worthNotifying(msg('@bob', 1, 'bob', '', { deleted: true }), 'alice'));
});

test('an edit mentions me anew only when the message did not mention me before', () => {
  const now = msg('#a', 1, 'bob', 'ping @alice', { mentions: ['alice'] });
  assert.ok(mentionedAnew(false, now, 'alice'));
  assert.ok(!mentionedAnew(true, now, 'alice'), 'it already did');
  assert.ok(!mentionedAnew(false, { ...now, mentions: ['carol'] }, 'alice'));
  assert.ok(!mentionedAnew(false, { ...now, from: 'alice' }, 'alice'), 'my own');
  assert.ok(!mentionedAnew(false, { ...now, deleted: true }, 'alice'));
});

test('live messages of one conversation replace each other: a flood shows one notification', () => {
  const tags = new Set();
  for (let seq = 1; seq <= 100; seq++) {
    for (const n of notificationsFor([msg('@mallory', seq, 'mallory', `spam ${seq}`)], { me: 'alice' })) {
      tags.add(n.tag);
    }
  }
  assert.deepEqual([...tags], ['@mallory']);
});

test('a batch notifies per conversation up to three messages, else one summary; never twice', () => {
  const dm = (seq) => msg('@bob', seq, 'bob', `dm ${seq}`);
  const few = notificationsFor([dm(1), dm(2), msg('#a', 3, 'carol', 'plain'), dm(1)], { me: 'alice' });
  assert.deepEqual(few.map((n) => [n.title, n.body, n.tag, n.conv, n.keys]),
    [['bob', 'dm 2', '@bob', '@bob', ['@bob 1', '@bob 2']]], 'one per conversation: its newest');
  const mentioned = msg('#team', 7, 'carol', 'hey @alice', { mentions: ['alice'] });
  assert.deepEqual(notificationsFor([dm(1), mentioned], { me: 'alice' }).map((n) => n.tag),
    ['@bob', '#team']);

  const mention = msg('#team', 9, 'carol', 'hey @alice', { mentions: ['alice'] });
  const many = notificationsFor([dm(1), dm(2), dm(3), mention, msg('#a', 4, 'carol', 'plain')],
    { me: 'alice' });
  assert.equal(many.length, 1);
  assert.deepEqual([many[0].title, many[0].body, many[0].conv], ['4 new messages', 'In @bob and #team', null]);
  assert.deepEqual(many[0].keys, ['@bob 1', '@bob 2', '@bob 3', '#team 9']);
  const oneConv = notificationsFor([dm(1), dm(2), dm(3), dm(4)], { me: 'alice' });
  assert.deepEqual([oneConv[0].title, oneConv[0].body, oneConv[0].conv], ['4 new messages', 'In @bob', '@bob']);

  const notified = new Set(['@bob 1', '@bob 2']);
  assert.deepEqual(notificationsFor([dm(1), dm(2), dm(5)], { me: 'alice', notified }).map((n) => n.keys),
    [['@bob 5']]);
  const spread = ['@a', '@b', '@c', '@d', '@e'].map((conv, i) => msg(conv, 1, conv.slice(1), `x${i}`));
  assert.equal(notificationsFor(spread, { me: 'alice' })[0].body, 'In @a, @b and 3 more');
});

function world() {
  const server = new FakeServer({ features: ['edit', 'reply'] });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  return server;
}

async function reconnect(c, server, whileAway) {
  server.down = true;
  server.dropAll();
  await settle();
  whileAway();
  server.down = false;
  await c.timers.advance(60000);
  assert.equal(c.conn.state, 'online');
}

test('the catch-up after a reconnect reports what arrived unread, once; the first load does not', async () => {
  const server = world();
  server.store('bob', '@alice', 'old direct message');
  server.store('bob', '#general', 'old @alice', 'c-old');
  const alice = await signedIn(server, 'alice');
  const reports = [];
  alice.client.onCaughtUp = (messages) => reports.push(messages.map((m) => `${m.conv} ${m.text}`));
  alice.client.onIncoming = (m) => reports.push(`live ${m.text}`);

  await reconnect(alice, server, () => {
    server.store('bob', '@alice', 'while you were away');
    server.store('bob', '#general', 'answered from my phone');
    server.store('alice', '#general', 'from my phone'); // read up to here
    server.store('bob', '#general', 'room news');
    server.store('bob', '@carol', 'not for alice');
  });
  assert.deepEqual(reports, [['@bob while you were away', '#general room news']]);

  // Read on another device meanwhile: nothing to report. A quiet reconnect reports nothing.
  await reconnect(alice, server, () => {
    server.store('bob', '@alice', 'read elsewhere');
    server.convs.get('dm:alice:bob').reads.set('alice', 4);
  });
  await reconnect(alice, server, () => {});
  assert.equal(reports.length, 1);

  // A new direct conversation started while away is reported too.
  server.addUser('dave');
  await reconnect(alice, server, () => server.store('dave', '@alice', 'hi, I am new'));
  assert.deepEqual(reports[1], ['@dave hi, I am new']);
});

test('an edit that newly mentions me is reported once, live or through the catch-up', async () => {
  const server = world();
  server.store('bob', '#general', 'hello all');
  server.store('bob', '#general', 'second');
  server.store('bob', '#general', 'ping @alice');
  const alice = await signedIn(server, 'alice');
  const heard = [];
  alice.client.onMentionedInEdit = (m) => heard.push(`edit ${m.seq} ${m.text}`);
  alice.client.onCaughtUp = (messages) => heard.push(messages.map((m) => `caught ${m.seq} ${m.text}`));

  server.edit('bob', '#general', 1, 'hello all, and @alice');
  await settle();
  assert.deepEqual(heard, ['edit 1 hello all, and @alice']);
  server.edit('bob', '#general', 1, 'hello all, and @alice!'); // still mentions: not anew
  server.edit('bob', '#general', 3, 'ping @alice again');
  server.edit('bob', '#general', 2, 'second, @bob'); // mentions someone else
  await settle();
  assert.equal(heard.length, 1);

  await reconnect(alice, server, () => {
    server.edit('bob', '#general', 2, 'second, @alice');
  });
  assert.deepEqual(heard[1], ['caught 2 second, @alice']);
  assert.equal(heard.length, 2);
});
