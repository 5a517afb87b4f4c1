// Dialogs: the room directory (search, pages, join), create a room, and a room's members
// (invite and kick, for the owner and moderators).

import { h, presenceDot, setChildren } from '../dom.js';
import { memberActions, roleOf, roomPermissions } from '../rules.js';

const SEARCH_DELAY_MS = 250;

export function mountDialogs({ client, store, $, toast }) {
  const roomsDialog = $('#rooms-dialog');
  const roomsList = $('#rooms-list');
  const roomsStatus = $('#rooms-status');
  const roomsError = $('#rooms-error');
  const roomsSearch = $('#rooms-search');
  const roomsSearchForm = $('#rooms-search-form');
  const roomsMore = $('#rooms-more-button');
  let searchTimer = null;

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
    roomsSearch.value = '';
    if (!roomsDialog.open) roomsDialog.showModal();
    roomsSearch.focus();
    await search('');
  }

  /** A new search: the first page of rooms whose name or topic matches (all rooms if empty). */
  async function search(query) {
    clearTimeout(searchTimer);
    searchTimer = null;
    roomsError.textContent = '';
    roomsStatus.textContent = 'Loading rooms…';
    roomsMore.hidden = true;
    roomsList.replaceChildren();
    await load(() => client.directory.search(query));
  }

  async function load(step) {
    try {
      const directory = await step();
      // A newer search started meanwhile: its own load shows it.
      if (!roomsDialog.open || directory !== client.directory.state || !directory.loaded) return;
      showDirectory(directory);
    } catch (e) {
      roomsStatus.textContent = '';
      roomsError.textContent = e.message;
    }
  }

  function showDirectory(directory) {
    const count = directory.rooms.length;
    const query = directory.query;
    if (count === 0) {
      roomsStatus.textContent = query ? `No rooms match “${query}”.`
        : 'No rooms yet. Create one with “New room”.';
    } else {
      const noun = count === 1 ? '1 room' : `${count} rooms`;
      roomsStatus.textContent = (directory.more ? `The first ${noun}` : noun)
        + (query ? ` matching “${query}”` : '');
    }
    // Keep the rooms already shown (and focus on them); add the new page's below.
    const shown = new Set([...roomsList.children].map((li) => li.dataset.room));
    roomsList.append(...directory.rooms.filter((r) => !shown.has(r.room)).map(roomItem));
    roomsMore.hidden = !directory.more;
  }

  roomsSearch.addEventListener('input', () => {
    // Debounced: one search when typing pauses, not one per key.
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => search(roomsSearch.value), SEARCH_DELAY_MS);
  });
  roomsSearchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    search(roomsSearch.value);
  });
  roomsMore.addEventListener('click', async () => {
    roomsMore.disabled = true;
    const before = roomsList.children.length;
    await load(() => client.directory.more());
    roomsMore.disabled = false;
    // Focus the first new room, so keyboard users continue where the list grew.
    roomsList.children[before]?.querySelector('button')?.focus();
  });
  roomsDialog.addEventListener('close', () => {
    clearTimeout(searchTimer);
    searchTimer = null;
  });

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
          await client.rooms.join(room.room);
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
      await client.rooms.create(newRoomName.value, newRoomTopic.value, newRoomPrivate.checked);
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
      await client.rooms.loadMembers(convId);
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
    const myRole = roleOf(members, store.me);
    const sig = JSON.stringify([members, myRole]);
    if (sig === membersSig) return;
    membersSig = sig;
    membersStatus.textContent = members == null ? 'Loading members…'
      : (members.length === 1 ? '1 member' : `${members.length} members`);
    const focusedUser = document.activeElement?.closest?.('#members-list li')?.dataset.user;
    setChildren(membersList, (members ?? []).map((m) => memberItem(m, myRole)));
    if (focusedUser) {
      membersList.querySelector(`li[data-user="${CSS.escape(focusedUser)}"] button`)?.focus();
    }
    inviteForm.hidden = !roomPermissions(myRole).invite;
  }

  function memberItem(member, myRole) {
    const me = member.user === store.me;
    const canKick = memberActions(myRole, member, store.me).kick;
    return h('li', { class: 'member-item', dataset: { user: member.user, role: member.role } },
      presenceDot(member.online),
      h('span', { class: 'member-name' }, member.user),
      me ? h('span', { class: 'member-you' }, '(you)') : null,
      member.role !== 'member' ? h('span', { class: 'badge' }, member.role) : null,
      canKick ? h('button', {
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
      await client.rooms.kick(conv, user);
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
      const user = await client.rooms.invite(membersConv, inviteInput.value);
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
