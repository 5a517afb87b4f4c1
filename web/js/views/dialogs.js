// Dialogs: browse and join rooms, create a room, and a room's members (invite and kick).

import { h, presenceDot, setChildren } from '../dom.js';

export function mountDialogs({ session, store, $, toast }) {
  const roomsDialog = $('#rooms-dialog');
  const roomsList = $('#rooms-list');
  const roomsStatus = $('#rooms-status');
  const roomsError = $('#rooms-error');

  const newRoomDialog = $('#new-room-dialog');
  const newRoomForm = $('#new-room-form');
  const newRoomName = $('#new-room-name');
  const newRoomTopic = $('#new-room-topic');
  const newRoomPrivate = $('#new-room-private');
  const newRoomError = $('#new-room-error');
  const createButton = $('#create-room-button');

  const membersDialog = $('#members-dialog');
  const membersTitle = $('#members-dialog-title');
  const membersList = $('#members-list');
  const membersStatus = $('#members-status');
  const membersError = $('#members-error');
  const inviteForm = $('#invite-form');
  const inviteInput = $('#invite-input');
  const inviteButton = $('#invite-button');
  let membersConv = null;
  let membersSig = null;

  for (const dialog of [roomsDialog, newRoomDialog, membersDialog]) {
    dialog.addEventListener('click', (event) => {
      if (event.target.closest('[data-close]')) dialog.close();
      else if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
  }
  membersDialog.addEventListener('close', () => {
    membersConv = null;
  });

  // --- browse rooms ----------------------------------------------------------------------------

  async function openRooms() {
    roomsError.textContent = '';
    roomsStatus.textContent = 'Loading rooms…';
    roomsList.replaceChildren();
    if (!roomsDialog.open) roomsDialog.showModal();
    try {
      const rooms = await session.rooms.list();
      roomsStatus.textContent = rooms.length === 0
        ? 'No rooms yet. Create one with “New room”.'
        : (rooms.length === 1 ? '1 room' : `${rooms.length} rooms`);
      setChildren(roomsList, rooms.map(roomItem));
      roomsList.querySelector('button')?.focus();
    } catch (e) {
      roomsStatus.textContent = '';
      roomsError.textContent = e.message;
    }
  }

  function roomItem(room) {
    const joined = !!room.joined;
    const button = h('button', {
      type: 'button',
      class: 'button small' + (joined ? '' : ' primary'),
      'aria-label': `${joined ? 'Open' : 'Join'} ${room.room}`,
      onclick: async () => {
        roomsError.textContent = '';
        button.disabled = true;
        try {
          await session.rooms.join(room.room);
          roomsDialog.close();
        } catch (e) {
          roomsError.textContent = e.message;
          button.disabled = false;
        }
      },
    }, joined ? 'Open' : 'Join');
    return h('li', { class: 'room-item', dataset: { room: room.room } },
      h('div', { class: 'room-info' },
        h('div', { class: 'room-line' },
          h('span', { class: 'room-name' }, room.room),
          room.private ? h('span', { class: 'badge' }, 'Private') : null,
          h('span', { class: 'room-members' },
            room.members === 1 ? '1 member' : `${room.members} members`)),
        room.topic ? h('p', { class: 'room-topic' }, room.topic) : null),
      button);
  }

  // --- new room --------------------------------------------------------------------------------

  function openNewRoom() {
    newRoomForm.reset();
    newRoomError.textContent = '';
    newRoomName.removeAttribute('aria-invalid');
    newRoomDialog.showModal();
    newRoomName.focus();
  }

  newRoomForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    newRoomError.textContent = '';
    createButton.disabled = true;
    try {
      await session.rooms.create(newRoomName.value, newRoomTopic.value, newRoomPrivate.checked);
      newRoomDialog.close();
    } catch (e) {
      newRoomError.textContent = e.message;
      newRoomName.setAttribute('aria-invalid', 'true');
      newRoomName.focus();
    } finally {
      createButton.disabled = false;
    }
  });

  // --- members ---------------------------------------------------------------------------------

  async function openMembers(convId) {
    membersConv = convId;
    membersSig = null;
    membersError.textContent = '';
    membersTitle.textContent = `Members of ${convId}`;
    inviteInput.value = '';
    renderMembers();
    if (!membersDialog.open) membersDialog.showModal();
    try {
      await session.rooms.loadMembers(convId);
    } catch (e) {
      membersError.textContent = e.message;
    }
  }

  function renderMembers() {
    if (!membersConv) return;
    const conv = store.conv(membersConv);
    if (!conv) {
      membersDialog.close();
      return;
    }
    const members = conv.members;
    const amOwner = !!members?.some((m) => m.user === store.me && m.role === 'owner');
    const sig = JSON.stringify([members, amOwner]);
    if (sig === membersSig) return;
    membersSig = sig;
    membersStatus.textContent = members == null ? 'Loading members…'
      : (members.length === 1 ? '1 member' : `${members.length} members`);
    const focusedUser = document.activeElement?.closest?.('#members-list li')?.dataset.user;
    setChildren(membersList, (members ?? []).map((m) => memberItem(m, amOwner)));
    if (focusedUser) {
      membersList.querySelector(`li[data-user="${CSS.escape(focusedUser)}"] button`)?.focus();
    }
    inviteForm.hidden = !amOwner;
  }

  function memberItem(member, amOwner) {
    const me = member.user === store.me;
    return h('li', { class: 'member-item', dataset: { user: member.user, role: member.role } },
      presenceDot(member.online),
      h('span', { class: 'member-name' }, member.user),
      me ? h('span', { class: 'member-you' }, '(you)') : null,
      member.role === 'owner' ? h('span', { class: 'badge' }, 'owner') : null,
      amOwner && !me ? h('button', {
        type: 'button',
        class: 'button tiny danger-text',
        'aria-label': `Kick ${member.user}`,
        onclick: () => kick(member.user),
      }, 'Kick') : null);
  }

  async function kick(user) {
    const conv = membersConv;
    membersError.textContent = '';
    try {
      await session.rooms.kick(conv, user);
      toast(`${user} was removed from ${conv}.`);
    } catch (e) {
      membersError.textContent = e.message;
    }
  }

  inviteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    membersError.textContent = '';
    inviteButton.disabled = true;
    try {
      const user = await session.rooms.invite(membersConv, inviteInput.value);
      inviteInput.value = '';
      toast(`${user} was added to ${membersConv}.`);
    } catch (e) {
      membersError.textContent = e.message;
    } finally {
      inviteButton.disabled = false;
      inviteInput.focus();
    }
  });

  return {
    openRooms,
    openNewRoom,
    openMembers,
    render() {
      if (!store.me) {
        for (const dialog of [roomsDialog, newRoomDialog, membersDialog]) {
          if (dialog.open) dialog.close();
        }
        return;
      }
      renderMembers();
    },
  };
}
