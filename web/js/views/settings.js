// The Settings panel: the Notifications switch, change the password, the users I blocked (with
// Unblock), log out everywhere, and delete the account. Sections the server does not support
// stay hidden.

import { avatar, h, setChildren } from '../dom.js';
import { FEATURE } from '../rules.js';

export function mountSettings({ client, store, $, toast, alerts }) {
  const dialog = $('#settings-dialog');
  const notificationsSection = $('#notifications-section');
  const notificationsSwitch = $('#notifications-switch');
  const notificationsError = $('#notifications-error');
  const openButton = $('#settings-button');
  const passwordSection = $('#password-section');
  const passwordForm = $('#password-form');
  const passwordUser = $('#password-username');
  const currentPassword = $('#current-password');
  const newPassword = $('#new-password');
  const passwordError = $('#password-error');
  const passwordButton = $('#change-password-button');
  const blockedSection = $('#blocked-section');
  const blockedList = $('#blocked-list');
  const blockedEmpty = $('#blocked-empty');
  const blockedError = $('#blocked-error');
  const sessionsSection = $('#sessions-section');
  const logoutAllButton = $('#logout-all-button');
  const logoutAllError = $('#logout-all-error');
  const deleteSection = $('#delete-account-section');
  const deleteButton = $('#delete-account-button');
  const deleteForm = $('#delete-account-form');
  const deletePassword = $('#delete-account-password');
  const deleteError = $('#delete-account-error');
  const deleteCancel = $('#delete-account-cancel');
  const deleteConfirm = $('#delete-account-confirm');
  let blockedSig = null;

  dialog.addEventListener('click', (event) => {
    if (event.target.closest('[data-close]') || event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    // Passwords never linger in a closed dialog.
    passwordForm.reset();
    deletePassword.value = '';
    showDeleteForm(false);
  });
  openButton.addEventListener('click', () => open());

  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    passwordError.textContent = '';
    passwordButton.disabled = true;
    try {
      await client.account.changePassword(currentPassword.value, newPassword.value);
      passwordForm.reset();
      toast('Your password was changed. Other devices were signed out.');
    } catch (e) {
      passwordError.textContent = e.message;
      (e.code === 'unauthorized' || /current/i.test(e.message) ? currentPassword : newPassword)
        .focus();
    } finally {
      passwordButton.disabled = false;
    }
  });

  notificationsSwitch.addEventListener('change', async () => {
    notificationsError.textContent = '';
    const wanted = notificationsSwitch.checked;
    notificationsSwitch.disabled = true;
    try {
      notificationsSwitch.checked = await alerts.setEnabled(wanted);
    } catch (e) {
      notificationsSwitch.checked = false;
      notificationsError.textContent = e.message;
    } finally {
      notificationsSwitch.disabled = false;
    }
  });

  logoutAllButton.addEventListener('click', async () => {
    logoutAllError.textContent = '';
    logoutAllButton.disabled = true;
    try {
      await client.account.logoutEverywhere();
    } catch (e) {
      logoutAllError.textContent = e.message;
    } finally {
      logoutAllButton.disabled = false;
    }
  });

  deleteButton.addEventListener('click', () => {
    showDeleteForm(true);
    deletePassword.focus();
  });
  deleteCancel.addEventListener('click', () => {
    showDeleteForm(false);
    deleteButton.focus();
  });
  deleteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    deleteError.textContent = '';
    deleteConfirm.disabled = true;
    try {
      await client.account.deleteAccount(deletePassword.value);
    } catch (e) {
      deleteError.textContent = e.message;
      deletePassword.focus();
    } finally {
      deleteConfirm.disabled = false;
    }
  });

  function showDeleteForm(shown) {
    deleteForm.hidden = !shown;
    deleteButton.hidden = shown;
    deleteError.textContent = '';
    if (!shown) deletePassword.value = '';
  }

  function open() {
    for (const el of [passwordError, blockedError, logoutAllError, notificationsError]) {
      el.textContent = '';
    }
    notificationsSwitch.checked = alerts.enabled();
    showDeleteForm(false);
    passwordUser.value = store.me ?? '';
    blockedSig = null;
    render();
    if (!dialog.open) dialog.showModal();
    if (client.can(FEATURE.block)) {
      client.account.loadBlocked().catch((e) => {
        blockedError.textContent = e.message;
      });
    }
    (passwordSection.hidden ? dialog.querySelector('[data-close]') : currentPassword).focus();
  }

  function render() {
    const account = client.can(FEATURE.account);
    const blocking = client.can(FEATURE.block);
    notificationsSection.hidden = !alerts.supported();
    openButton.hidden = !account && !blocking && notificationsSection.hidden;
    if (!store.me) {
      if (dialog.open) dialog.close();
      return;
    }
    if (!dialog.open) return;
    passwordSection.hidden = sessionsSection.hidden = deleteSection.hidden = !account;
    blockedSection.hidden = !blocking;
    renderBlocked();
  }

  function renderBlocked() {
    const users = [...store.blocked].sort();
    const sig = users.join('\u0001');
    if (sig === blockedSig) return;
    blockedSig = sig;
    blockedEmpty.hidden = users.length > 0;
    setChildren(blockedList, users.map((user) => h('li',
      { class: 'member-item', dataset: { user } },
      avatar(user, 'small-avatar'),
      h('span', { class: 'member-name' }, user),
      h('button', {
        type: 'button',
        class: 'button tiny',
        'aria-label': `Unblock ${user}`,
        onclick: async (event) => {
          const button = event.currentTarget;
          blockedError.textContent = '';
          button.disabled = true;
          try {
            await client.account.unblock(user);
            toast(`You unblocked ${user}.`);
          } catch (e) {
            blockedError.textContent = e.message;
            button.disabled = false;
          }
        },
      }, 'Unblock'))));
  }

  return { open, render };
}
