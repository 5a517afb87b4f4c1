// What the composer gained with replies and mentions: the "Replying to …" bar (with Cancel
// reply) and the list of names suggested after typing `@` (arrow keys, Enter or Tab to pick,
// Escape to close), as an ARIA combobox on the message field.

import { h, setChildren } from '../dom.js';
import { completeMention, mentionQuery, mentionSuggestions, quoteText } from '../messageRules.js';

export function mountComposerExtras({ store, $, input }) {
  const bar = $('#reply-bar');
  const barAuthor = $('#reply-bar-author');
  const barQuote = $('#reply-bar-quote');
  const cancelButton = $('#reply-cancel-button');
  const list = $('#mention-suggestions');
  const replies = new Map(); // conv -> seq being answered (kept per conversation, like drafts)
  let shownConv = null;
  let suggestion = null; // {start, names, index}

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  cancelButton.addEventListener('click', () => {
    cancelReply();
    input.focus();
  });
  input.addEventListener('input', () => suggest());
  input.addEventListener('click', () => suggest());
  input.addEventListener('blur', () => closeSuggestions());
  // A pick with the mouse must not blur the field first.
  list.addEventListener('mousedown', (event) => event.preventDefault());
  list.addEventListener('click', (event) => {
    const option = event.target.closest('[role=option]');
    if (option) pick(Number(option.dataset.index));
  });

  /**
   * Keys for the suggestions, before the composer's own (Enter sends): returns true when the
   * key was used here.
   */
  function handleKey(event) {
    if (event.key === 'Escape' && replies.has(shownConv) && !suggestion) {
      cancelReply();
      return true;
    }
    if (!suggestion) return false;
    const count = suggestion.names.length;
    switch (event.key) {
      case 'ArrowDown':
        suggestion.index = (suggestion.index + 1) % count;
        break;
      case 'ArrowUp':
        suggestion.index = (suggestion.index - 1 + count) % count;
        break;
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        pick(suggestion.index);
        return true;
      case 'Escape':
        closeSuggestions();
        return true;
      default:
        return false;
    }
    renderSuggestions();
    return true;
  }

  /** Who can be mentioned here: the room's members (or authors seen), or the direct peer. */
  function candidates() {
    const conv = shownConv ? store.conv(shownConv) : null;
    if (!conv) return [];
    if (conv.kind === 'direct') return [conv.id.slice(1)];
    const names = new Set((conv.members ?? []).map((m) => m.user));
    for (const m of conv.messages) names.add(m.from);
    return [...names];
  }

  function suggest() {
    const found = input.selectionStart === input.selectionEnd
      ? mentionQuery(input.value, input.selectionStart) : null;
    const names = found ? mentionSuggestions(candidates(), found.query, store.me) : [];
    if (!found || names.length === 0) {
      closeSuggestions();
      return;
    }
    const keep = suggestion && suggestion.start === found.start
      ? names.indexOf(suggestion.names[suggestion.index]) : -1;
    suggestion = { start: found.start, names, index: Math.max(0, keep) };
    renderSuggestions();
  }

  function renderSuggestions() {
    setChildren(list, suggestion.names.map((name, index) => h('li', {
      id: `mention-option-${index}`, role: 'option', class: 'mention-option',
      'aria-selected': index === suggestion.index ? 'true' : 'false',
      dataset: { index, user: name },
    }, '@' + name)));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    input.setAttribute('aria-activedescendant', `mention-option-${suggestion.index}`);
  }

  function pick(index) {
    const name = suggestion?.names[index];
    if (!name) return;
    const done = completeMention(input.value, input.selectionStart, suggestion.start, name);
    input.value = done.value;
    input.setSelectionRange(done.caret, done.caret);
    closeSuggestions();
    input.dispatchEvent(new Event('input', { bubbles: true })); // drafts, autosize, typing
  }

  function closeSuggestions() {
    suggestion = null;
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  // --- replies ---------------------------------------------------------------------------------

  function startReply(message) {
    replies.set(message.conv, message.seq);
    render(shownConv);
    input.focus();
  }

  function cancelReply() {
    replies.delete(shownConv);
    render(shownConv);
  }

  /** The seq the next message in `conv` answers, or null. */
  function replyTo(conv) {
    return replies.get(conv) ?? null;
  }

  function sent(conv) {
    replies.delete(conv);
    render(conv);
  }

  function render(conv) {
    if (conv !== shownConv) closeSuggestions();
    shownConv = conv;
    const seq = conv ? replies.get(conv) : null;
    const message = seq != null ? store.conv(conv)?.bySeq.get(seq) : null;
    if (seq != null && message?.deleted) replies.delete(conv); // nothing left to answer
    const shown = seq != null && !message?.deleted;
    bar.hidden = !shown;
    if (!shown) return;
    bar.dataset.seq = String(seq);
    const author = message?.from ?? 'a message';
    if (barAuthor.textContent !== author) barAuthor.textContent = author;
    const quote = quoteText(message) ?? 'Original message';
    if (barQuote.textContent !== quote) barQuote.textContent = quote;
  }

  return { handleKey, startReply, cancelReply, replyTo, sent, render, closeSuggestions };
}
