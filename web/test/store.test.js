// The Store: message lists stay sorted and free of duplicates, syncedSeq tracks what is known
// without gaps, the outbox's local echoes give way to the server's copies, and the
// `conversations` reply decides which conversations remain.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, holesIn } from '../js/logic.js';
import {
  HELD_MAX, KEEP_AROUND, KEEP_NEWEST, KEEP_NEWEST_WHILE_BACK, MAX_CONVERSATIONS, Store,
} from '../js/store.js';

const msg = (seq, from = 'bob', extra = {}) => ({ seq, from, text: `m${seq}`, ts: 1000 + seq, cid: `c${seq}`, ...extra });

function storeAs(me = 'alice') {
  const store = new Store();
  store.me = me;
  return store;
}

test('messages are deduplicated by seq and kept in ascending order', () => {
  const store = storeAs();
  assert.equal(store.addMessages('#a', [msg(3), msg(1)]).length, 2);
  assert.equal(store.addMessages('#a', [msg(2), msg(3), msg(1)]).length, 1);
  store.addMessages('#a', [msg(10), msg(5)]);
  const conv = store.conv('#a');
  assert.deepEqual(conv.messages.map((m) => m.seq), [1, 2, 3, 5, 10]);
  assert.equal(conv.lastSeq, 10);
  assert.equal(conv.oldestSeq, 1);
  assert.equal(conv.activity, 1010);
});

test('invalid seqs are ignored', () => {
  const store = storeAs();
  assert.equal(store.addMessages('#a', [msg(0), msg(-1), msg(1.5), { ...msg(1), seq: '1' }]).length, 0);
  // Past 2^53 a number + 1 is itself: syncedSeq would be moved over it forever.
  assert.equal(store.addMessages('#a', [msg(2 ** 53), msg(1e300)]).length, 0);
  store.markSynced('#a', 1e300);
  assert.equal(store.conv('#a').syncedSeq, null);
});

test('fields of the wrong type are made harmless, and a huge text is cut', () => {
  const store = storeAs();
  store.addMessages('#a', [
    msg(1, 'bob', { ts: undefined, text: 'x'.repeat(1e6) }),
    msg(2, 'bob', { ts: 1e300, edited: 'soon', mentions: ['alice', [['deep']], 5] }),
    msg(3, 7, { text: { not: 'text' }, cid: {}, reactions: JSON.parse('{"👍":["a",["b"]],"__proto__":["c"],"x":"y"}') }),
  ]);
  const [one, two, three] = store.conv('#a').messages;
  assert.equal(one.ts, 0);
  assert.ok(one.text.length <= 16000);
  assert.equal(two.ts, 0);
  assert.equal(two.edited, 0);
  assert.deepEqual(two.mentions, ['alice']);
  assert.equal(three.from, '');
  assert.equal(three.text, '');
  assert.equal(three.cid, null);
  assert.deepEqual(Object.keys(three.reactions), ['👍', '__proto__']);
  assert.deepEqual(three.reactions['👍'], ['a']);
  assert.equal(Object.getPrototypeOf(three.reactions), Object.prototype, 'no prototype set');
  assert.doesNotThrow(() => buildTimeline(store.conv('#a').messages, { me: 'alice' }));
});

test('a conversations reply makes at most MAX_CONVERSATIONS known', () => {
  const store = storeAs();
  const list = Array.from({ length: MAX_CONVERSATIONS + 5000 }, (_, i) => ({ conv: `@u${i}`, lastSeq: 1, readSeq: 0 }));
  store.applyConversations(list);
  assert.equal(store.convs.size, MAX_CONVERSATIONS);
  assert.ok(store.conv('@u0') && !store.conv(`@u${MAX_CONVERSATIONS}`));
  assert.doesNotThrow(() => store.applyConversations({ not: 'a list' }));
});

test('conversations entries that name no conversation, or with seqs that are no counts, are skipped', () => {
  const store = storeAs();
  assert.doesNotThrow(() => store.applyConversations([null, { conv: 5 }, { conv: '' }, { conv: 'x' },
    { conv: '#ok', lastSeq: {}, readSeq: -3 }]));
  assert.deepEqual([...store.convs.keys()], ['#ok']);
  assert.equal(store.conv('#ok').lastSeq, 0);
  assert.equal(store.conv('#ok').readSeq, 0);
});

