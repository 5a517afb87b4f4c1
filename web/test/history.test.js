// Showing a message anywhere in the history (a search result, what a reply answers) against the
// in-memory server: the page around it, the hole it leaves and filling it from either side, small
// holes closed at once, and the live view going on as before (new messages, catch-up after a
// reconnect, scrolling back). Also the timeline's rows for holes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, holesIn } from '../js/logic.js';
import { CATCH_UP_MAX } from '../js/client.js';
import { signedIn } from './clients.js';
import { FakeServer, settle } from './fakes.js';

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqs = (c, conv) => c.store.conv(conv).messages.map((m) => m.seq);

function world(count) {
  const server = new FakeServer({ features: ['search', 'reply'] });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  for (let i = 1; i <= count; i++) server.store('bob', '#general', `m${i}`);
  return server;
}

test('holes are the seqs missing between held messages', () => {
  const m = (seq) => ({ seq });
  assert.deepEqual(holesIn([m(1), m(2), m(5), m(6), m(10), { seq: null }]),
    [{ after: 2, before: 5, count: 2 }, { after: 6, before: 10, count: 3 }]);
  assert.deepEqual(holesIn([m(3), m(4)]), []);
  assert.deepEqual(holesIn([]), []);
});

test('the timeline shows a hole as a row, names the day again and does not group across it', () => {
  const day = new Date(2024, 2, 5, 10).getTime();
  const msg = (seq) => ({ seq, from: 'bob', text: `m${seq}`, ts: day + seq * 1000, cid: `c${seq}` });
  const items = buildTimeline([msg(1), msg(2), msg(40), msg(41)], { me: 'alice', now: day });
  assert.deepEqual(items.map((i) => (i.kind === 'message' ? i.message.seq : i.kind)),
    ['day', 1, 2, 'gap', 'day', 40, 41]);
  const gap = items[3];
  assert.deepEqual([gap.after, gap.before, gap.count], [2, 40, 37]);
  assert.equal(new Set(items.map((i) => i.key)).size, items.length, 'keys stay unique');
  assert.equal(items.find((i) => i.message?.seq === 40).continued, false);
  assert.equal(items.find((i) => i.message?.seq === 41).continued, true);
  const pending = { cid: 'p', from: 'alice', text: 'x', ts: day + 99000, state: 'queued' };
  assert.ok(!buildTimeline([msg(1), msg(2), pending], { me: 'alice', now: day })
    .some((i) => i.kind === 'gap'), 'a pending message is no hole');
});

test('showing a message far back loads the history around it and leaves a hole', async () => {
  const server = world(300);
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  assert.deepEqual(seqs(alice, '#general'), range(251, 300));
  server.received.length = 0;

  assert.equal(await alice.client.history.show('#general', 100), true);
  assert.deepEqual(server.requests('history').map(({ before, after, limit }) => ({ before, after, limit })),
    [{ before: 101, after: undefined, limit: 25 }, { before: undefined, after: 100, limit: 25 }]);
  const conv = alice.store.conv('#general');
  assert.deepEqual(seqs(alice, '#general'), [...range(76, 125), ...range(251, 300)]);
  assert.deepEqual(holesIn(conv.messages), [{ after: 125, before: 251, count: 125 }]);
  assert.deepEqual(alice.store.jumpTarget, { conv: '#general', seq: 100 });
  assert.equal(conv.oldestSeq, 76);
  assert.equal(conv.hasOlder, true);
  assert.equal(conv.syncedSeq, 300, 'the newest run is still complete');
  assert.equal(alice.store.hasGap('#general'), false, 'no catch-up is started for the hole');

  // Filling from below reads on after 125; from above reads back before 251.
  await alice.client.history.fillHole('#general', 125, 'after');
  await alice.client.history.fillHole('#general', 175, 'before');
  assert.deepEqual(holesIn(conv.messages), [{ after: 175, before: 201, count: 25 }]);
  assert.deepEqual(server.requests('history').slice(2).map(({ before, after, limit }) => ({ before, after, limit })),
    [{ before: undefined, after: 125, limit: 50 }, { before: 251, after: undefined, limit: 50 }]);
  await alice.client.history.fillHole('#general', 175, 'after');
  assert.deepEqual(seqs(alice, '#general'), range(76, 300), 'the hole is closed');
  assert.equal(conv.fillingHole, false);

  // Scrolling back goes on from the oldest held.
  await alice.client.loadOlder('#general');
  assert.equal(conv.oldestSeq, 26);
});

test('a message already held is pointed out without asking; a near one closes the hole at once', async () => {
  const server = world(130);
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  server.received.length = 0;
  assert.equal(await alice.client.history.show('#general', 120), true);
  assert.equal(server.requests('history').length, 0);
  assert.deepEqual(alice.store.jumpTarget, { conv: '#general', seq: 120 });

  // 7 is 74 messages before the oldest held (81): the window 1..32 leaves a hole of 48, filled.
  assert.equal(await alice.client.history.show('#general', 7), true);
  assert.deepEqual(seqs(alice, '#general'), range(1, 130));
  const conv = alice.store.conv('#general');
  assert.equal(conv.hasOlder, false, 'the beginning is reached');
  assert.equal(await alice.client.history.show('#general', 500), false, 'no such message');
  assert.equal(await alice.client.history.show('#nowhere', 1), false);
});

