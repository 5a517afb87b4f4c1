// Files and images: where uploads go (the HTTP origin from config.json or from the WebSocket
// URL), the narrowed page policy, what may be attached, the chips' states and what Send does
// with them, uploads with progress, refusals and removal (against a fake XMLHttpRequest), and
// messages with files against the in-memory server: sent with empty text, received, quoted,
// previewed, gone when deleted, kept in the outbox across a reload.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signedIn } from './clients.js';
import { FakeServer, FakeUploads, settle } from './fakes.js';
import {
  attachError, attachmentsStatus, chipView, cleanFiles, fileUrl, filesLine, formatSize,
  httpOrigin, isInlineImage, MAX_FILES, narrowedPolicy, sendCheck, uploadedFile, uploadErrorText,
  uploadName,
} from '../js/files.js';
import { previewText } from '../js/logic.js';
import { notificationText, quoteText } from '../js/messageRules.js';

const MiB = 1024 * 1024;

// --- where the server's HTTP side is -------------------------------------------------------------

test('the HTTP origin: config.json httpUrl first, relative to the page', () => {
  const page = 'https://you.github.io/chat/index.html';
  assert.equal(httpOrigin({ pageUrl: page, wsUrl: 'wss://chat.example.org/ws',
    configHttpUrl: 'https://files.example.org/' }), 'https://files.example.org');
  // The server app answers "/": its own origin, the page's.
  assert.equal(httpOrigin({ pageUrl: 'http://localhost:8080/', wsUrl: 'ws://localhost:8081/ws',
    configHttpUrl: '/' }), 'http://localhost:8080');
  // Not http(s), or not a URL at all: derived from the WebSocket's instead.
  for (const bad of ['javascript:alert(1)', 'ftp://x/', 'http://[nope']) {
    assert.equal(httpOrigin({ pageUrl: page, wsUrl: 'wss://chat.example.org/ws',
      configHttpUrl: bad }), 'https://chat.example.org', bad);
  }
});

test('the HTTP origin derived from the WebSocket URL: same host and port, no path', () => {
  const derive = (wsUrl) => httpOrigin({ pageUrl: 'https://you.github.io/', wsUrl });
  assert.equal(derive('wss://chat.example.org/ws'), 'https://chat.example.org');
  assert.equal(derive('ws://localhost:8081/ws'), 'http://localhost:8081');
  assert.equal(derive('wss://chat.example.org:8443/chat/ws'), 'https://chat.example.org:8443');
  assert.equal(derive('ws://[::1]:9000/ws'), 'http://[::1]:9000');
  assert.equal(derive('wss://chat.example.org:443/ws'), 'https://chat.example.org');
  assert.equal(derive('https://not-a-socket/'), null);
  assert.equal(derive('nonsense'), null);
});

test("a file's URL is resolved against the HTTP origin, and must stay on it", () => {
  const origin = 'https://chat.example.org';
  assert.equal(fileUrl(origin, '/files/abc'), 'https://chat.example.org/files/abc');
  assert.equal(fileUrl(origin, 'https://chat.example.org/files/abc'), 'https://chat.example.org/files/abc');
  assert.equal(fileUrl(origin, 'https://evil.example/files/abc'), null);
  assert.equal(fileUrl(origin, 'javascript:alert(1)'), null);
  assert.equal(fileUrl(origin, '//evil.example/x'), null);
  assert.equal(fileUrl(null, '/files/abc'), null);
  assert.equal(fileUrl(origin, null), null);
});

test('the page narrows its policy to its server: connect and images to those origins only', () => {
  assert.equal(narrowedPolicy('wss://chat.example.org/ws', 'https://chat.example.org'),
    "connect-src 'self' wss://chat.example.org https://chat.example.org; "
    + "img-src 'self' data: https://chat.example.org");
  assert.equal(narrowedPolicy('ws://localhost:8081/ws', null),
    "connect-src 'self' ws://localhost:8081; img-src 'self' data:");
  assert.equal(narrowedPolicy('nonsense', 'also nonsense'), "connect-src 'self'; img-src 'self' data:");
});

// --- what may be uploaded ----------------------------------------------------------------------

