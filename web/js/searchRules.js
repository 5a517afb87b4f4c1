// Pure rules of message search: the request for a page, pages adding up, the words of a query,
// a result's excerpt with the matched words marked, when a result was written, and what to say
// about a search and its errors. No DOM, no network; unit-tested in test/search.test.js.

/** Results asked for per page (the protocol's default). */
export const SEARCH_PAGE = 20;

/** Characters of a result's text shown around its first match. */
export const EXCERPT_CHARS = 160;

/** A fresh search for `query` (trimmed), in conversation `conv` or in all of them (null). */
export function newSearch(query = '', conv = null) {
  return {
    query: String(query ?? '').trim(),
    conv: typeof conv === 'string' && conv !== '' ? conv : null,
    results: [], // [{conv, message}], newest first, each (conv, seq) once
    more: false,
    next: null,
    loaded: false, // a first page came back
    loading: false,
    error: null, // a sentence to show
  };
}

/** The fields of the `search` request for the next page of `search`. */
export function searchRequest(search, limit = SEARCH_PAGE) {
  const fields = { query: search.query, limit };
  if (search.conv) fields.conv = search.conv;
  if (search.next != null && search.results.length > 0) fields.before = search.next;
  return fields;
}

/**
 * The search with one more page added. Results already listed are not listed twice; one without
 * a conversation or a seq is dropped. A page that brought nothing new ends the paging (no asking
 * forever on a confused reply).
 */
export function addSearchPage(search, reply) {
  const key = (r) => `${r.conv} ${r.message.seq}`;
  const seen = new Set(search.results.map(key));
  const added = [];
  for (const r of Array.isArray(reply?.results) ? reply.results : []) {
    if (!r || typeof r.conv !== 'string' || !Number.isSafeInteger(r.message?.seq)) continue;
    if (seen.has(key(r))) continue;
    seen.add(key(r));
    added.push({ conv: r.conv, message: { ...r.message, conv: r.conv } });
  }
  const next = typeof reply?.next === 'string' || Number.isFinite(reply?.next) ? reply.next : null;
  return {
    ...search,
    results: [...search.results, ...added],
    more: !!reply?.more && added.length > 0 && next != null,
    next,
    loaded: true,
    loading: false,
    error: null,
  };
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu; // marks go with their letter

/** A word as the server compares it: lower case, accents taken off (Café → cafe). */
export function foldWord(word) {
  return String(word).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of a query, folded, each once, in order ("Release notes!" → release, notes). */
export function searchTerms(query) {
  const terms = [];
  for (const match of String(query ?? '').matchAll(WORD)) {
    const term = foldWord(match[0]);
    if (term && !terms.includes(term)) terms.push(term);
  }
  return terms;
}

/**
 * A result's text as parts {text, match}: the words starting with a term have that start marked
 * (`rel` marks "Rel" of "Release", `cafe` marks "Café"): compared folded, as the server does. A text longer than `max` characters is cut to an excerpt
 * around its first match, with "…" where something was left out. Joining the parts' text gives
 * the excerpt.
 */
export function highlightParts(input, terms, max = EXCERPT_CHARS) {
  const text = String(input ?? '').replace(/\s+/g, ' ').trim();
  const marks = []; // [start, end) in `text`
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const folded = foldWord(word);
    let best = 0;
    for (const term of terms) {
      if (term.length > best && folded.startsWith(term)) best = term.length;
    }
    if (best > 0) marks.push([match.index, match.index + prefixLength(word, best)]);
  }
  const [from, to] = excerptRange(text, marks[0]?.[0] ?? 0, max);
  const parts = [];
  if (from > 0) parts.push({ text: '…', match: false });
  let at = from;
  for (const [start, end] of marks) {
    if (end <= from || start >= to) continue;
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (s > at) parts.push({ text: text.slice(at, s), match: false });
    parts.push({ text: text.slice(s, e), match: true });
    at = e;
  }
  if (to > at) parts.push({ text: text.slice(at, to), match: false });
  if (to < text.length) parts.push({ text: '…', match: false });
  return parts;
}

/** How many characters of `word` fold to its first `length` folded ones (é → e, İ → i). */
function prefixLength(word, length) {
  let taken = 0;
  let chars = 0;
  for (const ch of word) {
    if (taken >= length) break;
    taken += foldWord(ch).length;
    chars += ch.length;
  }
  // Marks written apart from their letter (e + ◌́) belong to the letter before them.
  while (chars < word.length && /\p{M}/u.test(word[chars])) chars++;
  return chars;
}

/** [from, to) of at most `max` characters of `text` showing `focus`, a little of what precedes. */
function excerptRange(text, focus, max) {
  if (text.length <= max) return [0, text.length];
  let from = Math.max(0, Math.min(focus - Math.floor(max / 4), text.length - max));
  // Start and end at a space where one is near, not inside a word (or between surrogates).
  if (from > 0) {
    const space = text.lastIndexOf(' ', focus);
    if (space >= from - 20 && space < focus) from = space + 1;
    else if (isLowSurrogate(text, from)) from--;
  }
  let to = Math.min(text.length, from + max);
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > focus && space > from + max / 2) to = space;
    else if (isLowSurrogate(text, to)) to--;
  }
  return [from, to];
}

function isLowSurrogate(text, index) {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** When a result was written: the time today, else the date and time (with the year if not this one). */
export function resultTime(ts, now, locale = undefined) {
  const date = new Date(ts);
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  const options = sameDay ? { hour: 'numeric', minute: '2-digit' }
    : {
      day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit',
      ...(date.getFullYear() === today.getFullYear() ? {} : { year: 'numeric' }),
    };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** What the status line says about a search showing `shown` results. */
export function searchStatusText(search, shown) {
  if (!search.query) return '';
  const where = search.conv ? ` in ${search.conv}` : '';
  if (!search.loaded) return search.loading ? 'Searching…' : '';
  if (shown === 0 && !search.more) return `No messages match “${search.query}”${where}.`;
  const noun = shown === 1 ? '1 message' : `${shown} messages`;
  return search.more ? `The newest ${noun} matching “${search.query}”${where}`
    : `${noun} matching “${search.query}”${where}`;
}

/** A failed search in words: what happened and what to do. */
export function searchErrorText(error, search = null) {
  switch (error?.code) {
    case 'rate_limited': {
      const seconds = Math.ceil((error.retryAfterMs ?? 1000) / 1000);
      return `Searching too often. Try again in ${seconds === 1 ? 'a second' : `${seconds} seconds`}.`;
    }
    case 'bad_request':
      if (/at most \d+ words/i.test(error.message ?? '')) {
        return 'That search has too many words. Leave some out and search again.';
      }
      return 'That search cannot be run. Type one or more words to look for.';
    case 'forbidden':
    case 'not_found':
      return search?.conv ? `You can no longer read ${search.conv}.` : 'That search is not allowed.';
    case 'disconnected':
      return 'Not connected to the server. Search again when the connection is back.';
    case 'timeout':
      return 'The server did not answer in time. Try again.';
    default:
      return 'The search failed. Try again in a moment.';
  }
}