test('syncedSeq advances only over messages known without a gap', () => {
  const store = storeAs();
  store.addMessages('#a', [msg(1), msg(2)]);
  assert.equal(store.conv('#a').syncedSeq, null, 'unknown until a page of history says so');
  store.markSynced('#a', 2);
  assert.equal(store.conv('#a').syncedSeq, 2);
  store.addMessages('#a', [msg(3)]);
  assert.equal(store.conv('#a').syncedSeq, 3);
  store.addMessages('#a', [msg(6)]);
  assert.equal(store.conv('#a').syncedSeq, 3);
  assert.ok(store.hasGap('#a'));
  store.addMessages('#a', [msg(5), msg(4)]);
  assert.equal(store.conv('#a').syncedSeq, 6);
  assert.ok(!store.hasGap('#a'));
});

test('a lastSeq ahead of what we have is a gap', () => {
  const store = storeAs();
  store.addMessages('#a', [msg(1)]);
  store.markSynced('#a', 1);
  store.applyConversations([{ conv: '#a', lastSeq: 4, readSeq: 1 }]);
  assert.ok(store.hasGap('#a'));
});

test("the server's copy of an own message replaces its local echo (matched by cid)", () => {
  const store = storeAs();
  store.enqueue({ conv: '@bob', text: 'hi', cid: 'k1', ts: 5 });
  store.enqueue({ conv: '@bob', text: 'again', cid: 'k2', ts: 6 });
  assert.equal(store.pendingFor('@bob').length, 2);
  store.addMessages('@bob', [msg(1, 'bob', { cid: 'k1' })]);
  assert.equal(store.pendingFor('@bob').length, 2, "someone else's cid does not match");
  store.addMessages('@bob', [msg(2, 'alice', { cid: 'k1', text: 'hi' })]);
  assert.deepEqual(store.pendingFor('@bob').map((i) => i.cid), ['k2']);
});

test('own messages count as read', () => {
  const store = storeAs();
  store.applyConversations([{ conv: '#a', lastSeq: 2, readSeq: 0 }]);
  store.addMessages('#a', [msg(3, 'alice')]);
  assert.equal(store.conv('#a').readSeq, 3);
  assert.equal(store.totalUnread(), 0);
});

test('conversations: the server decides read markers and which rooms remain', () => {
  const store = storeAs();
  store.addMessages('#gone', [msg(1)]);
  store.addMessages('@old', [msg(1)]);
  store.ensureConv('@draft');
  store.applyConversations([{ conv: '#general', lastSeq: 41, readSeq: 39 }, { conv: '@bob', lastSeq: 3, readSeq: 3 }]);
  assert.deepEqual([...store.convs.keys()].sort(), ['#general', '@bob', '@draft']);
  assert.equal(store.conv('@draft').onServer, false, 'a local draft stays, but is not on the server');
  assert.equal(store.totalUnread(), 2);
  store.setReadSeq('#general', 41);
  assert.equal(store.totalUnread(), 0);
  assert.equal(store.setReadSeq('#general', 40), false, 'read markers never move back');
});

test('leaving a conversation drops its outbox and closes it', () => {
  const store = storeAs();
  store.enqueue({ conv: '#a', text: 'x', cid: 'c', ts: 1 });
  store.activeConv = '#a';
  store.pane = 'conversation';
  store.removeConv('#a');
  assert.equal(store.outbox.length, 0);
  assert.equal(store.activeConv, null);
  assert.equal(store.pane, 'list');
});

test('a new epoch drops every message and seq but keeps the conversations', () => {
  const store = storeAs();
  store.addMessages('#a', [msg(1), msg(2)]);
  store.markSynced('#a', 2);
  store.applyRooms([{ room: '#a', topic: 'T', private: true, members: 2, joined: true }]);
  store.dropHistory();
  const conv = store.conv('#a');
  assert.equal(conv.messages.length, 0);
  assert.equal(conv.syncedSeq, null);
  assert.equal(conv.lastSeq, 0);
  assert.equal(conv.topic, 'T');
});

test('a saved outbox is restored, failed items stay failed, junk is skipped', () => {
  const store = storeAs();
  store.restoreOutbox([
    { conv: '#a', text: 'one', cid: 'c1', ts: 1, state: 'queued' },
    { conv: '#a', text: 'two', cid: 'c2', ts: 2, state: 'failed', error: 'nope' },
    { conv: 5, text: 'bad' },
    null,
  ]);
  assert.deepEqual(store.outbox.map((i) => [i.cid, i.state]), [['c1', 'queued'], ['c2', 'failed']]);
});

