// Pure logic of the web client: names, "Go to" parsing, links, the timeline, unread counts,
// backoff and server URL choice. Run with: node --test web/test/

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  backoffDelay, buildTimeline, chooseServerUrl, dayLabel, errorText, GROUP_GAP_MS, linkify,
  localDayKey, messageKey, newCid, normalizeUser, parseTarget, passwordError, previewText,
  roomNameError, safeHttpUrl, sortConversations, typingText, unreadCount, userNameError,
} from '../js/logic.js';
import { createErrorText } from '../js/rooms.js';

describe('refused room creation', () => {
  test('a taken name and a name still being erased read differently', () => {
    const taken = { code: 'conflict', message: 'room #general already exists' };
    assert.equal(createErrorText('general', taken),
      'The room #general already exists. Use “Go to” to join it.');
    const erasing = {
      code: 'conflict',
      message: 'room #general was deleted and its history is still being erased; try again later',
    };
    assert.equal(createErrorText('general', erasing),
      'The room #general was just deleted and its history is still being erased. '
      + 'Try again in a minute.');
  });
});

describe('names', () => {
  test('user names follow the protocol pattern after lower-casing', () => {
    assert.equal(userNameError(normalizeUser('  Alice ')), null);
    assert.equal(normalizeUser('  Alice '), 'alice');
    assert.equal(userNameError('a.b-c_d9'), null);
    assert.match(userNameError('ab'), /at least 3/);
    assert.match(userNameError('a'.repeat(33)), /at most 32/);
    assert.equal(userNameError('a'.repeat(32)), null);
    assert.match(userNameError('_alice'), /start with a letter or a digit/);
    assert.match(userNameError('al ice'), /only/);
    assert.match(userNameError('alïce'), /only/);
    assert.match(userNameError(''), /Enter/);
  });

  test('room names allow 1 to 64 of a-z 0-9 _ - but no dots', () => {
    assert.equal(roomNameError('g'), null);
    assert.equal(roomNameError('dev-ops_2'), null);
    assert.equal(roomNameError('x'.repeat(64)), null);
    assert.match(roomNameError('x'.repeat(65)), /at most 64/);
    assert.match(roomNameError('a.b'), /only/);
    assert.match(roomNameError('-a'), /start with/);
    assert.match(roomNameError(''), /Enter/);
  });

  test('passwords have 8 to 256 code points', () => {
    assert.match(passwordError('1234567'), /at least 8/);
    assert.equal(passwordError('12345678'), null);
    assert.equal(passwordError('😀'.repeat(8)), null, 'emoji count as one character each');
    assert.equal(passwordError('x'.repeat(256)), null);
    assert.match(passwordError('x'.repeat(257)), /at most 256/);
  });
});