test('sizes read as people say them', () => {
  assert.equal(formatSize(0), '0 bytes');
  assert.equal(formatSize(1), '1 byte');
  assert.equal(formatSize(1023), '1023 bytes');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(48213), '47 KB');
  assert.equal(formatSize(10 * MiB), '10 MB');
  assert.equal(formatSize(-1), '');
});

test('inline images are PNG, JPEG, GIF and WebP only', () => {
  for (const type of ['image/png', 'image/jpeg', 'IMAGE/GIF', 'image/webp']) assert.ok(isInlineImage(type), type);
  for (const type of ['image/svg+xml', 'text/html', 'application/pdf', '', null]) assert.ok(!isInlineImage(type), type);
});

test('file names are made acceptable to the server', () => {
  assert.equal(uploadName('cat 🐱.png'), 'cat 🐱.png');
  assert.equal(uploadName('a/b\\c.txt'), 'a_b_c.txt');
  assert.equal(uploadName('evil\u202Egnp.exe'), 'evil_gnp.exe');
  assert.equal(uploadName('line\nbreak'), 'line_break');
  assert.equal(uploadName('  '), 'file');
  assert.equal(uploadName('..'), 'file');
  assert.equal(uploadName('', 'pasted-image.png'), 'pasted-image.png');
  const long = uploadName('x'.repeat(300) + '.jpeg');
  assert.equal([...long].length, 255);
  assert.ok(long.endsWith('.jpeg'), 'the extension kept');
});

test('too large and one too many are refused before anything is sent', () => {
  const big = { name: 'big.bin', size: 10 * MiB + 1 };
  assert.equal(attachError(big, { maxUploadBytes: 10 * MiB }),
    'big.bin is too large (10 MB); files can be at most 10 MB.');
  assert.equal(attachError({ name: 'ok.bin', size: 10 * MiB }, { maxUploadBytes: 10 * MiB }), null);
  assert.equal(attachError(big, {}), null, 'no limit known: the server decides');
  assert.equal(attachError({ name: 'a', size: 1 }, { attached: MAX_FILES }), 'A message has at most 10 files.');
});

test("an upload's answer: the file of a 201, why anything else failed", () => {
  assert.deepEqual(uploadedFile(201, '{"file":"abc","name":"cat.png","size":3,"type":"image/png"}'),
    { id: 'abc', name: 'cat.png', size: 3, type: 'image/png' });
  assert.equal(uploadedFile(201, 'not json'), null);
  assert.equal(uploadedFile(201, '{"name":"x"}'), null);
  assert.equal(uploadedFile(200, '{"file":"abc"}'), null);
  assert.equal(uploadErrorText(413, '{"code":"too_large"}', { maxUploadBytes: 10 * MiB }),
    'Too large: files can be at most 10 MB.');
  assert.equal(uploadErrorText(401), 'The server did not accept your sign-in. Sign in again to upload.');
  assert.equal(uploadErrorText(0), 'Could not reach the server.');
  assert.equal(uploadErrorText(429), 'Too many uploads right now. Try again in a moment.');
  assert.equal(uploadErrorText(403), 'Too many files are waiting to be sent. Send or remove some first.');
  assert.equal(uploadErrorText(400, '{"code":"bad_request","message":"X-File-Name: required"}'),
    'Not accepted: X-File-Name: required');
  assert.equal(uploadErrorText(500), 'The server had a problem; nothing was stored.');
  assert.equal(uploadErrorText(507, '{"code":"internal","message":"the server\'s disk is nearly full"}'),
    'The server is out of space for files; nothing was stored.');
  assert.equal(uploadErrorText(403, '{"code":"forbidden","message":"your files may take at most 5 bytes"}'),
    'Not accepted: your files may take at most 5 bytes');
});

// --- chips and Send ------------------------------------------------------------------------------

test('a chip says how far its upload is, its size when done, or why it failed', () => {
  assert.deepEqual(chipView({ name: 'cat.png', size: 2000, state: 'uploading', loaded: 500 }),
    { status: 'Uploading, 25%', percent: 25, removeLabel: 'Remove cat.png' });
  assert.deepEqual(chipView({ name: 'cat.png', size: 2048, state: 'done', loaded: 2048 }),
    { status: '2 KB', percent: 100, removeLabel: 'Remove cat.png' });
  assert.equal(chipView({ name: 'x', size: 0, state: 'uploading', loaded: 0 }).percent, 0);
  assert.equal(chipView({ name: 'x', size: 5, state: 'failed', error: 'Too large.' }).status, 'Too large.');
});

