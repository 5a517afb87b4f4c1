// The Store: message lists stay sorted and free of duplicates, syncedSeq tracks what is known
// without gaps, the outbox's local echoes give way to the server's copies, and the
// `conversations` reply decides which conversations remain.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Store } from '../js/store.js';

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

test('subscribers hear about changes', () => {
  const store = storeAs();
  const heard = [];
  const unsubscribe = store.subscribe((what) => heard.push(what));
  store.changed('x');
  unsubscribe();
  store.changed('y');
  assert.deepEqual(heard, ['x']);
});
