// Attachments: the files the user attached in each conversation's composer, each uploaded at
// once (`POST /files` on the server's HTTP origin with the sign-in token, one request per file,
// through XMLHttpRequest for its upload progress). Each is uploading, done (the server's file)
// or failed (with why); removing one aborts its upload. A send takes the conversation's done
// files. No DOM here: the request object is made by `createRequest`, an XMLHttpRequest in the
// page and a fake in the tests.

import { attachError, uploadedFile, uploadErrorText, uploadName } from './files.js';

export class Uploads {
  /**
   * `origin` is the server's HTTP origin (null: uploads are not possible); `createRequest()`
   * returns a new XMLHttpRequest (or something that behaves like one).
   */
  constructor(client, { origin = null, createRequest = () => new XMLHttpRequest() } = {}) {
    this.client = client;
    this.origin = origin;
    this.createRequest = createRequest;
    this.byConv = new Map(); // conv -> [attachment]
    this.nextKey = 1;
    this.settleWaiters = new Map(); // conv -> [resolve]
  }

  get store() {
    return this.client.store;
  }

  /** The attachments of `conv`, in the order they were added. */
  list(conv) {
    return this.byConv.get(conv) ?? [];
  }

  /**
   * Attaches files (`File`s, or anything with name, size, type) to `conv` and starts uploading
   * each. Returns the sentences of those refused before upload (too large, one too many).
   */
  add(conv, files) {
    const refused = [];
    const list = [...this.list(conv)];
    const maxUploadBytes = this.store.limits?.maxUploadBytes;
    for (const file of files) {
      const why = attachError(file, { maxUploadBytes, attached: list.length });
      if (why) {
        if (!refused.includes(why)) refused.push(why);
        continue;
      }
      const attachment = {
        key: `a${this.nextKey++}`, conv, name: uploadName(file.name, fallbackName(file)),
        size: file.size, type: file.type || 'application/octet-stream', state: 'uploading',
        loaded: 0, error: null, file: null, request: null,
      };
      list.push(attachment);
      this.byConv.set(conv, list);
      this.start(attachment, file);
    }
    this.store.changed('uploads');
    return refused;
  }

  /** Removes an attachment (aborting its upload if it still runs). */
  remove(conv, key) {
    const list = this.list(conv);
    const attachment = list.find((a) => a.key === key);
    if (!attachment) return;
    this.byConv.set(conv, list.filter((a) => a !== attachment));
    if (attachment.state === 'uploading') {
      attachment.state = 'removed';
      attachment.request?.abort();
    }
    this.settled(conv);
    this.store.changed('uploads');
  }

  /** True while an upload of `conv` runs. */
  busy(conv) {
    return this.list(conv).some((a) => a.state === 'uploading');
  }

  /** Resolves once no upload of `conv` runs (at once if none does). */
  whenSettled(conv) {
    if (!this.busy(conv)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.settleWaiters.get(conv) ?? [];
      waiters.push(resolve);
      this.settleWaiters.set(conv, waiters);
    });
  }

  /** The files uploaded for `conv` so far ({id, name, size, type}), for the message to carry. */
  uploaded(conv) {
    return this.list(conv).filter((a) => a.state === 'done').map((a) => ({ ...a.file }));
  }

  /** The uploaded files of `conv` went with a message: they leave the composer. */
  sent(conv) {
    const rest = this.list(conv).filter((a) => a.state !== 'done');
    if (rest.length > 0) this.byConv.set(conv, rest);
    else this.byConv.delete(conv);
    this.store.changed('uploads');
  }

  /** Forgets every attachment, aborting uploads (signing out). */
  clear() {
    for (const list of this.byConv.values()) {
      for (const a of list) {
        if (a.state !== 'uploading') continue;
        a.state = 'removed';
        a.request?.abort();
      }
    }
    const convs = [...this.byConv.keys()];
    this.byConv.clear();
    for (const conv of convs) this.settled(conv);
  }

  start(attachment, file) {
    // Never another server's token (another tab may have signed in elsewhere).
    const token = this.client.tokenIsForThisServer() ? this.client.token : null;
    if (!this.origin || !token) {
      this.fail(attachment, this.origin ? uploadErrorText(401) : 'Uploads are not possible: the server\'s address is not known.');
      return;
    }
    const request = this.createRequest();
    attachment.request = request;
    request.open('POST', `${this.origin}/files`);
    request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Content-Type', attachment.type);
    request.setRequestHeader('X-File-Name', encodeURIComponent(attachment.name));
    request.upload.onprogress = (event) => {
      if (attachment.state !== 'uploading') return;
      attachment.loaded = Math.min(attachment.size, event.loaded ?? 0);
      this.store.changed('uploads');
    };
    request.onload = () => {
      if (attachment.state !== 'uploading') return;
      const uploaded = uploadedFile(request.status, request.responseText);
      if (!uploaded) {
        this.fail(attachment, uploadErrorText(request.status, request.responseText,
          { maxUploadBytes: this.store.limits?.maxUploadBytes }));
        return;
      }
      attachment.state = 'done';
      attachment.loaded = attachment.size;
      attachment.file = uploaded;
      attachment.request = null;
      this.settled(attachment.conv);
      this.store.changed('uploads');
    };
    // A network failure, or a refusal whose answer the browser could not read (CORS).
    request.onerror = () => {
      if (attachment.state === 'uploading') this.fail(attachment, uploadErrorText(0));
    };
    request.send(file);
  }

  fail(attachment, error) {
    attachment.state = 'failed';
    attachment.error = error;
    attachment.request = null;
    this.settled(attachment.conv);
    this.store.changed('uploads');
  }

  settled(conv) {
    if (this.busy(conv)) return;
    const waiters = this.settleWaiters.get(conv) ?? [];
    this.settleWaiters.delete(conv);
    for (const resolve of waiters) resolve();
  }
}

/** A name for a file that has none (a pasted image): "pasted-image.png" and the like. */
function fallbackName(file) {
  const subtype = /^image\/(png|jpeg|gif|webp)$/.exec(String(file.type ?? ''))?.[1];
  return subtype ? `pasted-image.${subtype === 'jpeg' ? 'jpg' : subtype}` : 'file';
}
