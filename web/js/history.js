// Showing a message anywhere in a conversation's history (a search result, what a reply
// answers): the history around it is loaded (`history before seq+1` and `after seq`), which may
// leave a hole between it and the messages already held. Seqs have no gaps, so holes are known
// from the seqs themselves (`holesIn`): the timeline shows each as a row whose buttons fill it
// from either side, and a small one is filled at once. The newest messages stay loaded, so new
// messages, catch-up and "Jump to latest" go on as before. No DOM here.

import { holesIn } from './logic.js';

/** Messages loaded on each side of the one shown. */
const AROUND = 25;
/** Messages one step of filling a hole loads; a hole this small is filled at once. */
const HOLE_PAGE = 50;

export class HistoryWindows {
  constructor(client) {
    this.client = client;
  }

  get store() {
    return this.client.store;
  }

  /**
   * Makes sure message `seq` of `id` is held (loading the history around it when it is not) and
   * asks the view to bring it into sight and point it out (`store.jumpTarget`), if the
   * conversation is still the open one. Resolves true when the message is there.
   */
  async show(id, seq) {
    const conv = this.store.conv(id);
    if (!conv || !Number.isSafeInteger(seq) || seq < 1) return false;
    if (conv.syncedSeq == null) await this.client.loadLatest(id);
    if (!conv.bySeq.has(seq)) await this.loadAround(id, seq);
    if (this.store.conv(id) !== conv || !conv.bySeq.has(seq)) return false;
    if (this.store.activeConv === id) {
      this.store.jumpTarget = { conv: id, seq };
      this.store.changed('jump');
    }
    return true;
  }

  /** Loads the messages around `seq` (it included), then fills the holes left that are small. */
  async loadAround(id, seq) {
    const conv = this.store.conv(id);
    if (!conv) return;
    const limit = Math.min(AROUND, this.store.limits?.historyMax ?? AROUND);
    const oldest = conv.oldestSeq;
    conv.loadingAround = true; // not trimmed away before the view shows it
    try {
      const [older, newer] = await Promise.all([
        this.client.historyPage({ conv: id, before: seq + 1, limit }),
        this.client.historyPage({ conv: id, after: seq, limit }),
      ]);
      this.addOlder(conv, older, oldest);
      this.store.addMessages(id, newer.messages);
      for (const hole of holesIn(conv.messages)) {
        if (hole.count <= HOLE_PAGE) await this.fillHole(id, hole.after, 'after');
      }
    } finally {
      conv.loadingAround = false;
    }
    this.store.changed('messages');
  }

  /**
   * Loads one page into the hole that starts after `after`: from its lower edge on ('after':
   * reading on from the older messages) or back from its upper edge ('before').
   */
  async fillHole(id, after, from = 'after') {
    const conv = this.store.conv(id);
    const hole = conv ? holesIn(conv.messages).find((h) => h.after === after) : null;
    if (!hole || conv.fillingHole) return;
    conv.fillingHole = true;
    this.store.changed('messages');
    try {
      const limit = Math.min(hole.count, HOLE_PAGE, this.store.limits?.historyMax ?? HOLE_PAGE);
      const fields = from === 'before' ? { before: hole.before } : { after: hole.after };
      const page = await this.client.historyPage({ conv: id, ...fields, limit });
      this.store.addMessages(id, page.messages);
    } finally {
      conv.fillingHole = false;
      this.store.changed('messages');
    }
  }

  /** A page read backwards: when it reaches below what was held, it tells whether more is older. */
  addOlder(conv, page, oldestBefore) {
    const { messages } = page;
    this.store.addMessages(conv.id, messages);
    if (messages.length > 0 && (oldestBefore == null || messages[0].seq < oldestBefore)) {
      conv.hasOlder = !!page.more && conv.oldestSeq > 1;
    }
  }
}