test('Send: files without text go, uploads are waited for, a failed one must be removed', () => {
  const done = { name: 'a.png', state: 'done' };
  const uploading = { name: 'b.png', state: 'uploading' };
  const failed = { name: 'c.png', state: 'failed' };
  assert.deepEqual(sendCheck('', []), { action: 'nothing' });
  assert.deepEqual(sendCheck('  ', []), { action: 'nothing' });
  assert.deepEqual(sendCheck('hi', []), { action: 'send' });
  assert.deepEqual(sendCheck('', [done]), { action: 'send' });
  assert.deepEqual(sendCheck('', [done, uploading]), { action: 'wait' });
  assert.deepEqual(sendCheck('hi', [done, failed]),
    { action: 'refuse', error: 'c.png could not be uploaded. Remove it to send.' });
  assert.equal(sendCheck('', [failed, failed]).error, '2 files could not be uploaded. Remove them to send.');
  assert.equal(sendCheck('', Array(11).fill(done)).action, 'refuse');
  assert.equal(attachmentsStatus([uploading, uploading]), 'Uploading 2 files…');
  assert.equal(attachmentsStatus([uploading], true), 'Sends when the upload finishes…');
  assert.equal(attachmentsStatus([done]), '');
  assert.equal(attachmentsStatus([{ ...failed, error: 'Too large.' }]), 'c.png could not be uploaded: Too large.');
});

// --- files of messages -------------------------------------------------------------------------

test('files in one line, for previews, quotes, notifications and search results', () => {
  const one = [{ id: 'a', name: 'cat.png', size: 1, type: 'image/png', url: '/files/a' }];
  const three = [...one, { id: 'b', name: 'b.pdf' }, { id: 'c', name: 'c.txt' }];
  assert.equal(filesLine(one), '📎 cat.png');
  assert.equal(filesLine(three), '📎 cat.png and 2 more');
  assert.equal(filesLine([]), '');
  assert.equal(filesLine(undefined), '');
  const message = { conv: '@bob', from: 'bob', text: '', files: one };
  assert.equal(previewText(message, 'alice'), '📎 cat.png');
  assert.equal(previewText({ ...message, from: 'alice' }, 'alice'), 'You: 📎 cat.png');
  assert.equal(quoteText(message), '📎 cat.png');
  assert.equal(quoteText({ ...message, text: 'look' }), 'look', 'text first');
  assert.equal(quoteText({ ...message, deleted: true }), 'Message deleted');
  assert.deepEqual(notificationText(message), { title: 'bob', body: '📎 cat.png' });
});

test('files from the wire are kept only with the right shapes', () => {
  assert.deepEqual(cleanFiles([
    { id: 'a', name: 'cat.png', size: 3, type: 'Image/PNG', url: '/files/a' },
    { name: 'no id' }, null, 'x', { id: 'b', name: 7, size: 'big', url: 5 },
  ]), [
    { id: 'a', name: 'cat.png', size: 3, type: 'image/png', url: '/files/a' },
    { id: 'b', name: 'file', size: 0, type: 'application/octet-stream', url: null },
  ]);
  assert.equal(cleanFiles(Array.from({ length: 12 }, (_, i) => ({ id: `f${i}` }))).length, MAX_FILES);
  assert.deepEqual(cleanFiles('nope'), []);
});

// --- uploads -----------------------------------------------------------------------------------

function world() {
  const server = new FakeServer({
    features: ['files', 'reply', 'delete', 'search'], maxUploadBytes: 1000,
  });
  server.addUser('alice');
  server.addUser('bob');
  server.createRoom('general', 'bob', { members: ['alice'] });
  return server;
}

const ORIGIN = 'https://chat.example.org';
const file = (name, size = 100, type = 'image/png') => ({ name, size, type });

async function alice(server, uploads = new FakeUploads(), storage = null) {
  const c = await signedIn(server, 'alice', storage, { httpOrigin: ORIGIN, createRequest: uploads.create });
  return { ...c, uploads };
}

