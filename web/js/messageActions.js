// Changing messages: edit, delete and react, the `update` events that carry every change, and
// the `updates` catch-up that numbers them by rev. Updates are applied once each and in rev
// order; one that skips a rev is held back while `updates … afterRev` fills the gap (the same
// request runs after every connect). An edit that newly mentions me is reported to the client
// (for a notification). No DOM here.

import { ChatError } from './protocol.js';
import { drainHeld, mentionedAnew, revStep, toggleReaction } from './messageRules.js';

/** How often one repair asks again when revs are still missing after an answer. */
const REPAIR_ROUNDS = 3;
/**
 * Updates held back per conversation while revs before them are missing; beyond, new ones are
 * not held (the repair fetches them from the server, which has every change). A server sending
 * revs far ahead that never come grew the map, and each update in order re-sorted all of it.
 */
export const MAX_HELD_UPDATES = 1000;

export class MessageActions {
  constructor(client) {
    this.client = client;
  }

  get store() {
    return this.client.store;
  }

  // --- the user's changes ----------------------------------------------------------------------

  /** Replaces the text of my message; the `update` event that follows shows it everywhere. */
  async edit(conv, seq, text) {
    const value = String(text ?? '');
    if (value.trim() === '') throw new ChatError('bad_request', 'A message cannot be empty.');
    const max = this.store.limits?.maxTextChars ?? 4000;
    const length = [...value].length;
    if (length > max) {
      throw new ChatError('too_large', `Messages have at most ${max} characters; this one has ${length}.`);
    }
    const message = this.store.conv(conv)?.bySeq.get(seq);
    if (message && message.text === value) return null; // nothing changed
    return this.request('edit', { conv, seq, text: value });
  }

  /** Deletes a message (mine, or any in a room I own or moderate). */
  async remove(conv, seq) {
    return this.request('delete', { conv, seq });
  }

  /** Toggles my reaction `emoji` on a message. */
  async react(conv, seq, emoji) {
    const message = this.store.conv(conv)?.bySeq.get(seq);
    const { on, allowed } = toggleReaction(message?.reactions, emoji, this.store.me);
    if (!allowed) {
      throw new ChatError('bad_request', 'This message has as many different reactions as it can take.');
    }
    return this.request('react', { conv, seq, emoji, on });
  }

  async request(type, fields) {
    if (!this.client.ready) {
      throw new ChatError('disconnected', 'Not connected to the server. Try again when the connection is back.');
    }
    return this.client.conn.request(type, fields);
  }

  // --- updates ---------------------------------------------------------------------------------

  /**
   * After a conversation's history is caught up (on every connect): start counting revs where
   * the server is if nothing was counted yet (the history just loaded is as it is now), or ask
   * for every update after the last rev applied.
   */
  async catchUp(id) {
    const conv = this.store.conv(id);
    if (!conv || conv.serverRev == null) return;
    if (conv.rev == null && conv.heldUpdates.size === 0) {
      conv.rev = conv.serverRev;
      return;
    }
    if (conv.rev == null || conv.serverRev > conv.rev || conv.heldUpdates.size > 0) {
      await this.repair(id);
    }
  }

  /** A live `update` event: applied in rev order, once; a skipped rev starts a repair. */
  onUpdate(update) {
    const conv = this.store.conv(update.conv);
    if (!conv || !Number.isSafeInteger(update.rev)) return;
    const step = revStep(conv.rev, update.rev);
    if (step === 'old') return;
    if (step === 'next') {
      this.apply(conv, update);
      if (conv.heldUpdates.has(conv.rev + 1)) this.drain(conv);
    } else {
      if (conv.heldUpdates.size < MAX_HELD_UPDATES) conv.heldUpdates.set(update.rev, update);
      this.client.background(this.repair(conv.id));
    }
    this.store.changed('messages');
  }

  /** Asks for every update after the last rev applied, page by page until `more` is false. */
  async repair(id) {
    const conv = this.store.conv(id);
    if (!conv) return;
    if (conv.repairing) {
      conv.repairAgain = true;
      return;
    }
    conv.repairing = true;
    try {
      for (let round = 0; round < REPAIR_ROUNDS; round++) {
        conv.repairAgain = false;
        await this.fetchUpdates(conv);
        this.drain(conv);
        this.store.changed('messages');
        if (conv.heldUpdates.size === 0 && !conv.repairAgain) break;
      }
    } catch (e) {
      if (e.code === 'forbidden' || e.code === 'not_found') return; // gone meanwhile
      throw e;
    } finally {
      conv.repairing = false;
    }
  }

  async fetchUpdates(conv) {
    const limit = this.store.limits?.historyMax ?? 200;
    for (;;) {
      const after = conv.rev ?? 0;
      const reply = await this.client.conn.request('updates', { conv: conv.id, afterRev: after, limit });
      const updates = [...(reply.updates ?? [])].filter((u) => Number.isSafeInteger(u?.rev))
        .sort((a, b) => a.rev - b.rev);
      for (const update of updates) {
        // A reply may leave out updates a later one supersedes: its revs need not be adjacent.
        if (update.rev > (conv.rev ?? 0)) this.apply(conv, update);
      }
      if (!reply.more || updates.length === 0 || (conv.rev ?? 0) <= after) {
        if (conv.rev == null) conv.rev = after;
        return;
      }
    }
  }

  apply(conv, update) {
    const message = update.message ?? { seq: update.seq };
    if (!Number.isSafeInteger(message.seq)) message.seq = update.seq;
    const held = conv.bySeq.get(message.seq);
    const mentionedBefore = held?.mentions?.includes(this.store.me) ?? false;
    this.store.applyMessageState(conv.id, message);
    conv.rev = update.rev;
    // Mentions change only by edits; a catch-up may bring the edit folded into a later update.
    if (held && mentionedAnew(mentionedBefore, held, this.store.me)) {
      this.client.mentionedInEdit(held);
    }
  }

  drain(conv) {
    const { apply, held } = drainHeld(conv.heldUpdates, conv.rev);
    for (const update of apply) this.apply(conv, update);
    conv.heldUpdates = held;
  }
}
