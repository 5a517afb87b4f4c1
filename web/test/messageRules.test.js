// The pure rules of changing messages: who may edit and delete, reaction chips and toggling,
// mention splitting and @-completion, rev ordering, the title, badge and notifications.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  badgeText, canDelete, canEdit, canReact, completeMention, drainHeld, mentionQuery,
  messageActionsFor,
  mentionSuggestions, notificationText, quoteText, reactionChips, revStep, shouldNotify,
  splitMentions, toggleReaction, unreadTitle,
} from '../js/messageRules.js';

const roomMessage = (from, extra = {}) => ({ conv: '#general', seq: 4, from, text: 'hi', ...extra });

test('only the sender edits, and nobody edits a deleted or unsent message', () => {
  assert.equal(canEdit(roomMessage('alice'), 'alice'), true);
  assert.equal(canEdit(roomMessage('bob'), 'alice'), false);
  assert.equal(canEdit(roomMessage('alice', { deleted: true, text: '' }), 'alice'), false);
  assert.equal(canEdit({ conv: '#general', from: 'alice', text: 'pending', cid: 'x' }, 'alice'),
    false, 'a pending message has no seq yet');
  assert.equal(canEdit(roomMessage('alice'), null), false);
});

test('the sender deletes; in rooms the owner and moderators too, in direct ones nobody else', () => {
  assert.equal(canDelete(roomMessage('alice'), 'alice', 'member'), true);
  assert.equal(canDelete(roomMessage('bob'), 'alice', 'member'), false);
  assert.equal(canDelete(roomMessage('bob'), 'alice', 'moderator'), true);
  assert.equal(canDelete(roomMessage('bob'), 'alice', 'owner'), true);
  assert.equal(canDelete(roomMessage('bob'), 'alice', null), false, 'members not loaded');
  const direct = { conv: '@bob', seq: 2, from: 'bob', text: 'x' };
  assert.equal(canDelete(direct, 'alice', 'owner'), false, 'no roles in direct conversations');
  assert.equal(canDelete({ ...direct, from: 'alice' }, 'alice'), true);
  assert.equal(canDelete(roomMessage('bob', { deleted: true }), 'alice', 'owner'), false);
  assert.equal(canReact(roomMessage('bob')), true);
  assert.equal(canReact(roomMessage('bob', { deleted: true })), false);
});

test('reaction chips count users in the server order and mark mine', () => {
  const chips = reactionChips({ '🎉': ['bob'], '👍': ['carol', 'alice'], '😢': [] }, 'alice');
  assert.deepEqual(chips.map(({ emoji, count, mine }) => [emoji, count, mine]),
    [['🎉', 1, false], ['👍', 2, true]]);
  assert.deepEqual(reactionChips(undefined, 'alice'), []);
});

test('toggling a reaction adds mine, then takes it away again', () => {
  const start = { '👍': ['bob'] };
  const on = toggleReaction(start, '👍', 'alice');
  assert.equal(on.on, true);
  assert.deepEqual(on.reactions, { '👍': ['bob', 'alice'] });
  assert.deepEqual(start, { '👍': ['bob'] }, 'the input is not changed');
  const off = toggleReaction(on.reactions, '👍', 'alice');
  assert.equal(off.on, false);
  assert.deepEqual(off.reactions, { '👍': ['bob'] });
  const gone = toggleReaction({ '🎉': ['alice'] }, '🎉', 'alice');
  assert.deepEqual(gone.reactions, {}, 'the last user takes the emoji with them');
  assert.equal(toggleReaction({}, '❤️', 'alice').on, true);
});

test('a 21st distinct emoji is refused, joining an existing one is not', () => {
  const full = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`e${i}`, ['bob']]));
  assert.equal(toggleReaction(full, 'new', 'alice').allowed, false);
  assert.equal(toggleReaction(full, 'e3', 'alice').allowed, true);
  assert.equal(toggleReaction({ ...full, e3: ['alice'] }, 'e3', 'alice').on, false);
});

test('mentions split into text and named parts by the server rule', () => {
  assert.deepEqual(splitMentions('hi @Bob, see @carol.', ['bob', 'carol']), [
    { text: 'hi ' }, { text: '@Bob', mention: 'bob' }, { text: ', see ' },
    { text: '@carol', mention: 'carol' }, { text: '.' },
  ]);
  assert.deepEqual(splitMentions('mail x@bob or @dave', ['bob']),
    [{ text: 'mail x@bob or @dave' }], 'preceded by a letter, or not a participant');
  assert.deepEqual(splitMentions('@bob_ @bob.smith', ['bob', 'bob.smith']), [
    { text: '@bob', mention: 'bob' }, { text: '_ ' },
    { text: '@bob.smith', mention: 'bob.smith' },
  ]);
  assert.deepEqual(splitMentions('no mentions', undefined), [{ text: 'no mentions' }]);
  const tricky = '<img src=x onerror=alert(1)> @bob';
  assert.equal(splitMentions(tricky, ['bob']).map((p) => p.text).join(''), tricky);
});

