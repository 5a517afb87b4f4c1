// Short notices above the composer: info as status, errors as alerts. Text only. They never take
// clicks (pointer-events: none) and go away by themselves.

import { h } from '../dom.js';

const SHOWN_MS = { info: 5000, error: 8000 };

export function mountToasts(container) {
  return function toast(text, kind = 'info') {
    const type = kind === 'error' ? 'error' : 'info';
    const role = type === 'error' ? 'alert' : 'status';
    const item = h('div', { class: `toast toast-${type}`, role },
      h('span', { class: 'toast-text' }, text));
    container.append(item);
    while (container.children.length > 3) container.firstElementChild.remove();
    setTimeout(() => item.remove(), SHOWN_MS[type]);
  };
}
