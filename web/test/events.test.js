// Live presence and member events on the store's member lists: the right entries change, in
// every loaded list, and a presence event does not walk the lists (rooms of many thousands).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveEvents } from '../js/events.js';
import { Store } from '../js/store.js';

function eventsWith(rooms) {
  const store = new Store();
  store.me = 'alice';
  for (const [id, members] of Object.entries(rooms)) {
    store.ensureConv(id, 0).members = members;
  }
  const client = { store, now: () => 0, background() {}, onNotice() {}, setTimer() {} };
  return { store, events: new LiveEvents(client) };
}

const member = (user, online = false) => ({ user, role: 'member', online });

test('a presence event marks the user in every loaded member list', () => {
  const { store, events } = eventsWith({
    '#a': [member('alice', true), member('bob')],
    '#b': [member('bob'), member('carol')],
  });
  events.apply({ type: 'presence', user: 'bob', online: true });
  assert.equal(store.conv('#a').members[1].online, true);
  assert.equal(store.conv('#b').members[0].online, true);
  assert.equal(store.conv('#b').members[1].online, false);
  assert.equal(store.presence.get('bob'), true);
  events.apply({ type: 'presence', user: 'bob', online: false });
  assert.equal(store.conv('#a').members[1].online, false);
});

test('a presence event after a member event finds the new list entries', () => {
  const { store, events } = eventsWith({ '#a': [member('alice', true), member('bob')] });
  events.apply({ type: 'presence', user: 'bob', online: true });
  events.apply({ type: 'member', conv: '#a', user: 'dave', action: 'join' });
  events.apply({ type: 'member', conv: '#a', user: 'bob', action: 'role', role: 'moderator' });
  events.apply({ type: 'presence', user: 'dave', online: false });
  events.apply({ type: 'presence', user: 'bob', online: false });
  const byUser = Object.fromEntries(store.conv('#a').members.map((m) => [m.user, m]));
  assert.equal(byUser.dave.online, false);
  assert.equal(byUser.bob.online, false);
  assert.equal(byUser.bob.role, 'moderator');
});

test('presence events look a user up without walking the member lists', () => {
  let reads = 0;
  const counted = (user) => {
    const m = { role: 'member', online: false };
    Object.defineProperty(m, 'user', { get() { reads++; return user; }, enumerable: true });
    return m;
  };
  const big = [];
  for (let i = 0; i < 5000; i++) big.push(counted(`u${i}`));
  const { store, events } = eventsWith({ '#big': big, '#other': [counted('u4999')] });
  events.apply({ type: 'presence', user: 'u4999', online: true }); // the first may index a list
  reads = 0;
  for (let i = 0; i < 100; i++) {
    events.apply({ type: 'presence', user: `u${4900 + i}`, online: true });
  }
  assert.ok(reads < 100, `${reads} member entries read for 100 presence events`);
  assert.equal(store.conv('#big').members[4950].online, true);
  assert.equal(store.conv('#other').members[0].online, true);
});
