// The pure rules of the second round: features, closes that end the client, hidden messages,
// room roles and what each may do, member events, and directory paging.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addDirectoryPage, applyMemberEvent, canModerate, directoryRequest, hasFeature,
  isHiddenMessage, memberActions, newDirectory, roleOf, roomPermissions, signInEndedText,
  sortMembers,
} from '../js/rules.js';

test('a feature counts only when the server listed it', () => {
  assert.equal(hasFeature(new Set(['block']), 'block'), true);
  assert.equal(hasFeature(new Set(['block']), 'account'), false);
  assert.equal(hasFeature(new Set(), 'block'), false);
  assert.equal(hasFeature(null, 'block'), false, 'no hello yet, or a first-round server');
});

test('1008 closes for a revoked token end the client; other closes reconnect', () => {
  assert.match(signInEndedText({ code: 1008, reason: 'password changed' }), /password was changed/);
  assert.match(signInEndedText({ code: 1008, reason: 'account deleted' }), /account was deleted/);
  assert.equal(signInEndedText({ code: 1008, reason: 'logged out' }), 'You were signed out.');
  for (const reason of ['slow consumer', 'auth timeout', 'flood', '']) {
    assert.equal(signInEndedText({ code: 1008, reason }), null, reason);
  }
  assert.equal(signInEndedText({ code: 1006, reason: 'logged out' }), null, 'only 1008');
  assert.equal(signInEndedText({ code: 1001, reason: 'password changed' }), null);
  assert.equal(signInEndedText(undefined), null);
});

test('messages of blocked users are hidden, my own never', () => {
  const blocked = new Set(['mallory']);
  assert.equal(isHiddenMessage({ from: 'mallory' }, blocked, 'alice'), true);
  assert.equal(isHiddenMessage({ from: 'bob' }, blocked, 'alice'), false);
  assert.equal(isHiddenMessage({ from: 'mallory' }, blocked, 'mallory'), false);
  assert.equal(isHiddenMessage({ from: 'mallory' }, new Set(), 'alice'), false);
  assert.equal(isHiddenMessage(null, blocked, 'alice'), false);
});

const members = [
  { user: 'olga', role: 'owner', online: true },
  { user: 'mo', role: 'moderator', online: false },
  { user: 'max', role: 'member', online: true },
];

test('owners and moderators moderate; only the owner deletes and cannot leave', () => {
  assert.equal(roleOf(members, 'mo'), 'moderator');
  assert.equal(roleOf(members, 'nobody'), null);
  assert.equal(roleOf(null, 'mo'), null);
  assert.equal(canModerate('owner'), true);
  assert.equal(canModerate('moderator'), true);
  assert.equal(canModerate('member'), false);
  assert.equal(canModerate(null), false);
  assert.deepEqual(roomPermissions('owner'),
    { editTopic: true, viewBans: true, invite: true, deleteRoom: true, leave: false });
  assert.deepEqual(roomPermissions('moderator'),
    { editTopic: true, viewBans: true, invite: true, deleteRoom: false, leave: true });
  assert.deepEqual(roomPermissions('member'),
    { editTopic: false, viewBans: false, invite: false, deleteRoom: false, leave: true });
});

test('what each role may do to each member', () => {
  const [olga, mo, max] = members;
  assert.deepEqual(memberActions('owner', max, 'olga'),
    { ban: true, kick: true, makeModerator: true, makeMember: false, transfer: true });
  assert.deepEqual(memberActions('owner', mo, 'olga'),
    { ban: true, kick: true, makeModerator: false, makeMember: true, transfer: true });
  assert.deepEqual(memberActions('moderator', max, 'mo'),
    { ban: true, kick: true, makeModerator: false, makeMember: false, transfer: false });
  const nothing = { ban: false, kick: false, makeModerator: false, makeMember: false, transfer: false };
  assert.deepEqual(memberActions('moderator', olga, 'mo'), nothing, 'nobody bans the owner');
  assert.deepEqual(memberActions('owner', olga, 'olga'), nothing, 'nothing to oneself');
  assert.deepEqual(memberActions('member', mo, 'max'), nothing);
  assert.deepEqual(memberActions(null, max, 'x'), nothing);
});

test('member events keep a member list current', () => {
  const joined = applyMemberEvent(members, { user: 'nia', action: 'join' }, true);
  assert.deepEqual(joined.at(-1), { user: 'nia', role: 'member', online: true });
  assert.equal(applyMemberEvent(joined, { user: 'nia', action: 'invite' }), joined, 'no twice');
  assert.deepEqual(applyMemberEvent(members, { user: 'max', action: 'ban' }).map((m) => m.user),
    ['olga', 'mo']);
  assert.deepEqual(applyMemberEvent(members, { user: 'mo', action: 'kick' }).map((m) => m.user),
    ['olga', 'max']);
  const promoted = applyMemberEvent(members, { user: 'max', action: 'role', role: 'moderator' });
  assert.equal(roleOf(promoted, 'max'), 'moderator');
  assert.equal(roleOf(members, 'max'), 'member', 'the old list is not changed');
  const handedOver = applyMemberEvent(members, { user: 'max', action: 'role', role: 'owner' });
  assert.deepEqual(handedOver.map((m) => m.role), ['moderator', 'moderator', 'owner']);
  assert.equal(applyMemberEvent(members, { user: 'max', action: 'role', role: 'king' }), members);
  assert.equal(applyMemberEvent(members, { user: 'zed', action: 'role', role: 'owner' }), members);
  assert.equal(applyMemberEvent(members, { user: 'max', action: 'unban' }), members);
  assert.equal(applyMemberEvent(null, { user: 'max', action: 'join' }), null, 'not loaded');
});

test('members sort owner first, then moderators, then by name', () => {
  const sorted = sortMembers([
    { user: 'b', role: 'member' }, { user: 'z', role: 'moderator' }, { user: 'a', role: 'member' },
    { user: 'y', role: 'owner' }, { user: 'c', role: 'moderator' },
  ]);
  assert.deepEqual(sorted.map((m) => m.user), ['y', 'c', 'z', 'a', 'b']);
});

test('directory pages: the next request continues after the last room, for the same query', () => {
  let dir = newDirectory('  rel ');
  assert.deepEqual(directoryRequest(dir, 30), { limit: 30, query: 'rel' });
  dir = addDirectoryPage(dir, { rooms: [{ room: '#release' }, { room: '#relay' }], more: true });
  assert.equal(dir.more, true);
  assert.deepEqual(directoryRequest(dir, 30), { limit: 30, query: 'rel', after: '#relay' });
  dir = addDirectoryPage(dir, { rooms: [{ room: '#relay' }, { room: '#relics' }], more: false });
  assert.deepEqual(dir.rooms.map((r) => r.room), ['#release', '#relay', '#relics'], 'no twice');
  assert.equal(dir.more, false);
  assert.deepEqual(directoryRequest(newDirectory(''), 5), { limit: 5 }, 'no query: every room');
});

test('directory pages stop on a reply without more, or one that brings nothing new', () => {
  const everything = addDirectoryPage(newDirectory(), { rooms: [{ room: '#a' }] });
  assert.equal(everything.more, false, 'a first-round server lists everything at once');
  assert.equal(everything.loaded, true);
  const first = addDirectoryPage(newDirectory(), { rooms: [{ room: '#a' }], more: true });
  const stuck = addDirectoryPage(first, { rooms: [{ room: '#a' }], more: true });
  assert.equal(stuck.more, false);
  const junk = addDirectoryPage(newDirectory(), { rooms: [null, { room: 5 }], more: true });
  assert.deepEqual(junk.rooms, []);
});
