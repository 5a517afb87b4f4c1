// Entry point: find the server, build the connection, client and store, mount the views, and
// render whenever the state changes.

import { h } from './dom.js';
import { httpOrigin, narrowedPolicy } from './files.js';
import { chooseServerUrl } from './logic.js';
import { Connection } from './protocol.js';
import { ChatClient } from './client.js';
import { Store } from './store.js';
import { mountAlerts } from './views/alerts.js';
import { mountConversation } from './views/conversation.js';
import { mountDialogs } from './views/dialogs.js';
import { mountLogin } from './views/login.js';
import { mountRoomSettings } from './views/roomSettings.js';
import { mountSearch } from './views/search.js';
import { mountSettings } from './views/settings.js';
import { mountSidebar } from './views/sidebar.js';
import { mountToasts } from './views/toasts.js';
import { mountUserMenu } from './views/userMenu.js';

const $ = (selector) => {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
};

/**
 * The WebSocket URL: ?server=…, else config.json beside the page, else a guess from the page.
 * Also `httpUrl` from config.json (where uploads go), when it names one.
 */
async function resolveServer() {
  const queryServer = new URLSearchParams(location.search).get('server');
  let configUrl = null;
  let configHttpUrl = null;
  if (!queryServer) {
    try {
      const response = await fetch('config.json', {
        cache: 'no-store', credentials: 'same-origin',
      });
      if (response.ok) {
        const config = await response.json();
        configUrl = config?.wsUrl ?? null;
        configHttpUrl = config?.httpUrl ?? null;
      }
    } catch {
      // no config.json (static hosting without one): fall back to the default
    }
  }
  const chosen = chooseServerUrl({ pageUrl: location.href, queryServer, configUrl });
  if (chosen.error) {
    return { ...chooseServerUrl({ pageUrl: location.href, configUrl }), warning: chosen.error };
  }
  return { ...chosen, configHttpUrl, fromLink: Boolean(queryServer) };
}

/**
 * Narrows the page's Content-Security-Policy to its server: the meta tag allows any host (a
 * static page cannot know it in advance), and a second policy only restricts further.
 */
function narrowPolicy(wsUrl, origin) {
  document.head.append(h('meta', {
    'http-equiv': 'Content-Security-Policy', content: narrowedPolicy(wsUrl, origin),
  }));
}

/** localStorage, or a memory stand-in where storage is unavailable (some private modes). */
function safeStorage() {
  try {
    const probe = '__chat_probe__';
    window.localStorage.setItem(probe, probe);
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    const memory = new Map();
    return {
      getItem: (k) => (memory.has(k) ? memory.get(k) : null),
      setItem: (k, v) => memory.set(k, String(v)),
      removeItem: (k) => memory.delete(k),
    };
  }
}

const ACTIVE_KEY = 'chat.active';

function readSession(key) {
  try {
    return window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeSession(key, value) {
  try {
    if (value == null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // not available: nothing to remember
  }
}

async function main() {
  const server = await resolveServer();
  const origin = httpOrigin({
    pageUrl: location.href, wsUrl: server.url, configHttpUrl: server.configHttpUrl,
  });
  narrowPolicy(server.url, origin);
  const storage = safeStorage();
  const store = new Store();
  const conn = new Connection({ url: server.url });
  const client = new ChatClient({
    conn, store, storage, httpOrigin: origin, serverFromLink: server.fromLink,
  });
  const toast = mountToasts($('#toasts'));
  client.onNotice = toast;

  const app = $('#app');
  const loginView = $('#login-view');
  const chatView = $('#chat-view');
  const note = $('#server-note');
  note.textContent = server.warning
    ? `${server.warning}. Using ${server.url}`
    : `Server: ${server.url}`;
  note.classList.toggle('form-error', !!server.warning);

  const dialogs = mountDialogs({ client, store, $, toast });
  const login = mountLogin({ client, store, $ });
  const sidebar = mountSidebar({ client, store, $, dialogs });
  const search = mountSearch({ client, store, $, toast });
  const userMenu = mountUserMenu({ client, store, $, toast });
  const alerts = mountAlerts({ client, store, storage });
  const settings = mountSettings({ client, store, $, toast, alerts });
  const roomSettings = mountRoomSettings({ client, store, $, toast });
  const conversation = mountConversation({
    client, store, $, dialogs, toast, userMenu, roomSettings,
    // Back on a phone: to the result opened while search results show, else the conversation.
    focusConversation: (id) => (search.isOpen() ? search.focusChosen() : sidebar.focusConversation(id)),
  });

  let view = null;
  let reopened = false; // until the first catch-up, keep what the last page load saved
  let savedActive; // what sessionStorage holds for this tab (undefined: not written yet)
  function render() {
    const next = store.me ? 'chat' : 'login';
    const switched = next !== view;
    view = next;
    app.dataset.view = next;
    loginView.hidden = next !== 'login';
    chatView.hidden = next !== 'chat';
    dialogs.render();
    userMenu.render();
    settings.render();
    roomSettings.render();
    if (next === 'login') {
      login.render();
      if (switched) login.focus();
      alerts.render();
      return;
    }
    chatView.dataset.pane = store.activeConv ? store.pane : 'list';
    if (reopened && store.activeConv !== savedActive) {
      // Written only when it changes: every render writing it would put it back after a
      // sign-out elsewhere (or a test) cleared the storage.
      savedActive = store.activeConv;
      writeSession(ACTIVE_KEY, savedActive);
    }
    sidebar.render();
    search.render();
    conversation.render();
    if (switched && !store.activeConv) sidebar.focusGoTo();
    alerts.render();
  }

  // Many changes arrive together (a page of history, a burst of events): render once per frame.
  let scheduled = false;
  function scheduleRender() {
    if (scheduled) return;
    scheduled = true;
    const run = () => {
      if (!scheduled) return;
      scheduled = false;
      render();
    };
    requestAnimationFrame(run);
    setTimeout(run, 100); // hidden tabs get no animation frames
  }
  store.subscribe(scheduleRender);

  // After a reload, reopen the conversation that was open (per tab, so sessionStorage).
  store.subscribe((what) => {
    if (what !== 'online' || reopened) return;
    reopened = true;
    const saved = readSession(ACTIVE_KEY);
    if (saved && !store.activeConv && store.conv(saved)) client.rooms.open(saved);
  });

  window.addEventListener('online', () => conn.retryNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') conn.retryNow();
  });
  window.addEventListener('storage', (event) => {
    // Signing out (or in) in another tab applies here too.
    if (event.key !== 'chat.token') return;
    if (!event.newValue && store.me) client.endSignIn('You signed out in another tab.');
    else if (event.newValue && !store.me) client.restore();
  });

  client.restore();
  render();
}

main().catch((error) => {
  console.error(error);
  const note = document.querySelector('#server-note');
  if (note) note.textContent = `The client failed to start: ${error.message}`;
});
