// Static checks on the client's files: no HTML parsing from strings, no eval, nothing inline
// that the Content-Security-Policy would have to allow, and the labels the UI promises.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('..', import.meta.url));

function filesUnder(dir, ext) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, ext));
    else if (name.endsWith(ext)) found.push(path);
  }
  return found;
}

const sources = filesUnder(join(WEB, 'js'), '.js').map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const html = readFileSync(join(WEB, 'index.html'), 'utf8');

test('no script builds markup from strings or evaluates code', () => {
  const forbidden = [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/,
    /\beval\s*\(/, /new\s+Function\s*\(/, /setTimeout\(\s*['"`]/, /createContextualFragment/,
    /DOMParser/, /\.style\./, /setAttribute\(\s*['"]style['"]/];
  assert.ok(sources.length >= 8, 'found the client modules');
  for (const { path, text } of sources) {
    for (const pattern of forbidden) assert.doesNotMatch(text, pattern, `${path} uses ${pattern}`);
  }
});

test('the page has no inline script, inline style or inline event handler', () => {
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'every script has a src');
  assert.doesNotMatch(html, /<style/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  assert.doesNotMatch(html, /javascript:/i);
});

test('the page carries its own CSP for static hosting', () => {
  const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)"/);
  assert.ok(meta, 'a CSP meta tag');
  const policy = meta[1];
  assert.match(policy, /script-src 'self'(;|$)/);
  assert.match(policy, /style-src 'self'(;|$)/);
  assert.match(policy, /object-src 'none'/);
  assert.match(policy, /connect-src 'self' ws: wss:/);
  assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
});

test('the labels and landmarks the browser tests rely on are present', () => {
  const labels = [...html.matchAll(/<label for="([^"]+)"[^>]*>([^<]+)</g)]
    .map((m) => [m[1], m[2].trim()]);
  const byText = Object.fromEntries(labels.map(([id, text]) => [text, id]));
  for (const text of ['Username', 'Password', 'Go to', 'Message', 'Room name', 'Topic', 'Invite user']) {
    assert.ok(byText[text], `a label "${text}"`);
    assert.match(html, new RegExp(`id="${byText[text]}"`), `the control for "${text}"`);
  }
  assert.equal(byText.Message, 'composer-input');
  assert.match(html, /<textarea id="composer-input"/);
  for (const button of ['Sign in', 'Create account', 'Send', 'Sign out', 'Go', 'Browse rooms',
    'New room', 'Members', 'Leave', 'Create room', 'Invite']) {
    assert.match(html, new RegExp(`<button[^>]*>\\s*${button}\\s*</button>`), `a "${button}" button`);
  }
  assert.match(html, /<nav aria-label="Conversations"/);
  assert.match(html, /role="log" aria-live="polite"/);
  assert.match(html, /id="connection-status"/);
});

test('each view is a main landmark with one h1, and the message list stays a list', () => {
  // Sign-in and chat are the two <main>s; one is hidden whenever the other shows.
  const mains = [...html.matchAll(/<main id="([^"]+)"[^>]*\shidden>([\s\S]*?)<\/main>/g)];
  assert.deepEqual(mains.map((m) => m[1]), ['login-view', 'chat-view']);
  for (const [, id, body] of mains) {
    assert.equal(body.match(/<h1[\s>]/g)?.length, 1, `one h1 in #${id}`);
  }
  assert.equal(html.match(/<h1[\s>]/g).length, 2, 'no h1 outside the two views');
  // The log wraps the list: a role on the <ol> itself would take its list semantics away.
  assert.match(html, /<div id="message-log" role="log"[^>]*>\s*<ol id="messages" class="messages"><\/ol>/);
});

test('the second round\'s panels carry the names the browser tests rely on', () => {
  const labels = Object.fromEntries([...html.matchAll(/<label for="([^"]+)"[^>]*>([^<]+)</g)]
    .map((m) => [m[2].trim(), m[1]]));
  for (const text of ['Current password', 'New password', 'Password to confirm', 'Search rooms',
    'Room topic', 'Search messages']) {
    assert.ok(labels[text], `a label "${text}"`);
    assert.match(html, new RegExp(`<input id="${labels[text]}"`), `the input for "${text}"`);
  }
  for (const button of ['Settings', 'Change password', 'Log out everywhere', 'Delete account',
    'Delete my account', 'Save topic', 'Delete room', 'More', 'Block', 'Unblock']) {
    assert.match(html, new RegExp(`<button[^>]*>\\s*${button}\\s*</button>`), `a "${button}" button`);
  }
  assert.match(html, /<button id="user-actions-button"[^>]*aria-label="User actions"/);
  assert.match(html, /<button id="room-settings-button"[^>]*aria-label="Room settings"/);
  assert.match(html, /<dialog id="user-menu"[^>]*aria-label="User actions"/);
  for (const id of ['settings-dialog', 'room-settings-dialog']) {
    assert.match(html, new RegExp(`<dialog id="${id}" class="dialog" aria-labelledby="`));
  }
});
