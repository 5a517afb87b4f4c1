// The outbox: messages the user wrote that the server has not confirmed yet. Each shows at once
// as a local echo, is sent with its own cid, one at a time and in order while connected, and is
// kept (also in storage, across reloads) until the server's copy replaces it. No DOM here.

import { cleanFiles, filePath, MAX_FILES } from './files.js';
import { errorText, newCid } from './logic.js';
import { ChatError } from './protocol.js';

const STORAGE_KEY = 'chat.outbox';

export class Outbox {
  constructor(client) {
    this.client = client;
    this.store = client.store;
    this.conn = client.conn;
    this.storage = client.storage;
    this.pumping = false;
  }

  /**
   * Queues a message (shown at once as pending) and sends it when connected; `replyTo` is the
   * seq of the message it answers, `files` the uploaded files it carries ({id, name, size,
   * type}; with files the text may be empty).
   */
  send(conv, text, { replyTo = null, files = [] } = {}) {
    if (String(text).trim() === '' && files.length === 0) return null;
    if (files.length > MAX_FILES) {
      throw new ChatError('too_large', `A message has at most ${MAX_FILES} files.`);
    }
    const max = this.store.limits?.maxTextChars ?? 4000;
    const length = [...String(text)].length;
    if (length > max) {
      throw new ChatError('too_large',
        `Messages have at most ${max} characters; this one has ${length}.`);
    }
    const cid = newCid(this.client.randomBytes);
    const item = this.store.enqueue({
      conv, text: String(text), cid, ts: this.client.now(), replyTo, files,
    });
    this.client.typingSentAt.delete(conv);
    this.save();
    this.store.changed('outbox');
    this.pump();
    return item;
  }

  /** Sends a failed message again, with the same cid (so it is never stored twice). */
  retry(cid) {
    const item = this.store.outboxItem(cid);
    if (!item || item.state !== 'failed') return;
    item.state = 'queued';
    item.error = null;
    this.save();
    this.store.changed('outbox');
    this.pump();
  }

  discard(cid) {
    const item = this.store.outboxItem(cid);
    if (!item || item.state === 'sending') return;
    this.store.removeFromOutbox(item.conv, cid);
    this.save();
    this.store.changed('outbox');
  }

  /** Sends queued messages one at a time, in order, while connected. */
  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    const store = this.store;
    try {
      while (this.client.ready) {
        const item = store.outbox.find((i) => i.state === 'queued');
        if (!item) break;
        item.state = 'sending';
        store.changed('outbox');
        const generation = this.client.generation;
        try {
          const fields = { to: item.conv, text: item.text, cid: item.cid };
          if (item.replyTo != null) fields.replyTo = item.replyTo;
          if (item.files.length > 0) fields.files = item.files.map((f) => f.id);
          const ok = await this.conn.request('send', fields);
          const conv = ok.conv ?? item.conv;
          store.removeFromOutbox(item.conv, item.cid);
          store.addMessages(conv, [{
            seq: ok.seq, ts: ok.ts, cid: ok.cid ?? item.cid, from: store.me, text: item.text,
            replyTo: item.replyTo ?? undefined,
            // The server's URL of a file is documented (docs/protocol.md): the echo of this
            // message in `message` events carries the same.
            files: item.files.map((f) => ({ ...f, url: filePath(f.id) })),
          }]);
          const c = store.conv(conv);
          if (c && c.syncedSeq == null) this.client.background(this.client.loadLatest(conv));
          this.client.queueRead(conv, ok.seq);
        } catch (e) {
          if (e.code === 'disconnected' || generation !== this.client.generation) {
            if (item.state === 'sending') item.state = 'queued';
            break;
          }
          if (e.code === 'rate_limited') {
            item.state = 'queued';
            store.changed('outbox');
            await this.client.sleep(Math.max(250, e.retryAfterMs ?? 1000));
            continue;
          }
          item.state = 'failed';
          item.error = errorText(e);
        }
        this.save();
        store.changed('outbox');
      }
    } finally {
      this.pumping = false;
    }
  }

  save() {
    const items = this.store.outbox.map(({ conv, text, cid, ts, state, error, replyTo, files }) => ({
      conv, text, cid, ts, state: state === 'failed' ? 'failed' : 'queued', error, replyTo,
      files: cleanFiles(files).map(({ id, name, size, type }) => ({ id, name, size, type })),
    }));
    if (items.length === 0) this.storage.removeItem(STORAGE_KEY);
    else this.storage.setItem(STORAGE_KEY, JSON.stringify({ user: this.store.me, items }));
  }
}
