// Message search: the pure rules (terms, marked excerpts, pages adding up, what is said) and
// `client.search` against the in-memory server: requests, paging with the cursor, a stale reply
// dropped, errors in words.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addSearchPage, highlightParts, newSearch, resultTime, searchErrorText, searchRequest,
  searchStatusText, searchTerms,
} from '../js/searchRules.js';
import { signedIn } from './clients.js';
import { FakeServer, settle } from './fakes.js';

const marked = (parts) => parts.map((p) => (p.match ? `[${p.text}]` : p.text)).join('');

test('a query is its words, lower-cased, each once', () => {
  assert.deepEqual(searchTerms('Release  notes, release!'), ['release', 'notes']);
  assert.deepEqual(searchTerms('  @alice #general'), ['alice', 'general']);
  assert.deepEqual(searchTerms('Ünïcode 2024 CAFÉ'), ['unicode', '2024', 'cafe']);
  assert.deepEqual(searchTerms('!!! ...'), []);
});

test('the matched start of each word is marked; the rest is plain text', () => {
  const terms = searchTerms('rel NOTES');
  assert.equal(marked(highlightParts('The Release notes are out; relax.', terms)),
    'The [Rel]ease [notes] are out; [rel]ax.');
  // The longer of two terms matching one word wins; words inside others are not matched.
  assert.equal(marked(highlightParts('releases unreleased', searchTerms('rel release'))),
    '[release]s unreleased');
  assert.equal(marked(highlightParts('nothing here', terms)), 'nothing here');
  assert.equal(marked(highlightParts('<b>rel</b>', terms)), '<b>[rel]</b>', 'markup is only text');
  // Accents and case are folded as the server folds them, and the original letters marked.
  assert.equal(marked(highlightParts('Un Café crème, cafés', searchTerms('cafe CREM'))),
    'Un [Café] [crèm]e, [café]s');
  assert.equal(marked(highlightParts('Cafe\u0301 ok', searchTerms('cafe'))), '[Cafe\u0301] ok');
  assert.deepEqual(highlightParts('', terms), []);
});

test('a long text is cut to an excerpt around its first match, with … where cut', () => {
  const before = 'word '.repeat(80);
  const after = ' tail'.repeat(80);
  const parts = highlightParts(`${before}the needle is here${after}`, ['needle'], 100);
  const text = parts.map((p) => p.text).join('');
  assert.ok(text.startsWith('…') && text.endsWith('…'), text);
  assert.ok(text.length <= 102, `${text.length} characters`);
  assert.equal(parts.filter((p) => p.match).map((p) => p.text).join(), 'needle');
  assert.ok(text.indexOf('needle') < 50, 'the match shows near the start');
  // No match (the server matched something the client's words do not): the text's start.
  const start = highlightParts(`${before}${after}`, ['zzz'], 100).map((p) => p.text).join('');
  assert.ok(start.startsWith('word word') && start.endsWith('…'));
  // Whitespace runs become single spaces.
  assert.equal(marked(highlightParts('a\n\n  rel', ['rel'])), 'a [rel]');
});

test('a search page adds up: each result once, more only with a cursor and something new', () => {
  const r = (conv, seq) => ({ conv, message: { seq, from: 'bob', text: 't', ts: seq } });
  let s = newSearch('  rel  ', '#general');
  assert.equal(s.query, 'rel');
  assert.deepEqual(searchRequest(s, 20), { query: 'rel', conv: '#general', limit: 20 });
  s = addSearchPage(s, { results: [r('#general', 9), r('#general', 8), { conv: 5 }], more: true, next: 'c1' });
  assert.deepEqual(s.results.map((x) => x.message.seq), [9, 8]);
  assert.equal(s.results[0].message.conv, '#general', 'results know their conversation');
  assert.ok(s.more && s.loaded);
  assert.deepEqual(searchRequest(s, 20), { query: 'rel', conv: '#general', limit: 20, before: 'c1' });
  s = addSearchPage(s, { results: [r('#general', 8), r('#general', 3)], more: true, next: 'c2' });
  assert.deepEqual(s.results.map((x) => x.message.seq), [9, 8, 3]);
  const stuck = addSearchPage(s, { results: [r('#general', 3)], more: true, next: 'c3' });
  assert.equal(stuck.more, false, 'a page with nothing new ends the paging');
  assert.equal(addSearchPage(s, { results: [r('#x', 1)], more: true }).more, false, 'no cursor');
  assert.deepEqual(searchRequest(newSearch('a b'), 5), { query: 'a b', limit: 5 });
});

test('what the status line and errors say', () => {
  const s = { ...newSearch('rel'), loading: true };
  assert.equal(searchStatusText(newSearch(''), 0), '');
  assert.equal(searchStatusText(s, 0), 'Searching…');
  assert.equal(searchStatusText({ ...s, loaded: true, loading: false }, 0), 'No messages match “rel”.');
  assert.equal(searchStatusText({ ...newSearch('rel', '#a'), loaded: true }, 1), '1 message matching “rel” in #a');
  assert.equal(searchStatusText({ ...s, loaded: true, more: true }, 20), 'The newest 20 messages matching “rel”');
  assert.equal(searchErrorText({ code: 'rate_limited', retryAfterMs: 2500 }),
    'Searching too often. Try again in 3 seconds.');
  assert.equal(searchErrorText({ code: 'rate_limited', retryAfterMs: 300 }),
    'Searching too often. Try again in a second.');
  assert.match(searchErrorText({ code: 'bad_request', message: 'query: empty' }), /Type one or more words/);
  assert.match(searchErrorText({ code: 'bad_request', message: 'query: at most 16 words' }), /too many words/);
  assert.equal(searchErrorText({ code: 'forbidden' }, newSearch('x', '#secret')), 'You can no longer read #secret.');
  assert.match(searchErrorText({ code: 'internal' }), /failed/);
});