test('a message in another conversation is held but not pointed out there', async () => {
  const server = world(80);
  server.store('bob', '@alice', 'hello');
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('@bob');
  assert.equal(await alice.client.history.show('#general', 3), true);
  assert.ok(alice.store.conv('#general').bySeq.has(3));
  assert.equal(alice.store.jumpTarget, null);
  alice.store.jumpTarget = { conv: '@bob', seq: 1 };
  alice.client.rooms.open('#general');
  assert.equal(alice.store.jumpTarget, null, 'opening another conversation drops it');
});

test('after a jump far back, live messages and the catch-up after a reconnect go on', async () => {
  const server = world(300);
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  await alice.client.history.show('#general', 10);
  const conv = alice.store.conv('#general');
  const holes = holesIn(conv.messages);
  assert.equal(holes.length, 1);

  server.store('bob', '#general', 'live one');
  await settle();
  assert.equal(conv.messages[conv.messages.length - 1].text, 'live one');
  assert.equal(conv.syncedSeq, 301);

  server.down = true;
  server.dropAll();
  await settle();
  for (let i = 0; i < 3; i++) server.store('bob', '#general', `offline ${i}`);
  server.received.length = 0;
  server.down = false;
  await alice.timers.advance(60000);
  assert.equal(alice.conn.state, 'online');
  assert.deepEqual(server.requests('history').map(({ conv: c, after }) => [c, after]),
    [['#general', 301]], 'catch-up asks only after the newest held');
  assert.equal(conv.syncedSeq, 304);
  assert.deepEqual(holesIn(conv.messages), holes, 'the hole is left as it was');
});

test('a conversation far behind after a reconnect catches up with its latest page and a hole', async () => {
  const server = world(300);
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  const conv = alice.store.conv('#general');
  assert.deepEqual(seqs(alice, '#general'), range(251, 300));

  server.down = true;
  server.dropAll();
  await settle();
  const missed = CATCH_UP_MAX + 1;
  for (let i = 1; i <= missed; i++) server.store('bob', '#general', `while away ${i}`);
  server.received.length = 0;
  server.down = false;
  await alice.timers.advance(60000);
  assert.equal(alice.conn.state, 'online');
  assert.deepEqual(server.requests('history').map(({ after, before, limit }) => ({ after, before, limit })),
    [{ after: undefined, before: undefined, limit: 50 }], 'the latest page only');
  const last = 300 + missed;
  assert.deepEqual(seqs(alice, '#general'), [...range(251, 300), ...range(last - 49, last)]);
  assert.deepEqual(holesIn(conv.messages), [{ after: 300, before: last - 49, count: missed - 50 }]);
  assert.equal(conv.syncedSeq, last);
  assert.equal(alice.store.hasGap('#general'), false);

  // Reading on from where alice left off.
  await alice.client.history.fillHole('#general', 300, 'after');
  assert.equal(conv.messages.find((m) => m.seq === 301).text, 'while away 1');

  // Exactly CATCH_UP_MAX behind is paged through as before.
  server.down = true;
  server.dropAll();
  await settle();
  for (let i = 1; i <= CATCH_UP_MAX; i++) server.store('bob', '#general', `again ${i}`);
  server.received.length = 0;
  server.down = false;
  await alice.timers.advance(60000);
  assert.equal(alice.conn.state, 'online');
  assert.deepEqual(server.requests('history').map(({ after }) => after), [last, last + 200, last + 400]);
  assert.equal(conv.syncedSeq, last + CATCH_UP_MAX);
  assert.equal(holesIn(conv.messages).length, 1, 'only the hole left before');
});

test('a history reply with more messages than asked for is cut to the limit', async () => {
  const server = world(10);
  server.hooks.history = (socket, frame) => {
    if (frame.before != null || frame.after != null) return undefined;
    const messages = range(1, 20000).map((seq) => ({ seq, from: 'bob', text: `m${seq}`, ts: seq, cid: `c${seq}` }));
    server.push(socket, { type: 'ok', re: frame.id, conv: frame.conv, messages, more: true });
    return 'handled';
  };
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  await settle();
  assert.deepEqual(seqs(alice, '#general'), range(19951, 20000), 'the newest 50 asked for');
});

test('the message a reply answers is shown the same way, also far back', async () => {
  const server = world(300);
  server.store('bob', '#general', 'about m2', undefined, { replyTo: 2 });
  const alice = await signedIn(server, 'alice');
  alice.client.rooms.open('#general');
  assert.equal(await alice.client.history.show('#general', 2), true);
  assert.ok(alice.store.conv('#general').bySeq.has(2));
  assert.deepEqual(alice.store.jumpTarget, { conv: '#general', seq: 2 });
});
