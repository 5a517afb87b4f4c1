// Telling the user about new messages while they look elsewhere: the unread count in the
// document title, a badge drawn on the favicon, and (when switched on in Settings) a system
// notification for a direct message or a mention that arrives while the tab is hidden: live,
// through the catch-up after a reconnect (one summary when many came), or by an edit that adds
// my name. Each message notifies once. Permission is asked for only when the switch is turned
// on, never on page load.

import { badgeText, notificationsFor, unreadTitle } from '../messageRules.js';

const SETTING_KEY = 'chat.notifications';
const ICON_URL = 'favicon.svg';
const ICON_PX = 64;
/** How many notified messages are remembered (so none notifies twice). */
const NOTIFIED_MAX = 500;

export function mountAlerts({ client, store, storage }) {
  const link = document.querySelector('link[rel~="icon"]');
  let icon = null; // the loaded favicon.svg, to draw the badge on
  let iconFailed = false;
  let shownBadge = null;
  const notified = new Set(); // 'conv seq' of messages a notification was shown for

  client.onIncoming = (message) => notify([message]);
  client.onMentionedInEdit = (message) => notify([message]);
  client.onCaughtUp = (messages) => notify(messages);

  /** The title and favicon for the current unread count (signed out: neither). */
  function render() {
    const unread = store.me ? store.totalUnread() : 0;
    const title = unreadTitle(unread);
    if (document.title !== title) document.title = title;
    drawBadge(badgeText(unread));
  }

  function drawBadge(text) {
    if (!link || text === shownBadge) return;
    if (text === '') {
      shownBadge = text;
      link.setAttribute('type', 'image/svg+xml');
      link.setAttribute('href', ICON_URL);
      return;
    }
    if (!icon && !iconFailed) {
      loadIcon().then(() => drawBadge(badgeText(store.me ? store.totalUnread() : 0)));
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = ICON_PX;
    const g = canvas.getContext('2d');
    if (!g) return;
    if (icon) {
      g.drawImage(icon, 0, 0, ICON_PX, ICON_PX);
    } else {
      g.fillStyle = '#3b5bdb'; // a plain round icon when favicon.svg cannot be drawn
      g.beginPath();
      g.arc(ICON_PX / 2, ICON_PX / 2, ICON_PX / 2, 0, 2 * Math.PI);
      g.fill();
    }
    const r = ICON_PX * 0.3;
    const cx = ICON_PX - r;
    const cy = r;
    g.fillStyle = '#e03131';
    g.beginPath();
    g.arc(cx, cy, r, 0, 2 * Math.PI);
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = '#ffffff';
    g.stroke();
    g.fillStyle = '#ffffff';
    g.font = `bold ${Math.round(r * (text.length > 1 ? 1.1 : 1.4))}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(text, cx, cy + 1);
    let url;
    try {
      url = canvas.toDataURL('image/png');
    } catch {
      return; // a tainted canvas: keep the plain icon
    }
    shownBadge = text;
    link.setAttribute('type', 'image/png');
    link.setAttribute('href', url);
  }

  function loadIcon() {
    return new Promise((resolve) => {
      const image = new Image(ICON_PX, ICON_PX);
      image.onload = () => {
        icon = image;
        resolve();
      };
      image.onerror = () => {
        iconFailed = true;
        resolve();
      };
      image.src = ICON_URL;
    });
  }

  // --- notifications ---------------------------------------------------------------------------

  function supported() {
    return typeof window.Notification === 'function';
  }

  /** On when the user switched it on here and the browser still allows it. */
  function enabled() {
    return supported() && storage.getItem(SETTING_KEY) === 'on'
      && window.Notification.permission === 'granted';
  }

  /**
   * The Settings switch: turning it on asks for permission (only now); returns whether it is on,
   * or throws a sentence to show when the browser refused.
   */
  async function setEnabled(on) {
    if (!on) {
      storage.removeItem(SETTING_KEY);
      return false;
    }
    if (!supported()) throw new Error('This browser cannot show notifications.');
    // Asked every time it is switched on (an answer given before comes back without a prompt).
    const permission = await window.Notification.requestPermission();
    if (permission !== 'granted') {
      storage.removeItem(SETTING_KEY);
      throw new Error(permission === 'denied'
        ? 'Notifications are blocked for this site in the browser settings.'
        : 'Notifications were not allowed.');
    }
    storage.setItem(SETTING_KEY, 'on');
    return true;
  }

  function notify(messages) {
    if (!enabled() || document.visibilityState !== 'hidden') return;
    const shown = notificationsFor(messages, { me: store.me, blocked: store.blocked, notified });
    for (const { title, body, tag, conv, keys } of shown) {
      for (const key of keys) remember(key);
      try {
        const notification = new window.Notification(title, { body, tag, icon: ICON_URL });
        notification.onclick = () => {
          window.focus();
          if (conv) client.rooms.open(conv);
          notification.close();
        };
      } catch {
        // some browsers allow notifications only from a service worker: nothing to show then
      }
    }
  }

  function remember(key) {
    notified.add(key);
    if (notified.size > NOTIFIED_MAX) notified.delete(notified.values().next().value);
  }

  return { render, enabled, setEnabled, supported };
}