test('each file goes up at once, one request each, with the token, type and encoded name', async () => {
  const server = world();
  const a = await alice(server);
  const refused = a.client.uploads.add('#general', [file('cat 🐱.png'), file('notes.txt', 20, '')]);
  assert.deepEqual(refused, []);
  assert.equal(a.uploads.requests.length, 2);
  const [cat, notes] = a.uploads.requests;
  assert.equal(cat.method, 'POST');
  assert.equal(cat.url, 'https://chat.example.org/files');
  assert.equal(cat.headers.Authorization, `Bearer ${a.client.token}`);
  assert.equal(cat.headers['Content-Type'], 'image/png');
  assert.equal(cat.headers['X-File-Name'], 'cat%20%F0%9F%90%B1.png');
  assert.equal(notes.headers['Content-Type'], 'application/octet-stream', 'no type known');
  assert.equal(cat.body.name, 'cat 🐱.png', 'the file itself is the body');

  cat.progress(40);
  const [first, second] = a.client.uploads.list('#general');
  assert.equal(first.state, 'uploading');
  assert.equal(chipView(first).status, 'Uploading, 40%');
  assert.ok(a.client.uploads.busy('#general'));

  cat.respond(201, { file: 'id-cat', name: 'cat 🐱.png', size: 100, type: 'image/png' });
  notes.respond(413, { code: 'too_large', message: 'over the limit' });
  assert.equal(first.state, 'done');
  assert.deepEqual(first.file, { id: 'id-cat', name: 'cat 🐱.png', size: 100, type: 'image/png' });
  assert.equal(second.state, 'failed');
  assert.equal(second.error, 'Too large: files can be at most 1000 bytes.');
  assert.ok(!a.client.uploads.busy('#general'));
  assert.deepEqual(a.client.uploads.uploaded('#general').map((f) => f.id), ['id-cat']);
  assert.deepEqual(a.client.uploads.list('@bob'), [], 'attachments are per conversation');
});

test('too large (by hello\'s maxUploadBytes) and past 10 files are refused before upload', async () => {
  const server = world();
  const a = await alice(server);
  assert.equal(a.store.limits.maxUploadBytes, 1000);
  const refused = a.client.uploads.add('#general', [file('huge.png', 1001)]);
  assert.deepEqual(refused, ['huge.png is too large (1001 bytes); files can be at most 1000 bytes.']);
  assert.equal(a.uploads.requests.length, 0, 'nothing sent');
  assert.deepEqual(a.client.uploads.list('#general'), []);

  const eleven = Array.from({ length: 11 }, (_, i) => file(`f${i}.png`));
  assert.deepEqual(a.client.uploads.add('#general', eleven), ['A message has at most 10 files.']);
  assert.equal(a.uploads.requests.length, 10);
});

test('a network failure, a 401 and a removal', async () => {
  const server = world();
  const a = await alice(server);
  a.client.uploads.add('#general', [file('a.png'), file('b.png'), file('c.png')]);
  const [ra, rb, rc] = a.uploads.requests;
  ra.fail();
  rb.respond(401, { code: 'unauthorized', message: 'bad token' });
  const [fa, fb, fc] = a.client.uploads.list('#general');
  assert.equal(fa.error, 'Could not reach the server.');
  assert.equal(fb.error, 'The server did not accept your sign-in. Sign in again to upload.');
  assert.equal(sendCheck('', a.client.uploads.list('#general')).action, 'refuse');

  // Removing one still uploading aborts it; a late answer changes nothing.
  a.client.uploads.remove('#general', fc.key);
  assert.ok(rc.aborted);
  rc.respond(201, { file: 'late' });
  a.client.uploads.remove('#general', fa.key);
  a.client.uploads.remove('#general', fb.key);
  assert.deepEqual(a.client.uploads.list('#general'), []);
  assert.equal(sendCheck('', a.client.uploads.list('#general')).action, 'nothing');
});

test('waiting for uploads: settled when the last one ends or is removed', async () => {
  const server = world();
  const a = await alice(server);
  let settled = false;
  await a.client.uploads.whenSettled('#general'); // nothing runs: at once
  a.client.uploads.add('#general', [file('a.png'), file('b.png')]);
  a.client.uploads.whenSettled('#general').then(() => { settled = true; });
  a.uploads.requests[0].respond(201, { file: 'id-a' });
  await settle();
  assert.ok(!settled, 'one still runs');
  a.client.uploads.remove('#general', a.client.uploads.list('#general')[1].key);
  await settle();
  assert.ok(settled);
});