const seqRange = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

/** '#a' open, holding messages 1..count, all synced. */
function holding(count) {
  const store = storeAs();
  store.activeConv = '#a';
  store.addMessages('#a', seqRange(1, count));
  store.markSynced('#a', count);
  return store;
}

test('a conversation holding more than HELD_MAX forgets its oldest while the newest are in view', () => {
  const store = holding(HELD_MAX);
  assert.equal(store.trim('#a'), false, 'HELD_MAX messages are kept');
  store.addMessages('#a', [msg(HELD_MAX + 1)]);
  assert.equal(store.conv('#a').messages.length, HELD_MAX + 1, 'the open one is trimmed by its view');
  assert.equal(store.trim('#a'), true);
  const conv = store.conv('#a');
  const first = HELD_MAX + 2 - KEEP_NEWEST;
  assert.deepEqual(conv.messages.map((m) => m.seq), seqRange(first, HELD_MAX + 1).map((m) => m.seq));
  assert.equal(conv.bySeq.size, KEEP_NEWEST);
  assert.ok(!conv.bySeq.has(first - 1) && conv.bySeq.has(first));
  assert.equal(conv.oldestSeq, first);
  assert.equal(conv.hasOlder, true, 'scrolling back loads them again');
  assert.equal(conv.syncedSeq, HELD_MAX + 1);
  assert.equal(store.hasGap('#a'), false);
  assert.deepEqual(holesIn(conv.messages), []);
  // A message forgotten comes back like any history not held.
  assert.equal(store.addMessages('#a', [msg(first - 1)]).length, 1);
});

test('while an older message is in view, the messages around it and the newest stay', () => {
  const count = 3000;
  const store = holding(count);
  assert.equal(store.trim('#a', 1000), true);
  const conv = store.conv('#a');
  const around = seqRange(1000 - KEEP_AROUND, 1000 + KEEP_AROUND);
  const newest = seqRange(count - KEEP_NEWEST_WHILE_BACK + 1, count);
  assert.deepEqual(conv.messages.map((m) => m.seq), [...around, ...newest].map((m) => m.seq));
  assert.deepEqual(holesIn(conv.messages), [{
    after: 1000 + KEEP_AROUND, before: count - KEEP_NEWEST_WHILE_BACK + 1,
    count: count - KEEP_NEWEST_WHILE_BACK - KEEP_AROUND - 1000,
  }]);
  assert.equal(conv.hasOlder, true);
  assert.equal(conv.syncedSeq, count, 'the newest run is still complete');

  // At the very beginning, nothing older is forgotten: hasOlder stays as it was.
  const atStart = holding(count);
  atStart.trim('#a', 1);
  assert.equal(atStart.conv('#a').messages[0].seq, 1);
  assert.equal(atStart.conv('#a').hasOlder, false);
  // Among the newest, it is the same as looking at the newest.
  const near = holding(count);
  near.trim('#a', count - 10);
  assert.equal(near.conv('#a').messages.length, KEEP_NEWEST);
  assert.equal(near.conv('#a').messages[0].seq, count - KEEP_NEWEST + 1);
});

test('a conversation that is not open keeps its newest messages as they arrive', () => {
  const store = storeAs();
  store.activeConv = '#other';
  for (let seq = 1; seq <= 3 * HELD_MAX; seq += 100) {
    store.addMessages('#a', seqRange(seq, seq + 99));
    assert.ok(store.conv('#a').messages.length <= HELD_MAX);
  }
  const conv = store.conv('#a');
  assert.equal(conv.messages[conv.messages.length - 1].seq, 3 * HELD_MAX);
  assert.equal(conv.bySeq.size, conv.messages.length);
});

test('the history being loaded around a message is not forgotten before it is shown', () => {
  const store = holding(HELD_MAX + 10);
  const conv = store.conv('#a');
  conv.loadingAround = true;
  assert.equal(store.trim('#a'), false);
  conv.loadingAround = false;
  assert.equal(store.trim('#a'), true);
});

test('subscribers hear about changes', () => {
  const store = storeAs();
  const heard = [];
  const unsubscribe = store.subscribe((what) => heard.push(what));
  store.changed('x');
  unsubscribe();
  store.changed('y');
  assert.deepEqual(heard, ['x']);
});