test('typing @ before the caret asks for names; picking one completes it', () => {
  assert.deepEqual(mentionQuery('hello @Ca', 9), { start: 6, query: 'ca' });
  assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
  assert.equal(mentionQuery('mail me at x@ca', 15), null, 'an address, not a mention');
  assert.equal(mentionQuery('hello @ca rest', 14), null, 'the caret is past the word');
  assert.deepEqual(mentionSuggestions(['carol', 'alice', 'cathy', 'bob', 'carl'], 'ca', 'alice'),
    ['carl', 'carol', 'cathy']);
  assert.deepEqual(mentionSuggestions(['alice', 'bob'], '', 'alice'), ['bob']);
  assert.deepEqual(completeMention('hi @ca and', 6, 3, 'carol'),
    { value: 'hi @carol and', caret: 10 });
  assert.deepEqual(completeMention('@b', 2, 0, 'bob'), { value: '@bob ', caret: 5 });
});

test('updates apply in rev order: old ones dropped, a gap held until repaired', () => {
  assert.equal(revStep(4, 5), 'next');
  assert.equal(revStep(4, 4), 'old');
  assert.equal(revStep(4, 2), 'old');
  assert.equal(revStep(4, 7), 'gap');
  assert.equal(revStep(null, 1), 'unknown');
  assert.equal(revStep(4, undefined), 'old');
  const held = new Map([[8, 'u8'], [6, 'u6'], [5, 'u5'], [3, 'u3']]);
  const drained = drainHeld(held, 4);
  assert.deepEqual(drained.apply, ['u5', 'u6']);
  assert.equal(drained.lastRev, 6);
  assert.deepEqual([...drained.held.keys()], [8], 'still missing 7');
  assert.deepEqual(drainHeld(new Map(), null), { apply: [], lastRev: null, held: new Map() });
});

test('a quote is one line, shortened, or says the message was deleted', () => {
  assert.equal(quoteText({ text: 'line one\nline  two' }), 'line one line two');
  assert.equal(quoteText({ text: 'x'.repeat(100) }, 10), 'xxxxxxxxx…');
  assert.equal(quoteText({ text: '', deleted: true }), 'Message deleted');
  assert.equal(quoteText(null), null);
});

test('the title counts unread messages; the badge stays short', () => {
  assert.equal(unreadTitle(0), 'chat');
  assert.equal(unreadTitle(3), '(3) chat');
  assert.equal(unreadTitle(250), '(99+) chat');
  assert.equal(unreadTitle(2, 'Chat'), '(2) Chat');
  assert.equal(badgeText(0), '');
  assert.equal(badgeText(7), '7');
  assert.equal(badgeText(12), '9+');
});

test('notifications: direct messages and mentions of me, only while hidden and switched on', () => {
  const dm = { conv: '@bob', seq: 1, from: 'bob', text: 'psst' };
  const base = { me: 'alice', enabled: true, hidden: true };
  assert.equal(shouldNotify({ ...base, message: dm }), true);
  assert.equal(shouldNotify({ ...base, hidden: false, message: dm }), false);
  assert.equal(shouldNotify({ ...base, enabled: false, message: dm }), false);
  assert.equal(shouldNotify({ ...base, message: { ...dm, from: 'alice' } }), false);
  assert.equal(shouldNotify({ ...base, blocked: new Set(['bob']), message: dm }), false);
  const room = { conv: '#general', seq: 9, from: 'bob', text: 'hey @alice' };
  assert.equal(shouldNotify({ ...base, message: room }), false, 'no mention');
  assert.equal(shouldNotify({ ...base, message: { ...room, mentions: ['alice'] } }), true);
  assert.deepEqual(notificationText({ ...room, mentions: ['alice'] }),
    { title: 'bob in #general', body: 'hey @alice' });
  assert.deepEqual(notificationText(dm), { title: 'bob', body: 'psst' });
});

test('the menu offers only what the server lists and the rules allow', () => {
  const all = new Set(['reply', 'react', 'edit', 'delete']);
  const mine = roomMessage('alice');
  assert.deepEqual(messageActionsFor(mine, { me: 'alice', features: all }),
    { reply: true, react: true, edit: true, delete: true });
  assert.deepEqual(messageActionsFor(roomMessage('bob'), { me: 'alice', myRole: 'member', features: all }),
    { reply: true, react: true, edit: false, delete: false });
  assert.deepEqual(messageActionsFor(mine, { me: 'alice', features: new Set(['react']) }),
    { reply: false, react: true, edit: false, delete: false });
  assert.deepEqual(messageActionsFor(mine, { me: 'alice', features: null }),
    { reply: false, react: false, edit: false, delete: false }, 'a first-round server');
});
