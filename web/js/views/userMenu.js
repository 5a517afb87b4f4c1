// The "User actions" menu for one person: send them a direct message, block or unblock them.
// Opened from an author's name in a room, or from a direct conversation's header.

import { presenceDot, setChildren } from '../dom.js';
import { FEATURE } from '../rules.js';

export function mountUserMenu({ client, store, $, toast }) {
  const dialog = $('#user-menu');
  const nameEl = $('#user-menu-name');
  const status = $('#user-menu-status');
  const messageButton = $('#user-menu-message');
  const blockButton = $('#user-menu-block');
  const unblockButton = $('#user-menu-unblock');
  const error = $('#user-menu-error');
  let user = null;
  let returnFocus = null;

  dialog.addEventListener('click', (event) => {
    if (event.target.closest('[data-close]') || event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    user = null;
    if (returnFocus?.isConnected) returnFocus.focus({ preventScroll: true });
    returnFocus = null;
  });

  messageButton.addEventListener('click', async () => {
    const target = user;
    dialog.close();
    try {
      await client.rooms.goTo('@' + target);
    } catch (e) {
      toast(e.message, 'error');
    }
  });
  blockButton.addEventListener('click', () => act(async (name) => {
    await client.account.block(name);
    toast(`You blocked ${name}. Their room messages are hidden and they cannot message you.`);
  }));
  unblockButton.addEventListener('click', () => act(async (name) => {
    await client.account.unblock(name);
    toast(`You unblocked ${name}.`);
  }));

  async function act(fn) {
    if (!user) return;
    error.textContent = '';
    blockButton.disabled = unblockButton.disabled = true;
    try {
      await fn(user);
      dialog.close();
    } catch (e) {
      error.textContent = e.message;
    } finally {
      blockButton.disabled = unblockButton.disabled = false;
    }
  }

  function render() {
    if (!user) return;
    if (!store.me) {
      dialog.close();
      return;
    }
    const online = store.presence.get(user);
    setChildren(status, online == null ? null : presenceDot(online),
      online == null ? '' : online ? 'Online' : 'Offline');
    const canBlock = client.can(FEATURE.block);
    const blocked = store.blocked.has(user);
    blockButton.hidden = !canBlock || blocked;
    unblockButton.hidden = !canBlock || !blocked;
    messageButton.hidden = store.activeConv === '@' + user;
  }

  return {
    /** Opens the menu for `name`; focus goes back to `from` when it closes. */
    open(name, from = null) {
      if (!name || name === store.me) return;
      user = name;
      returnFocus = from;
      nameEl.textContent = name;
      error.textContent = '';
      render();
      if (!dialog.open) dialog.showModal();
      (messageButton.hidden ? (blockButton.hidden ? unblockButton : blockButton)
        : messageButton).focus();
    },
    render,
  };
}
