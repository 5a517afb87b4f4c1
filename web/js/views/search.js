// Message search in the left pane: the "Search messages" field (Enter searches at once, typing
// after a pause, Escape closes), and while a search is open its results in place of the
// conversation list, newest first, each a button with the conversation, the sender, the time
// and the text with the matched words marked; "Load more" reads the next page. Choosing a
// result opens its conversation at that message. Only shown when the server lists `search`.

import { avatar, h } from '../dom.js';
import { filesLine } from '../files.js';
import { errorText } from '../logic.js';
import { FEATURE, isHiddenMessage } from '../rules.js';
import { highlightParts, resultTime, searchStatusText, searchTerms } from '../searchRules.js';

const SEARCH_DELAY_MS = 300;

export function mountSearch({ client, store, $, toast }) {
  const form = $('#search-form');
  const input = $('#search-input');
  const panel = $('#search-panel');
  const status = $('#search-status');
  const error = $('#search-error');
  const list = $('#search-results');
  const more = $('#search-more-button');
  const scopeField = $('#search-scope-field');
  const scope = $('#search-scope');
  const scopeLabel = $('#search-scope-label');
  const nav = $('.conv-nav');
  let timer = null;
  let shown = null; // the search state the list shows
  let items = new Map(); // 'conv seq' -> li
  let chosen = null; // 'conv seq' of the result opened last

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (input.value.trim() === '') {
      close(false);
      return;
    }
    timer = setTimeout(run, SEARCH_DELAY_MS); // one search when typing pauses, not one per key
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && (isOpen() || input.value !== '')) {
      event.preventDefault();
      close(false);
    } else if (event.key === 'ArrowDown' && isOpen()) {
      const first = list.querySelector('button.search-result');
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  scope.addEventListener('change', () => run());
  $('#search-close-button').addEventListener('click', () => close(true));
  more.addEventListener('click', async () => {
    const before = list.children.length;
    await client.search.more();
    // Keyboard users go on where the list grew.
    list.children[before]?.querySelector('button')?.focus();
  });
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button.search-result');
    if (button) choose(button.dataset.conv, Number(button.dataset.seq));
  });
  list.addEventListener('keydown', (event) => {
    const buttons = [...list.querySelectorAll('button.search-result')];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      // Up and down arrows move between results; up from the first goes back to the field.
      event.preventDefault();
      const next = at + (event.key === 'ArrowDown' ? 1 : -1);
      if (next < 0) input.focus();
      else buttons[Math.min(buttons.length - 1, next)].focus();
    }
  });

  function run() {
    clearTimeout(timer);
    timer = null;
    const conv = scope.checked ? scopeConv() : null;
    const now = client.search.state;
    // Enter after the pause already searched for the same: nothing new to ask.
    if (now.query === input.value.trim() && now.conv === conv && !now.error
        && (now.loading || now.loaded)) return;
    client.search.run(input.value, { conv });
  }

  /** The conversation "Only in" names: the one searched in, else the open one. */
  function scopeConv() {
    return client.search.state.conv ?? store.activeConv;
  }

  function isOpen() {
    return client.search.state.query !== '';
  }

  /** Closes the results (the conversation list shows again) and empties the field. */
  function close(focusField) {
    clearTimeout(timer);
    timer = null;
    input.value = '';
    scope.checked = false;
    chosen = null;
    client.search.clear();
    if (focusField) input.focus();
  }

  async function choose(conv, seq) {
    chosen = `${conv} ${seq}`;
    render();
    client.rooms.open(conv);
    try {
      if (!(await client.history.show(conv, seq))) {
        toast('That message is not there any more.', 'error');
      }
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }

  function render() {
    const available = !!store.me && client.can(FEATURE.search);
    form.hidden = !available;
    const search = client.search.state;
    const open = available && search.query !== '';
    panel.hidden = !open;
    nav.hidden = open;
    if (!open) {
      if (shown) {
        list.replaceChildren();
        items = new Map();
        shown = null;
      }
      return;
    }
    const where = scopeConv();
    scopeField.hidden = !where;
    if (where) {
      scope.checked = search.conv != null;
      if (scopeLabel.textContent !== `Only in ${where}`) scopeLabel.textContent = `Only in ${where}`;
    }
    if (search !== shown) renderResults(search);
    for (const [key, li] of items) {
      const button = li.firstChild;
      if (key === chosen) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  function renderResults(search) {
    if (shown && (shown.query !== search.query || shown.conv !== search.conv)) {
      list.replaceChildren(); // a new search: nothing of the old one stays
      items = new Map();
    }
    shown = search;
    const visible = search.results.filter((r) => !(r.conv.startsWith('#')
      && isHiddenMessage(r.message, store.blocked, store.me)));
    const terms = searchTerms(search.query);
    const now = Date.now();
    const keep = new Set();
    for (const r of visible) {
      const key = `${r.conv} ${r.message.seq}`;
      keep.add(key);
      if (!items.has(key)) {
        const li = resultItem(r, terms, now);
        items.set(key, li);
        list.append(li);
      }
    }
    for (const [key, li] of items) {
      if (!keep.has(key)) {
        li.remove();
        items.delete(key);
      }
    }
    const text = searchStatusText(search, visible.length);
    if (status.textContent !== text) status.textContent = text;
    if (error.textContent !== (search.error ?? '')) error.textContent = search.error ?? '';
    more.hidden = !search.more;
    more.disabled = search.loading;
  }

  function resultItem({ conv, message }, terms, now) {
    const date = new Date(message.ts);
    return h('li', { class: 'search-result-item', dataset: { conv, seq: message.seq } },
      h('button', {
        type: 'button', class: 'search-result', dataset: { conv, seq: message.seq },
      },
      avatar(message.from, 'search-result-avatar'),
      h('span', { class: 'search-result-main' },
        h('span', { class: 'search-result-top' },
          h('span', { class: 'search-result-sender' }, message.from),
          h('span', { class: 'search-result-conv' }, conv),
          h('time', {
            class: 'search-result-time', datetime: date.toISOString(), title: date.toLocaleString(),
          }, resultTime(message.ts, now))),
        h('span', { class: 'search-result-text' },
          highlightParts(message.text, terms).map((part) => (part.match
            ? h('mark', {}, part.text) : part.text))),
        // Its files, named in a line ("📎 cat.png and 1 more"), as in a reply's quote.
        message.files?.length ? h('span', { class: 'search-result-files' }, filesLine(message.files))
          : null)));
  }

  return {
    render,
    /** True while results show in place of the conversation list. */
    isOpen: () => !panel.hidden,
    /** Focuses the result opened last (back from its conversation on a phone). */
    focusChosen() {
      const li = chosen ? items.get(chosen) : null;
      (li?.firstChild ?? input).focus();
    },
  };
}
