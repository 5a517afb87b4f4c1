// Files in the composer: the "Attach file" button (shown when the server lists `files`), files
// dropped on the conversation and files pasted into the message field. Each attached file is a
// chip with its name, its size or why it failed, a progress bar while it uploads, and Remove.

import { h } from '../dom.js';
import { attachmentsStatus, chipView, isInlineImage } from '../files.js';
import { FEATURE } from '../rules.js';

export function mountAttachments({ client, $, input, composerError }) {
  const pane = $('#conversation-pane');
  const button = $('#attach-button');
  const fileInput = $('#file-input');
  const list = $('#attachments');
  const status = $('#attachments-status');
  let shownConv = null;
  let enabled = false;
  const chips = new Map(); // attachment key -> {li, sig}

  button.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    attach([...fileInput.files]);
    fileInput.value = ''; // the same file may be chosen again
  });

  // Pasted files (a screenshot, files copied in a file manager); pasted text stays text.
  input.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0 || !enabled) return;
    event.preventDefault();
    attach(files);
  });

  // Dropped files: anywhere on the open conversation. A file dropped elsewhere on the page is
  // not opened by the browser in place of the chat.
  let dragDepth = 0;
  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  pane.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event) || !enabled) return;
    event.preventDefault();
    dragDepth++;
    pane.classList.add('drop-active');
  });
  pane.addEventListener('dragover', (event) => {
    if (!carriesFiles(event) || !enabled) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  pane.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) pane.classList.remove('drop-active');
  });
  pane.addEventListener('drop', (event) => {
    dragDepth = 0;
    pane.classList.remove('drop-active');
    if (!carriesFiles(event) || !enabled) return;
    event.preventDefault();
    attach([...event.dataTransfer.files]);
    input.focus();
  });
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, (event) => {
      if (carriesFiles(event) && !pane.contains(event.target)) event.preventDefault();
    });
  }

  list.addEventListener('click', (event) => {
    const remove = event.target.closest('button[data-key]');
    if (!remove || !shownConv) return;
    const keys = client.uploads.list(shownConv).map((a) => a.key);
    const at = keys.indexOf(remove.dataset.key);
    client.uploads.remove(shownConv, remove.dataset.key);
    if (composerError.textContent) composerError.textContent = '';
    // Focus goes to the next chip's Remove (or the one before), else back to the message field.
    const next = keys[at + 1] ?? keys[at - 1];
    render(shownConv, { enabled, waiting: false });
    const target = next ? list.querySelector(`button[data-key="${next}"]`) : null;
    (target ?? input).focus();
  });

  function attach(files) {
    if (!shownConv || !enabled || files.length === 0) return;
    const refused = client.uploads.add(shownConv, files);
    composerError.textContent = refused.join(' ');
  }

  /**
   * Shows the attachments of `conv`; `enabled` is false where nothing may be written (a blocked
   * peer), `waiting` while a send waits for the uploads.
   */
  function render(conv, { enabled: writable, waiting }) {
    shownConv = conv;
    enabled = writable && client.can(FEATURE.files) && !!client.httpOrigin;
    button.hidden = !client.can(FEATURE.files) || !client.httpOrigin;
    button.disabled = !enabled;
    const attachments = conv ? client.uploads.list(conv) : [];
    list.hidden = attachments.length === 0;
    const keep = new Set();
    const wanted = [];
    for (const a of attachments) {
      keep.add(a.key);
      const sig = `${a.state}\u0001${a.error ?? ''}`;
      let entry = chips.get(a.key);
      if (!entry || entry.sig !== sig) {
        const li = chip(a);
        if (entry) entry.li.replaceWith(li);
        entry = { li, sig };
        chips.set(a.key, entry);
      }
      update(entry.li, a);
      wanted.push(entry.li);
    }
    for (const [key, entry] of chips) {
      if (keep.has(key)) continue;
      entry.li.remove();
      chips.delete(key);
    }
    let cursor = list.firstChild;
    for (const li of wanted) {
      if (li === cursor) cursor = cursor.nextSibling;
      else list.insertBefore(li, cursor);
    }
    const text = attachmentsStatus(attachments, waiting);
    if (status.textContent !== text) status.textContent = text;
  }

  function chip(a) {
    const view = chipView(a);
    return h('li', { class: 'attachment', dataset: { key: a.key, state: a.state } },
      h('span', { class: 'attachment-icon', 'aria-hidden': 'true' }, isInlineImage(a.type) ? '🖼' : '📄'),
      h('span', { class: 'attachment-text' },
        h('span', { class: 'attachment-name' }, a.name),
        h('span', { class: a.state === 'failed' ? 'attachment-status attachment-error' : 'attachment-status' },
          view.status),
        a.state === 'uploading'
          ? h('progress', {
            class: 'attachment-progress', max: '100', value: String(view.percent),
            'aria-label': `Uploading ${a.name}`,
          })
          : null),
      h('button', {
        type: 'button', class: 'attachment-remove', 'aria-label': view.removeLabel,
        title: view.removeLabel, dataset: { key: a.key },
      }, h('span', { 'aria-hidden': 'true' }, '×')));
  }

  /** What changes while a file uploads: its progress, kept in place (no rebuilt element). */
  function update(li, a) {
    const view = chipView(a);
    const progress = li.querySelector('progress');
    if (progress && progress.value !== view.percent) progress.value = view.percent;
    const line = li.querySelector('.attachment-status');
    if (line.textContent !== view.status) line.textContent = view.status;
  }

  return { render, attach };
}