describe('parseTarget (the "Go to" box)', () => {
  test('@user opens a direct conversation, #room a room, both normalized', () => {
    assert.deepEqual(parseTarget(' @Bob '), { kind: 'user', name: 'bob', conv: '@bob' });
    assert.deepEqual(parseTarget('#General'), { kind: 'room', name: 'general', conv: '#general' });
  });

  test('explains what is wrong', () => {
    assert.match(parseTarget('general').error, /Start with @ .* or #/);
    assert.match(parseTarget('').error, /@name/);
    assert.match(parseTarget('@x').error, /at least 3/);
    assert.match(parseTarget('#a.b').error, /only/);
    assert.match(parseTarget('@alice', 'alice').error, /yourself/);
  });
});

describe('linkify', () => {
  const joined = (parts) => parts.map((p) => p.text).join('');

  test('http and https URLs become links, the rest stays text', () => {
    const parts = linkify('see https://example.org/a?b=1#c and http://x.test now');
    assert.deepEqual(parts, [
      { text: 'see ' },
      { url: 'https://example.org/a?b=1#c', text: 'https://example.org/a?b=1#c' },
      { text: ' and ' },
      { url: 'http://x.test/', text: 'http://x.test' },
      { text: ' now' },
    ]);
  });

  test('other schemes are never links', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://x.test/a',
      'vbscript:msgbox', 'file:///etc/passwd', '<a href="javascript:x">y</a>']) {
      const parts = linkify(text);
      assert.ok(parts.every((p) => !p.url), text);
      assert.equal(joined(parts), text);
    }
  });

  test('a javascript: URL hidden after http is not a link', () => {
    const parts = linkify('xhttp://evil.test javascript:http://x');
    assert.ok(parts.every((p) => !p.url || p.url.startsWith('http')));
    assert.equal(joined(parts), 'xhttp://evil.test javascript:http://x');
  });

  test('trailing punctuation and unbalanced brackets stay outside the link', () => {
    assert.deepEqual(linkify('(see https://example.org/x).'), [
      { text: '(see ' },
      { url: 'https://example.org/x', text: 'https://example.org/x' },
      { text: ').' },
    ]);
    const wiki = linkify('https://en.wikipedia.org/wiki/Foo_(bar), ok');
    assert.equal(wiki[0].text, 'https://en.wikipedia.org/wiki/Foo_(bar)');
    assert.equal(joined(wiki), 'https://en.wikipedia.org/wiki/Foo_(bar), ok');
  });

  // Another user's text chooses the candidate: trimming this one was cubic in its length (11 s
  // here, in every reader's page); it is now one pass, a few milliseconds. Run in a worker, so
  // that a page-freezing regression fails after 5 s instead of holding the suite.
  test('a long run of dots and closing brackets is trimmed in one pass', async () => {
    const text = `http://a.b/${'.'.repeat(2000)}x${')'.repeat(1980)}`;
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(({ linkify }) => parentPort.postMessage(linkify(workerData.text)));
    `, { eval: true, workerData: { text, module: new URL('../js/logic.js', import.meta.url).href } });
    let timer;
    try {
      const parts = await Promise.race([
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
        new Promise((resolve, reject) => {
          timer = setTimeout(() => reject(new Error('linkify took over 5 s')), 5000);
        }),
      ]);
      assert.equal(parts[0].text, `http://a.b/${'.'.repeat(2000)}x`);
      assert.equal(joined(parts), text);
    } finally {
      clearTimeout(timer);
      await worker.terminate();
    }
  });

  test('a link that may not say where it goes carries the host it goes to', () => {
    const userPart = linkify('log in at https://bank.example@evil.test/login now');
    assert.deepEqual(userPart[1], {
      url: 'https://bank.example@evil.test/login',
      text: 'https://bank.example@evil.test/login',
      host: 'evil.test',
    });
    assert.equal(joined(userPart), 'log in at https://bank.example@evil.test/login now');
    const cyrillic = linkify('https://\u0430pple.com/id'); // а is Cyrillic
    assert.equal(cyrillic[0].host, 'xn--pple-43d.com');
    assert.equal(cyrillic[0].url, 'https://xn--pple-43d.com/id');
    assert.equal(linkify('https://b\u00fccher.example').at(0).host, 'xn--bcher-kva.example');
    for (const plain of ['https://example.org/a@b', 'https://example.org/?q=\u00e9t\u00e9',
      'http://x.test:8080/p#@frag']) {
      assert.equal(linkify(plain)[0].host, undefined, plain);
    }
  });

  test('a link ends before a text-direction control', () => {
    const text = 'https://evil.example/\u202egnp.exe';
    const parts = linkify(text);
    assert.deepEqual(parts[0], { url: 'https://evil.example/', text: 'https://evil.example/' });
    assert.equal(joined(parts), text);
  });

  test('markup in text is just text, and text is always preserved exactly', () => {
    const text = '<img src=x onerror=alert(1)> https://a.test/<script> "q"';
    const parts = linkify(text);
    assert.equal(joined(parts), text);
    const link = parts.find((p) => p.url);
    assert.equal(link.text, 'https://a.test/');
  });

  test('URLs without a host are not links', () => {
    assert.equal(safeHttpUrl('http://'), null);
    assert.equal(safeHttpUrl('https:///path'), 'https://path/', 'the URL parser repairs this one');
    assert.deepEqual(linkify('http:// nothing'), [{ text: 'http:// nothing' }]);
  });

  test('empty and plain text', () => {
    assert.deepEqual(linkify(''), []);
    assert.deepEqual(linkify('plain'), [{ text: 'plain' }]);
  });
});

