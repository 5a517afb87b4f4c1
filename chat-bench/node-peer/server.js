'use strict';
// The comparison peer of chat-bench: a minimal Node.js `ws` chat server speaking the subset of
// PROTOCOL.md the fan-out scenario uses: hello, register/login (password or token), create,
// join, send -> ok + a message event to every session of the room. No storage, no checks.
//
//   node server.js --port 0 --mode naive|coalescing [--ports-file FILE] [--host 127.0.0.1]
//
// naive:      one ws.send() per frame per socket (one write syscall each).
// coalescing: the frames for a socket are queued and written in one corked batch (one writev)
//             per event-loop turn (setImmediate).
const fs = require('fs');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const mode = args.mode || 'naive';
if (mode !== 'naive' && mode !== 'coalescing') {
  console.error('--mode must be naive or coalescing');
  process.exit(2);
}
const host = args.host || '127.0.0.1';
const port = Number(args.port || 8091);

const epoch = crypto.randomBytes(8).toString('hex');
const hello = JSON.stringify({
  type: 'hello', protocol: 1, server: 'node-peer-' + mode + '/0.1.0', epoch,
  limits: { maxFrameBytes: 65536, maxTextChars: 4000, historyMax: 200,
    sendPerSecond: 1000000, sendBurst: 1000000, authTimeoutMs: 600000 },
});
const tokens = new Map(); // token -> user
const rooms = new Map();  // name -> { seq, sessions: Set<ws> }

function room(name) {
  let r = rooms.get(name);
  if (!r) {
    r = { seq: 0, sessions: new Set() };
    rooms.set(name, r);
  }
  return r;
}

const pending = new Set(); // coalescing: sockets with queued frames
let flushScheduled = false;

function flushAll() {
  flushScheduled = false;
  for (const ws of pending) {
    const q = ws.queue;
    ws.queue = null;
    if (ws.readyState !== 1) continue;
    const sock = ws._socket;
    sock.cork();
    for (const buf of q) ws.send(buf, { binary: false });
    sock.uncork();
  }
  pending.clear();
}

function deliver(ws, buf) {
  if (mode === 'naive') {
    ws.send(buf, { binary: false });
    return;
  }
  if (ws.queue) {
    ws.queue.push(buf);
  } else {
    ws.queue = [buf];
    pending.add(ws);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  }
}

function reply(ws, obj) {
  deliver(ws, Buffer.from(JSON.stringify(obj)));
}

const wss = new WebSocketServer({ host, port, perMessageDeflate: false, maxPayload: 65536 });
wss.on('connection', (ws, req) => {
  req.socket.setNoDelay(true);
  ws.user = null;
  ws.rooms = new Set();
  ws.send(hello);
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.close(1003, 'binary frames are not supported');
      return;
    }
    let m;
    try {
      m = JSON.parse(data.toString());
    } catch (e) {
      reply(ws, { type: 'error', re: null, code: 'bad_request', message: 'not JSON' });
      return;
    }
    const re = m.id === undefined ? null : m.id;
    switch (m.type) {
      case 'register':
      case 'login': {
        let user = m.user;
        if (m.token) user = tokens.get(m.token);
        if (!user) {
          reply(ws, { type: 'error', re, code: 'unauthorized', message: 'bad token' });
          return;
        }
        const token = m.token || crypto.randomBytes(16).toString('hex');
        tokens.set(token, user);
        ws.user = user;
        reply(ws, { type: 'ok', re, user, token, expiresAt: Date.now() + 30 * 86400000 });
        return;
      }
      case 'ping':
        reply(ws, { type: 'ok', re, ts: Date.now() });
        return;
      default:
    }
    if (!ws.user) {
      reply(ws, { type: 'error', re, code: 'unauthorized', message: 'log in first' });
      return;
    }
    switch (m.type) {
      case 'create':
        room(m.room);
        reply(ws, { type: 'ok', re, room: '#' + m.room });
        return;
      case 'join': {
        const r = room(m.room);
        r.sessions.add(ws);
        ws.rooms.add(r);
        reply(ws, { type: 'ok', re, conv: '#' + m.room, topic: '', lastSeq: r.seq });
        return;
      }
      case 'send': {
        const name = typeof m.to === 'string' && m.to.startsWith('#') ? m.to.slice(1) : null;
        const r = name === null ? null : rooms.get(name);
        if (!r || !r.sessions.has(ws)) {
          reply(ws, { type: 'error', re, code: 'forbidden', message: 'not a member' });
          return;
        }
        const seq = ++r.seq;
        const ts = Date.now();
        if (re !== null) reply(ws, { type: 'ok', re, conv: m.to, seq, ts, cid: m.cid });
        // Encoded once, written to every session of the room.
        const buf = Buffer.from(JSON.stringify({ type: 'message', conv: m.to, seq,
          from: ws.user, text: m.text, ts, cid: m.cid }));
        for (const s of r.sessions) deliver(s, buf);
        return;
      }
      default:
        reply(ws, { type: 'error', re, code: 'bad_request', message: 'unsupported: ' + m.type });
    }
  });
  ws.on('close', () => {
    for (const r of ws.rooms) r.sessions.delete(ws);
  });
  ws.on('error', () => {});
});
wss.on('listening', () => {
  const bound = wss.address().port;
  if (args['ports-file']) {
    fs.writeFileSync(args['ports-file'] + '.tmp', JSON.stringify({ ws: bound }));
    fs.renameSync(args['ports-file'] + '.tmp', args['ports-file']);
  }
  console.log('node peer (' + mode + ') listening on ws://' + host + ':' + bound + '/ws');
});
process.on('SIGTERM', () => process.exit(0));
