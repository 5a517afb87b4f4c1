// The actions on a message, for the conversation pane: which ones each message offers, the
// "Message actions" menu (also by a long press on a touch screen), reacting, deleting, editing
// in place, and jumping to the message a reply answers. The pane keeps rendering and scrolling;
// `view` gives this module what it needs of them.

import { errorText } from '../logic.js';
import { messageActionsFor } from '../messageRules.js';
import { roleOf } from '../rules.js';
import { mountMessageMenu } from './messageMenu.js';

const LONG_PRESS_MS = 500;

/**
 * `ui` is shared with the message items ({editing: 'conv seq' | null, editDraft, editFocused});
 * `view` is {shownConv(), render(), holdPosition()}.
 */
export function mountMessageActions({ client, store, list, toast, extras, ui, view }) {
  const { shownConv } = view;
  const menu = mountMessageMenu({
    onReply: (m) => extras.startReply(m),
    onReact: (m, emoji) => react(m.seq, emoji),
    onEdit: (m) => startEditing(m),
    onDelete: (m) => remove(m),
  });

  /** The message actions shown on `m`: what the server supports and the rules allow me. */
  function allowed(m) {
    const conv = store.conv(m.conv);
    const myRole = conv?.kind === 'room' ? roleOf(conv.members, store.me) : null;
    return messageActionsFor(m, { me: store.me, myRole, features: store.features });
  }

  list.addEventListener('submit', (event) => {
    const form = event.target.closest('form.edit-form');
    if (!form) return;
    event.preventDefault();
    saveEdit(form);
  });
  list.addEventListener('input', (event) => {
    if (event.target.matches('.edit-input')) ui.editDraft = event.target.value;
  });
  list.addEventListener('keydown', (event) => {
    if (!event.target.matches('.edit-input')) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      stopEditing(true);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
  // A long press on a message (touch screens, where nothing hovers) opens its actions.
  let press = null;
  let pressOpened = false; // the finger that opened the menu is still down
  list.addEventListener('pointerdown', (event) => {
    if (event.pointerType !== 'touch') return;
    const li = event.target.closest('li.message[data-seq]');
    if (!li || event.target.closest('button, a, textarea')) return;
    const timer = setTimeout(() => {
      press = null;
      const button = li.querySelector('.message-actions-button');
      if (!button) return;
      pressOpened = true;
      openMenu(Number(li.dataset.seq), button);
    }, LONG_PRESS_MS);
    press = { timer, x: event.clientX, y: event.clientY };
  });
  const cancelPress = () => {
    if (press) clearTimeout(press.timer);
    press = null;
  };
  list.addEventListener('pointerup', cancelPress);
  list.addEventListener('pointercancel', cancelPress);
  list.addEventListener('pointermove', (event) => {
    if (press && Math.hypot(event.clientX - press.x, event.clientY - press.y) > 10) cancelPress();
  });
  // Lifting that finger is no tap: no click, and the focus stays in the menu.
  list.addEventListener('touchend', (event) => {
    if (!pressOpened) return;
    pressOpened = false;
    event.preventDefault();
  }, { passive: false });
  list.addEventListener('touchcancel', () => {
    pressOpened = false;
  });
  list.addEventListener('contextmenu', (event) => {
    // The long press is ours: no text-selection menu over the message actions.
    if (event.target.closest('li.message[data-seq]') && menu.isOpen) event.preventDefault();
  });

  // --- message actions -------------------------------------------------------------------------

  function messageAt(seq) {
    return shownConv() ? store.conv(shownConv())?.bySeq.get(seq) ?? null : null;
  }

  function openMenu(seq, button) {
    const m = messageAt(seq);
    if (!m) return;
    menu.open(m, button, allowed(m));
  }

  async function react(seq, emoji) {
    const id = shownConv();
    if (!id || !Number.isSafeInteger(seq)) return;
    try {
      await client.messages.react(id, seq, emoji);
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async function remove(m) {
    try {
      await client.messages.remove(m.conv, m.seq); // the update shows "Message deleted"
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  function startEditing(m) {
    ui.editing = `${m.conv} ${m.seq}`;
    ui.editDraft = m.text;
    ui.editFocused = false;
    if (m.seq !== store.conv(m.conv)?.lastSeq) view.holdPosition(); // no jump to the bottom
    view.render();
  }

  function stopEditing(refocus) {
    const editing = ui.editing;
    ui.editing = null;
    ui.editDraft = null;
    view.render();
    if (refocus && editing) {
      const seq = editing.split(' ')[1];
      list.querySelector(`li.message[data-seq="${seq}"] .message-actions-button`)
        ?.focus({ preventScroll: true });
    }
  }

  async function saveEdit(form) {
    const seq = Number(form.dataset.seq);
    const field = form.querySelector('.edit-input');
    const error = form.querySelector('.edit-error');
    const buttons = form.querySelectorAll('button');
    for (const b of buttons) b.disabled = true;
    try {
      await client.messages.edit(shownConv(), seq, field.value);
      stopEditing(true);
    } catch (e) {
      error.textContent = e.message;
      for (const b of buttons) b.disabled = false;
      field.focus();
    }
  }

  /**
   * Shows the message `seq` a reply answers (loading the history around it when it is not
   * held); the pane scrolls to it, highlights and focuses it.
   */
  async function jumpTo(seq) {
    const id = shownConv();
    if (!id || !Number.isSafeInteger(seq)) return;
    try {
      if (!(await client.history.show(id, seq)) && shownConv() === id) {
        toast('That message is not there any more.', 'error');
      }
    } catch (e) {
      toast(errorText(e), 'error');
    }
  }

  /** The in-place editor takes the focus once, when it appears (or was rebuilt while focused). */
  function focusEditField() {
    if (!ui.editing) return;
    const field = list.querySelector('.edit-input');
    if (!field) {
      ui.editing = null; // the message went away (deleted, or the list changed)
      return;
    }
    if (!ui.editFocused || (document.activeElement === document.body)) {
      ui.editFocused = true;
      field.focus({ preventScroll: true });
      if (document.activeElement === field && field.selectionStart === 0) {
        field.setSelectionRange(field.value.length, field.value.length);
      }
    }
  }

  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const action = button.dataset.action;
    if (action === 'actions') openMenu(Number(button.dataset.seq), button);
    else if (action === 'react') react(Number(button.dataset.seq), button.dataset.emoji);
    else if (action === 'jump') jumpTo(Number(button.dataset.replyTo));
    else if (action === 'edit-cancel') stopEditing(true);
  });

  /** After the list was rendered: the menu back in its message, the editor focused. */
  function afterRender() {
    menu.reattach();
    focusEditField();
  }

  /** Another conversation opens: no menu, no editing. */
  function reset() {
    menu.close();
    ui.editing = null;
    ui.editDraft = null;
  }

  return { allowed, afterRender, reset };
}