describe('timeline', () => {
  const day1 = new Date(2024, 2, 5, 10, 0).getTime();
  const day2 = new Date(2024, 2, 6, 9, 0).getTime();
  const msg = (seq, from, ts, extra = {}) => ({ seq, from, ts, text: `m${seq}`, cid: `c${seq}`, ...extra });

  test('day separators come before the first message of each local day', () => {
    const items = buildTimeline([msg(1, 'bob', day1), msg(2, 'bob', day1 + 60000), msg(3, 'bob', day2)],
      { me: 'alice', now: day2 });
    assert.deepEqual(items.map((i) => i.kind), ['day', 'message', 'message', 'day', 'message']);
    assert.equal(items[0].dayKey, '2024-03-05');
    assert.equal(items[3].label, 'Today');
  });

  test('consecutive messages of one sender within five minutes are grouped', () => {
    const items = buildTimeline([
      msg(1, 'bob', day1), msg(2, 'bob', day1 + 1000), msg(3, 'alice', day1 + 2000),
      msg(4, 'alice', day1 + 2000 + GROUP_GAP_MS),
    ], { me: 'alice', now: day1 }).filter((i) => i.kind === 'message');
    assert.deepEqual(items.map((i) => i.continued), [false, true, false, false]);
    assert.deepEqual(items.map((i) => i.own), [false, false, true, true]);
  });

  test('the new-messages marker goes before the first unread message from someone else', () => {
    const items = buildTimeline([msg(1, 'bob', day1), msg(2, 'alice', day1), msg(3, 'bob', day1)],
      { me: 'alice', markerSeq: 1, now: day1 });
    const kinds = items.map((i) => (i.kind === 'message' ? i.message.seq : i.kind));
    assert.deepEqual(kinds, ['day', 1, 2, 'marker', 3]);
    const none = buildTimeline([msg(1, 'bob', day1)], { me: 'alice', markerSeq: null, now: day1 });
    assert.ok(!none.some((i) => i.kind === 'marker'));
  });

  test('"seen" marks only the newest own message the peer has read', () => {
    const items = buildTimeline([msg(1, 'alice', day1), msg(2, 'alice', day1), msg(3, 'bob', day1),
      msg(4, 'alice', day1)], { me: 'alice', peerReadSeq: 3, now: day1 });
    const seen = items.filter((i) => i.seen).map((i) => i.message.seq);
    assert.deepEqual(seen, [2]);
  });

  test('pending messages (no seq) keep a key that the confirmed copy will share', () => {
    const pending = { cid: 'abc', from: 'alice', text: 'hi', ts: day1, state: 'queued' };
    const confirmed = { seq: 7, cid: 'abc', from: 'alice', text: 'hi', ts: day1 };
    assert.equal(messageKey(pending), messageKey(confirmed));
    assert.notEqual(messageKey({ ...confirmed, from: 'bob' }), messageKey(confirmed));
    assert.equal(messageKey({ seq: 9, from: 'x' }), 's:9');
  });

  test('day labels: today, yesterday, else a date', () => {
    const now = new Date(2024, 2, 6, 12, 0).getTime();
    assert.equal(dayLabel(new Date(2024, 2, 6, 0, 1).getTime(), now), 'Today');
    assert.equal(dayLabel(new Date(2024, 2, 5, 23, 59).getTime(), now), 'Yesterday');
    assert.match(dayLabel(new Date(2024, 2, 1).getTime(), now, 'en-GB'), /1 March/);
    assert.match(dayLabel(new Date(2023, 2, 1).getTime(), now, 'en-GB'), /2023/);
    assert.equal(localDayKey(new Date(2024, 0, 2, 3, 4).getTime()), '2024-01-02');
  });
});

