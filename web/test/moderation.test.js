// Running rooms against the in-memory server: topics, bans, roles, handing ownership over,
// deleting a room, an owner's refused leave, and the paged, searchable room directory.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roleOf } from '../js/rules.js';
import { ALL_FEATURES, installSafety } from './fake-safety.js';
import { FakeServer, settle } from './fakes.js';
import { signedIn } from './clients.js';

async function roomWithThree() {
  const server = installSafety(new FakeServer({ features: ALL_FEATURES }));
  server.createRoom('general', 'olga', { topic: 'Hello', members: ['mo', 'max'] })
    .members.set('mo', 'moderator');
  const olga = await signedIn(server, 'olga');
  const mo = await signedIn(server, 'mo');
  const max = await signedIn(server, 'max');
  for (const c of [olga, mo, max]) await c.client.rooms.loadMembers('#general');
  return { server, olga, mo, max };
}

test('a topic change reaches every member', async () => {
  const { olga, mo, max } = await roomWithThree();
  await olga.client.moderation.setTopic('#general', '  Release day  ');
  await settle();
  for (const c of [olga, mo, max]) assert.equal(c.store.conv('#general').topic, 'Release day');
  await assert.rejects(max.client.moderation.setTopic('#general', 'mine now'), /not allowed/);
});

test('roles: make moderator, make member, and handing ownership over', async () => {
  const { olga, mo, max } = await roomWithThree();
  await olga.client.moderation.setRole('#general', 'max', 'moderator');
  await settle();
  for (const c of [olga, mo, max]) {
    assert.equal(roleOf(c.store.conv('#general').members, 'max'), 'moderator');
  }
  assert.ok(max.notices.includes('You are now a moderator of #general.'));
  await olga.client.moderation.setRole('#general', 'max', 'member');
  await olga.client.moderation.transferOwnership('#general', 'mo');
  await settle();
  for (const c of [olga, mo, max]) {
    const members = c.store.conv('#general').members;
    assert.deepEqual(['olga', 'mo', 'max'].map((u) => roleOf(members, u)),
      ['moderator', 'owner', 'member'], 'seen by ' + c.store.me);
  }
  await assert.rejects(olga.client.moderation.setRole('#general', 'max', 'moderator'),
    /owner only/);
});

test('a banned member loses the room; the banned list and unban', async () => {
  const { server, olga, mo, max } = await roomWithThree();
  max.client.rooms.open('#general');
  await mo.client.moderation.ban('#general', 'max');
  await settle();
  assert.equal(max.store.conv('#general'), null, 'dropped like a kick');
  assert.equal(max.store.activeConv, null);
  assert.ok(max.notices.includes('You were banned from #general.'));
  for (const c of [olga, mo]) {
    assert.deepEqual(c.store.conv('#general').members.map((m) => m.user), ['olga', 'mo']);
  }
  assert.deepEqual(await olga.client.moderation.loadBans('#general'), ['max']);
  await assert.rejects(max.client.rooms.join('general'), /You are banned from #general./);
  await assert.rejects(mo.client.moderation.ban('#general', 'olga'), /not allowed/);

  await mo.client.moderation.unban('#general', 'max');
  await settle();
  assert.deepEqual(olga.store.conv('#general').bans, [], 'the unban event reached the owner');
  assert.equal(server.bans.get('#general').size, 0);
  await max.client.rooms.join('general');
  assert.ok(max.store.conv('#general'));
});

test('deleting a room removes it everywhere; whoever had it open hears why', async () => {
  const { olga, mo, max } = await roomWithThree();
  mo.client.rooms.open('#general');
  await assert.rejects(mo.client.moderation.deleteRoom('#general'), /owner only/);
  await olga.client.moderation.deleteRoom('#general');
  await settle();
  for (const c of [olga, mo, max]) assert.equal(c.store.conv('#general'), null);
  assert.equal(mo.store.activeConv, null);
  assert.ok(mo.notices.includes('#general was deleted.'));
  assert.ok(!max.notices.some((n) => /deleted/.test(n)), 'not open there: no notice');
});

test('an owner\'s leave is refused with the server\'s words', async () => {
  const { olga, max } = await roomWithThree();
  await assert.rejects(olga.client.rooms.leave('#general'),
    /Give the room to someone else before leaving it/);
  assert.ok(olga.store.conv('#general'));
  await max.client.rooms.leave('#general');
  assert.equal(max.store.conv('#general'), null);
});

test('the directory searches and reads one page at a time', async () => {
  const server = installSafety(new FakeServer({ features: ALL_FEATURES }));
  for (let i = 0; i < 70; i++) server.createRoom(`room-${String(i).padStart(2, '0')}`, 'olga');
  server.createRoom('release', 'olga', { topic: 'Shipping notes' });
  server.createRoom('notes', 'olga', { topic: 'Anything' });
  const alice = await signedIn(server, 'alice');
  const dir = alice.client.directory;

  let page = await dir.search('');
  assert.equal(page.rooms.length, 30);
  assert.equal(page.more, true);
  page = await dir.more();
  page = await dir.more();
  assert.equal(page.rooms.length, 72);
  assert.equal(page.more, false);
  assert.equal(new Set(page.rooms.map((r) => r.room)).size, 72, 'no room twice');
  const asked = server.requests('rooms').slice(-3);
  assert.deepEqual(asked.map((f) => f.after), [undefined, '#room-27', '#room-57']);

  page = await dir.search('not');
  assert.deepEqual(page.rooms.map((r) => r.room), ['#notes', '#release'], 'name or topic word');
  assert.equal(page.more, false);
  assert.equal(alice.store.roomInfo.get('#release').topic, 'Shipping notes');
});

test('a late page of an earlier search does not overwrite the current one', async () => {
  const server = installSafety(new FakeServer({ features: ALL_FEATURES }));
  server.createRoom('alpha', 'olga');
  server.createRoom('beta', 'olga');
  const alice = await signedIn(server, 'alice');
  const dir = alice.client.directory;
  const first = dir.search('al');
  const second = dir.search('be');
  await Promise.all([first, second]);
  assert.deepEqual(dir.state.rooms.map((r) => r.room), ['#beta']);
  assert.equal(dir.state.query, 'be');
});
