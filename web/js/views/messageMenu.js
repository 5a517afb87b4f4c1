// The "Message actions" menu: Reply, React (a small emoji picker), Edit and Delete as allowed,
// and the in-page confirmation of a delete. One popover, put inside the message it acts on (CSS
// places it under the bubble; no inline styles); arrow keys move, Escape closes and gives focus
// back to the button that opened it.

import { h, setChildren } from '../dom.js';
import { COMMON_EMOJI } from '../messageRules.js';

export function mountMessageMenu({ onReply, onReact, onEdit, onDelete }) {
  const menu = h('div', {
    id: 'message-menu', class: 'message-menu', role: 'menu', 'aria-label': 'Message actions',
    hidden: true,
  });
  let current = null; // {message, anchor, actions}

  menu.addEventListener('keydown', (event) => {
    const items = [...menu.querySelectorAll('button')];
    const at = items.indexOf(document.activeElement);
    const horizontal = menu.dataset.mode === 'react';
    const next = horizontal ? 'ArrowRight' : 'ArrowDown';
    const previous = horizontal ? 'ArrowLeft' : 'ArrowUp';
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation(); // not "back to the list" on a phone
      close(true);
    } else if (event.key === next || event.key === previous) {
      event.preventDefault();
      const step = event.key === next ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      items[event.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (event.key === 'Tab') {
      close(false);
    }
  });
  document.addEventListener('pointerdown', (event) => {
    if (current && !menu.contains(event.target) && event.target !== current.anchor) close(false);
  }, true);

  function open(message, anchor, actions, mode = 'menu') {
    current = { message, anchor, actions };
    anchor?.setAttribute('aria-expanded', 'true');
    show(mode);
  }

  function show(mode) {
    const { message, actions } = current;
    menu.dataset.mode = mode;
    if (mode === 'react') {
      menu.setAttribute('aria-label', 'React');
      setChildren(menu, COMMON_EMOJI.map((emoji) => item(emoji, () => {
        close(true);
        onReact(message, emoji);
      }, { 'aria-label': `React with ${emoji}`, class: 'emoji-choice' })));
    } else if (mode === 'confirm') {
      menu.setAttribute('aria-label', 'Delete message');
      setChildren(menu, h('div', { class: 'menu-confirm' },
        h('p', { class: 'menu-confirm-text' }, 'Delete this message for everyone?'),
        h('div', { class: 'menu-confirm-actions' },
          item('Cancel', () => close(true), { class: 'button tiny' }),
          item('Delete', () => {
            close(true);
            onDelete(message);
          }, { class: 'button tiny danger' }))));
    } else {
      menu.setAttribute('aria-label', 'Message actions');
      setChildren(menu,
        actions.reply ? item('Reply', () => {
          close(false);
          onReply(message);
        }) : null,
        actions.react ? item('React', () => show('react'), { 'aria-haspopup': 'menu' }) : null,
        actions.edit ? item('Edit', () => {
          close(false);
          onEdit(message);
        }) : null,
        actions.delete ? item('Delete', () => show('confirm'), { class: 'menu-item danger-text' })
          : null);
    }
    menu.hidden = false;
    place();
    menu.querySelector(mode === 'confirm' ? 'button:last-child' : 'button')?.focus();
  }

  function item(label, onclick, props = {}) {
    return h('button', { type: 'button', role: 'menuitem', class: 'menu-item', ...props, onclick },
      label);
  }

  /** Inside the message's list item, scrolled into view. */
  function place() {
    const li = messageNode(current.message);
    if (!li) return;
    if (menu.parentNode !== li) li.append(menu);
    menu.scrollIntoView({ block: 'nearest' });
  }

  function messageNode(message) {
    const anchored = current?.anchor?.isConnected ? current.anchor.closest('li.message') : null;
    return anchored ?? document.querySelector(
      `#messages li.message[data-seq="${message.seq}"]`);
  }

  /** After the list was rebuilt: back into the message's (new) item, or closed if it is gone. */
  function reattach() {
    if (!current) return;
    const li = document.querySelector(`#messages li.message[data-seq="${current.message.seq}"]`);
    if (!li) {
      close(false);
      return;
    }
    if (!current.anchor?.isConnected) current.anchor = li.querySelector('.message-actions-button');
    if (menu.parentNode !== li) {
      const focused = menu.contains(document.activeElement);
      li.append(menu);
      if (focused) menu.querySelector('button')?.focus({ preventScroll: true });
    }
  }

  function close(refocus) {
    if (!current) return;
    const { anchor, message } = current;
    current = null;
    menu.hidden = true;
    menu.replaceChildren();
    menu.remove();
    anchor?.setAttribute('aria-expanded', 'false');
    if (!refocus) return;
    // The list may have been rebuilt meanwhile: find the message's button again.
    const target = anchor?.isConnected ? anchor : document.querySelector(
      `#messages li.message[data-seq="${message.seq}"] .message-actions-button`);
    target?.focus({ preventScroll: true });
  }

  return {
    open, reattach, close: () => close(false), get isOpen() { return current != null; },
  };
}
