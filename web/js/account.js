// The account: changing the password (staying signed in under the new token), signing out
// everywhere, deleting the account, and the users I have blocked. No DOM here.

import { errorText, normalizeUser, passwordError, userNameError } from './logic.js';
import { ChatError } from './protocol.js';

export class Account {
  constructor(client) {
    this.client = client;
    this.store = client.store;
    this.conn = client.conn;
  }

  /**
   * Changes the password. The server revokes every other token, this one included, and answers
   * with a new one: it is saved at once, so this tab stays signed in and a reload uses it.
   */
  async changePassword(oldPassword, newPassword) {
    if (!oldPassword) throw new ChatError('bad_request', 'Enter your current password.');
    const problem = passwordError(newPassword);
    if (problem) throw new ChatError('bad_request', problem);
    if (oldPassword === newPassword) {
      throw new ChatError('bad_request', 'The new password is the same as the current one.');
    }
    let ok;
    try {
      ok = await this.conn.request('password', { old: oldPassword, new: newPassword });
    } catch (e) {
      throw new ChatError(e.code, e.code === 'unauthorized'
        ? 'The current password is wrong.' : errorText(e));
    }
    this.client.saveToken(ok.token, ok.user ?? this.store.me, ok.expiresAt);
  }

  /** Revokes every token of the account (every device) and returns to the sign-in screen. */
  async logoutEverywhere() {
    try {
      await this.conn.request('logout', { all: true });
    } catch (e) {
      // The server closes the connection right after its ok: a close that wins the race is fine.
      if (e.code !== 'disconnected') throw new ChatError(e.code, errorText(e));
    }
    this.client.endSignIn('You were signed out on every device.');
  }

  /** Deletes the account for good (the password confirms it) and returns to the sign-in screen. */
  async deleteAccount(password) {
    if (!password) throw new ChatError('bad_request', 'Enter your password to confirm.');
    try {
      await this.conn.request('delete_account', { password });
    } catch (e) {
      if (e.code === 'unauthorized') throw new ChatError(e.code, 'Wrong password.');
      throw new ChatError(e.code, errorText(e));
    }
    this.client.endSignIn('Your account was deleted.');
  }

  // --- blocking --------------------------------------------------------------------------------

  isBlocked(user) {
    return this.store.blocked.has(user);
  }

  async block(userInput) {
    const user = normalizeUser(userInput);
    const problem = userNameError(user);
    if (problem) throw new ChatError('bad_request', problem);
    try {
      await this.conn.request('block', { user });
    } catch (e) {
      if (e.code === 'not_found') throw new ChatError(e.code, `There is no user named ${user}.`);
      throw new ChatError(e.code, errorText(e));
    }
    this.store.blocked.add(user);
    this.store.changed('blocked');
    return user;
  }

  async unblock(user) {
    try {
      await this.conn.request('unblock', { user });
    } catch (e) {
      throw new ChatError(e.code, errorText(e));
    }
    this.store.blocked.delete(user);
    this.store.changed('blocked');
    return user;
  }

  /** Replaces the blocked list with the server's (after each catch-up). */
  async loadBlocked() {
    const reply = await this.conn.request('blocked');
    this.store.blocked = new Set((reply.users ?? []).filter((u) => typeof u === 'string'));
    this.store.changed('blocked');
    return [...this.store.blocked];
  }
}