test('without an HTTP origin or a token nothing is sent and the chip says why', async () => {
  const server = world();
  const c = await signedIn(server, 'alice', null, { createRequest: new FakeUploads().create });
  c.client.uploads.add('#general', [file('a.png')]);
  assert.equal(c.client.uploads.list('#general')[0].state, 'failed');
  assert.match(c.client.uploads.list('#general')[0].error, /server's address is not known/);
});

test('signing out aborts uploads and forgets the attachments', async () => {
  const server = world();
  const a = await alice(server);
  a.client.uploads.add('#general', [file('a.png')]);
  await a.client.signOut();
  assert.ok(a.uploads.requests[0].aborted);
  assert.deepEqual(a.client.uploads.list('#general'), []);
});

// --- sending and receiving ---------------------------------------------------------------------

test('a message of files only is sent with their ids and arrives with them for everyone', async () => {
  const server = world();
  const a = await alice(server);
  const bob = await signedIn(server, 'bob');
  const id = server.upload('alice', 'cat.png', 100, 'image/png');
  a.client.outbox.send('#general', '', { files: [{ id, name: 'cat.png', size: 100, type: 'image/png' }] });
  const pending = a.store.pendingFor('#general')[0];
  assert.deepEqual(pending.files.map((f) => f.name), ['cat.png'], 'the echo shows the file');
  await settle();
  assert.deepEqual(server.requests('send').pop().files, [id]);
  assert.equal(server.requests('send').pop().text, '');
  const mine = a.store.conv('#general').bySeq.get(1);
  assert.deepEqual(mine.files, [{ id, name: 'cat.png', size: 100, type: 'image/png', url: `/files/${id}` }]);
  const theirs = bob.store.conv('#general').bySeq.get(1);
  assert.equal(theirs.text, '');
  assert.deepEqual(theirs.files, mine.files);
  assert.equal(previewText(theirs, 'bob'), '📎 cat.png');
});

test('empty text without files is not sent; more than 10 files throw', async () => {
  const server = world();
  const a = await alice(server);
  assert.equal(a.client.outbox.send('#general', '  '), null);
  const many = Array.from({ length: 11 }, (_, i) => ({ id: `x${i}`, name: 'x' }));
  assert.throws(() => a.client.outbox.send('#general', 'hi', { files: many }), /at most 10 files/);
});

test('a deleted message shows no files, also when it arrives deleted', async () => {
  const server = world();
  const id = server.upload('bob', 'report.pdf', 5000, 'application/pdf');
  server.store('bob', '#general', 'the report', 'c1', {
    files: [{ id, name: 'report.pdf', size: 5000, type: 'application/pdf', url: `/files/${id}` }],
  });
  const a = await alice(server);
  assert.equal(a.store.conv('#general').bySeq.get(1).files.length, 1);
  server.remove('bob', '#general', 1);
  await settle();
  const gone = a.store.conv('#general').bySeq.get(1);
  assert.equal(gone.deleted, true);
  assert.equal(gone.files, undefined);
  // A page of history with a deleted message that still names files: none kept.
  a.store.addMessages('#general', [{ seq: 2, from: 'bob', ts: 1, text: '', deleted: true,
    files: [{ id: 'z', name: 'z.png', url: '/files/z' }] }]);
  assert.equal(a.store.conv('#general').bySeq.get(2).files, undefined);
});

test('files wait in the outbox across a reload and go out with the same cid', async () => {
  const server = world();
  const first = await alice(server);
  const storage = first.storage;
  const id = server.upload('alice', 'cat.png');
  server.down = true;
  server.dropAll();
  await settle();
  first.client.outbox.send('#general', 'look', { files: [{ id, name: 'cat.png', size: 10, type: 'image/png' }] });
  const saved = JSON.parse(storage.getItem('chat.outbox'));
  assert.deepEqual(saved.items[0].files, [{ id, name: 'cat.png', size: 10, type: 'image/png' }]);

  first.conn.stop();
  server.down = false;
  const second = await alice(server, new FakeUploads(), storage);
  await settle();
  const sent = server.requests('send');
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0].files, [id]);
  assert.deepEqual(second.store.conv('#general').bySeq.get(1).files.map((f) => f.name), ['cat.png']);
});
