// The "Room settings" panel of the open room: its topic, members with their roles, the banned
// list and deleting the room. Everyone sees it; the controls follow the viewer's role (owner:
// everything; moderator: topic, ban, unban; member: read only). Risky steps ask to confirm
// inside the panel (never window.confirm).

import { h, presenceDot, setChildren } from '../dom.js';
import {
  canModerate, memberActions, roleOf, roomPermissions, sortMembers,
} from '../rules.js';

const ROLE_LABEL = { owner: 'owner', moderator: 'moderator', member: 'member' };

export function mountRoomSettings({ client, store, $, toast }) {
  const dialog = $('#room-settings-dialog');
  const title = $('#room-settings-title');
  const error = $('#room-settings-error');
  const topicText = $('#room-topic-text');
  const topicForm = $('#room-topic-form');
  const topicInput = $('#room-topic-input');
  const topicButton = $('#room-topic-button');
  const confirmBox = $('#room-confirm');
  const confirmText = $('#room-confirm-text');
  const confirmOk = $('#room-confirm-ok');
  const confirmCancel = $('#room-confirm-cancel');
  const membersList = $('#room-members-list');
  const bansSection = $('#room-bans-section');
  const bansList = $('#room-bans-list');
  const bansEmpty = $('#room-bans-empty');
  const deleteSection = $('#room-delete-section');
  const deleteButton = $('#delete-room-button');
  let convId = null;
  let sig = null;
  let pendingConfirm = null; // the action waiting for "confirm"

  dialog.addEventListener('click', (event) => {
    if (event.target.closest('[data-close]') || event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    convId = null;
    hideConfirm();
  });

  topicForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const id = convId;
    await run(topicButton, async () => {
      await client.moderation.setTopic(id, topicInput.value);
      toast(`The topic of ${id} was changed.`);
    });
  });

  deleteButton.addEventListener('click', () => {
    const id = convId;
    ask(`Delete ${id} and all its messages for everyone? This cannot be undone.`,
      `Delete ${id}`, async () => {
        await client.moderation.deleteRoom(id);
        dialog.close();
        toast(`${id} was deleted.`);
      });
  });
  confirmCancel.addEventListener('click', () => hideConfirm());
  confirmOk.addEventListener('click', async () => {
    const action = pendingConfirm;
    if (!action) return;
    await run(confirmOk, action);
    hideConfirm();
  });

  function ask(text, okLabel, action) {
    error.textContent = '';
    pendingConfirm = action;
    confirmText.textContent = text;
    confirmOk.textContent = okLabel;
    confirmBox.hidden = false;
    confirmOk.focus();
  }

  function hideConfirm() {
    pendingConfirm = null;
    confirmBox.hidden = true;
  }

  /** Runs a request with its button disabled; errors show at the top of the panel. */
  async function run(button, fn) {
    error.textContent = '';
    button.disabled = true;
    try {
      await fn();
    } catch (e) {
      error.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }

  async function open(id) {
    convId = id;
    sig = null;
    error.textContent = '';
    hideConfirm();
    title.textContent = `Room settings: ${id}`;
    const conv = store.conv(id);
    topicInput.value = conv?.topic ?? '';
    render();
    if (!dialog.open) dialog.showModal();
    dialog.querySelector('[data-close]').focus();
    try {
      const members = await client.rooms.loadMembers(id);
      if (canModerate(roleOf(members, store.me)) && convId === id) {
        await client.moderation.loadBans(id);
      }
    } catch (e) {
      if (convId === id) error.textContent = e.message;
    }
  }

  function render() {
    if (!convId) return;
    const conv = store.conv(convId);
    if (!conv || !store.me) {
      dialog.close(); // left, banned, or the room was deleted
      return;
    }
    const myRole = roleOf(conv.members, store.me);
    const next = JSON.stringify([conv.topic, conv.members, conv.bans, myRole]);
    if (next === sig) return;
    sig = next;
    const can = roomPermissions(myRole);
    topicText.textContent = conv.topic || 'No topic';
    topicText.hidden = can.editTopic;
    topicForm.hidden = !can.editTopic;
    if (!can.editTopic || document.activeElement !== topicInput) topicInput.value = conv.topic ?? '';

    const focused = document.activeElement?.closest?.('#room-settings-dialog li');
    const focusKey = focused ? [focused.dataset.user, document.activeElement.dataset.action] : null;
    setChildren(membersList, conv.members == null
      ? h('li', { class: 'hint' }, 'Loading members…')
      : sortMembers(conv.members).map((m) => memberItem(m, myRole)));
    bansSection.hidden = !can.viewBans;
    const bans = conv.bans ?? [];
    bansEmpty.hidden = bans.length > 0;
    setChildren(bansList, bans.map((user) => h('li',
      { class: 'member-item', dataset: { user } },
      h('span', { class: 'member-name' }, user),
      h('button', {
        type: 'button', class: 'button tiny', 'aria-label': `Unban ${user}`,
        dataset: { action: 'unban' },
        onclick: (event) => run(event.currentTarget, async () => {
          await client.moderation.unban(convId, user);
          toast(`${user} may join ${convId} again.`);
        }),
      }, 'Unban'))));
    deleteSection.hidden = !can.deleteRoom;
    if (focusKey) {
      dialog.querySelector(`li[data-user="${CSS.escape(focusKey[0])}"] `
        + `button[data-action="${CSS.escape(focusKey[1] ?? '')}"]`)?.focus();
    }
  }

  function memberItem(member, myRole) {
    const id = convId;
    const user = member.user;
    const allowed = memberActions(myRole, member, store.me);
    const action = (name, label, text, fn, extraClass = '') => h('button', {
      type: 'button', class: `button tiny ${extraClass}`.trim(), 'aria-label': label,
      dataset: { action: name },
      onclick: (event) => run(event.currentTarget, fn),
    }, text);
    return h('li', { class: 'member-item', dataset: { user, role: member.role } },
      presenceDot(member.online),
      h('span', { class: 'member-name' }, user),
      user === store.me ? h('span', { class: 'member-you' }, '(you)') : null,
      member.role !== 'member' ? h('span', { class: 'badge' }, ROLE_LABEL[member.role] ?? member.role)
        : null,
      h('span', { class: 'member-actions' },
        allowed.makeModerator ? action('promote', `Make moderator: ${user}`, 'Make moderator',
          () => client.moderation.setRole(id, user, 'moderator')) : null,
        allowed.makeMember ? action('demote', `Make member: ${user}`, 'Make member',
          () => client.moderation.setRole(id, user, 'member')) : null,
        allowed.transfer ? h('button', {
          type: 'button', class: 'button tiny', 'aria-label': `Transfer ownership to ${user}`,
          dataset: { action: 'transfer' },
          onclick: () => ask(`Make ${user} the owner of ${id}? You will become a moderator.`,
            `Transfer to ${user}`, async () => {
              await client.moderation.transferOwnership(id, user);
              toast(`${user} now owns ${id}.`);
            }),
        }, 'Transfer ownership') : null,
        allowed.ban ? action('ban', `Ban ${user}`, 'Ban', async () => {
          await client.moderation.ban(id, user);
          toast(`${user} was banned from ${id}.`);
        }, 'danger-text') : null));
  }

  return { open, render };
}