describe('conversations', () => {
  test('unread is lastSeq - readSeq, never negative', () => {
    assert.equal(unreadCount({ lastSeq: 41, readSeq: 39 }), 2);
    assert.equal(unreadCount({ lastSeq: 3, readSeq: 3 }), 0);
    assert.equal(unreadCount({ lastSeq: 3, readSeq: 5 }), 0);
    assert.equal(unreadCount({}), 0);
  });

  test('sorted by latest activity, then by name', () => {
    const sorted = sortConversations([
      { id: '#b', activity: 5 }, { id: '@z', activity: 1, createdAt: 9 }, { id: '#a', activity: 5 },
    ]);
    assert.deepEqual(sorted.map((c) => c.id), ['@z', '#a', '#b']);
  });

  test('typing text names up to two people', () => {
    assert.equal(typingText([]), '');
    assert.equal(typingText(['bob']), 'bob is typing…');
    assert.equal(typingText(['carol', 'bob']), 'bob and carol are typing…');
    assert.equal(typingText(['a', 'b', 'c']), 'Several people are typing…');
  });

  test('preview: one line, own messages prefixed, long ones cut', () => {
    assert.equal(previewText({ from: 'bob', text: 'hi\n  there' }, 'alice'), 'hi there');
    assert.equal(previewText({ from: 'alice', text: 'yo' }, 'alice'), 'You: yo');
    assert.equal([...previewText({ from: 'bob', text: 'x'.repeat(200) }, 'a')].length, 80);
    assert.equal(previewText(null, 'a'), '');
    assert.equal(previewText({ from: 'alice', text: '', deleted: true }, 'alice'), 'Message deleted');
  });
});

describe('connection helpers', () => {
  test('backoff grows exponentially with jitter and is capped', () => {
    const low = () => 0;
    const high = () => 1;
    assert.equal(backoffDelay(0, { random: low }), 250);
    assert.equal(backoffDelay(0, { random: high }), 500);
    assert.equal(backoffDelay(3, { random: low }), 2000);
    assert.equal(backoffDelay(3, { random: high }), 4000);
    assert.equal(backoffDelay(50, { random: high }), 30000);
    assert.equal(backoffDelay(50, { random: low }), 15000);
    for (let attempt = 0; attempt < 12; attempt++) {
      const d = backoffDelay(attempt);
      const exp = Math.min(30000, 500 * 2 ** attempt);
      assert.ok(d >= exp / 2 && d <= exp, `attempt ${attempt}: ${d}`);
    }
  });

  test('server URL: ?server= wins, then config.json, then the page host', () => {
    assert.deepEqual(chooseServerUrl({ pageUrl: 'https://a.github.io/chat/', queryServer: 'wss://chat.example.org/ws', configUrl: 'ws://x/ws' }),
      { url: 'wss://chat.example.org/ws' });
    assert.deepEqual(chooseServerUrl({ pageUrl: 'http://h:8080/', configUrl: 'ws://h:8081/ws' }),
      { url: 'ws://h:8081/ws' });
    assert.deepEqual(chooseServerUrl({ pageUrl: 'http://h.test:8080/' }), { url: 'ws://h.test:8081/ws' });
    assert.deepEqual(chooseServerUrl({ pageUrl: 'https://h.test/app/' }), { url: 'wss://h.test/ws' });
    assert.deepEqual(chooseServerUrl({ pageUrl: 'http://[::1]:8080/' }), { url: 'ws://[::1]:8081/ws' });
  });

  test('a ?server= that is not ws(s) is refused; a bad config.json is ignored', () => {
    assert.match(chooseServerUrl({ pageUrl: 'http://h/', queryServer: 'javascript:alert(1)' }).error, /Not a ws/);
    assert.match(chooseServerUrl({ pageUrl: 'http://h/', queryServer: 'https://x/ws' }).error, /Not a ws/);
    assert.deepEqual(chooseServerUrl({ pageUrl: 'http://h/', configUrl: 'nonsense' }), { url: 'ws://h:8081/ws' });
  });

  test('cids are 32 hex characters from the random source', () => {
    assert.equal(newCid(() => new Uint8Array(16).fill(171)), 'ab'.repeat(16));
    assert.match(newCid(), /^[0-9a-f]{32}$/);
    assert.notEqual(newCid(), newCid());
  });

  test('error text prefers the server message except for local conditions', () => {
    assert.match(errorText({ code: 'disconnected' }), /Not connected/);
    assert.equal(errorText({ code: 'forbidden', message: 'not a member' }), 'not a member');
    assert.match(errorText({ code: 'internal' }), /nothing was stored/);
  });
});