test('a result written today shows its time, an older one its date', () => {
  const now = new Date(2025, 2, 7, 15, 0).getTime();
  assert.match(resultTime(new Date(2025, 2, 7, 9, 5).getTime(), now, 'en-GB'), /^0?9:05$/);
  assert.match(resultTime(new Date(2025, 1, 3, 9, 5).getTime(), now, 'en-GB'), /^3 Feb,? 0?9:05$/);
  assert.match(resultTime(new Date(2023, 1, 3, 9, 5).getTime(), now, 'en-GB'), /2023/);
});

function world() {
  const server = new FakeServer({ features: ['search'] });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  server.createRoom('secret', 'bob');
  return server;
}

test('search asks the server, newest first, and pages with the cursor as before', async () => {
  const server = world();
  for (let i = 1; i <= 25; i++) server.store('bob', '#general', `release step ${i}`);
  server.store('bob', '@alice', 'the release is tomorrow');
  server.store('bob', '#general', 'unrelated');
  server.store('bob', '#secret', 'release secrets');
  const alice = await signedIn(server, 'alice');

  const first = await alice.client.search.run('  REL ');
  assert.deepEqual(server.requests('search').map(({ query, conv, limit, before }) => ({ query, conv, limit, before })),
    [{ query: 'REL', conv: undefined, limit: 20, before: undefined }]);
  assert.equal(first.results.length, 20);
  assert.deepEqual(first.results[0], {
    conv: '@bob',
    message: { ...server.convs.get('dm:alice:bob').messages[0], conv: '@bob' },
  });
  assert.equal(first.results[1].message.text, 'release step 25');
  assert.ok(first.more);
  assert.ok(!first.results.some((r) => r.conv === '#secret'), 'only where alice reads');

  const second = await alice.client.search.more();
  assert.equal(server.requests('search')[1].before, first.next);
  assert.equal(second.results.length, 26);
  assert.equal(second.results[25].message.text, 'release step 1');
  assert.equal(second.more, false);
  assert.equal(await alice.client.search.more(), second, 'nothing more to ask');
  assert.equal(server.requests('search').length, 2);

  const scoped = await alice.client.search.run('release', { conv: '@bob' });
  assert.equal(server.requests('search')[2].conv, '@bob');
  assert.deepEqual(scoped.results.map((r) => r.message.text), ['the release is tomorrow']);
});

test('an empty query asks nothing; a newer search makes the older reply stale', async () => {
  const server = world();
  server.store('bob', '#general', 'apples and pears');
  server.store('bob', '#general', 'plums');
  const alice = await signedIn(server, 'alice');
  const changes = [];
  alice.store.subscribe((what) => changes.push(what));

  const empty = await alice.client.search.run('   ');
  assert.equal(empty.query, '');
  assert.equal(server.requests('search').length, 0);

  // The first reply is held back until the second search has been answered.
  let release = null;
  server.hooks.search = (socket, frame) => {
    if (frame.query !== 'app') return undefined;
    release = () => server.search(socket.user, frame,
      (fields) => server.push(socket, { type: 'ok', re: frame.id, ...fields }), () => {});
    return 'handled';
  };
  const older = alice.client.search.run('app');
  await settle();
  assert.equal(alice.client.search.state.loading, true);
  const newer = await alice.client.search.run('plu');
  assert.deepEqual(newer.results.map((r) => r.message.text), ['plums']);
  release();
  await older;
  assert.deepEqual(alice.client.search.state.results.map((r) => r.message.text), ['plums'],
    'the late reply to "app" was dropped');
  assert.ok(changes.includes('search'));

  alice.client.search.clear();
  assert.equal(alice.client.search.state.query, '');
});

test('refusals are said politely: bad_request, forbidden, rate_limited, offline', async () => {
  const server = world();
  const alice = await signedIn(server, 'alice');
  const bad = await alice.client.search.run('!!!'); // no words: the server says bad_request
  assert.match(bad.error, /Type one or more words/);
  assert.equal(bad.loading, false);
  const forbidden = await alice.client.search.run('x', { conv: '#secret' });
  assert.equal(forbidden.error, 'You can no longer read #secret.');
  server.hooks.search = (socket, frame) => {
    server.push(socket, { type: 'error', re: frame.id, code: 'rate_limited', message: 'slow', retryAfterMs: 4000 });
    return 'handled';
  };
  const limited = await alice.client.search.run('x');
  assert.equal(limited.error, 'Searching too often. Try again in 4 seconds.');
  server.dropAll();
  server.down = true;
  await settle();
  const offline = await alice.client.search.run('x');
  assert.match(offline.error, /Not connected/);
});
