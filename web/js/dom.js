// Building DOM safely: every piece of text becomes a text node (textContent), never markup.
// This file is the only place elements are made from data; nothing in the client parses HTML.

import { linkify } from './logic.js';
import { splitMentions } from './messageRules.js';

const PROPERTIES = new Set([
  'value', 'checked', 'disabled', 'hidden', 'type', 'htmlFor', 'tabIndex',
]);

/**
 * h('button', {class: 'primary', onclick: fn, 'aria-label': 'Send'}, 'Send', childNode)
 * Strings among the children become text nodes. Props: class, text, dataset, on<event>,
 * a few DOM properties, and attributes (set with setAttribute, never markup).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v != null) el.dataset[k] = String(v);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (PROPERTIES.has(key)) el[key] = value;
    else if (/html/i.test(key)) throw new Error(`refusing to set ${key}`);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children with the given nodes and strings (as text). */
export function setChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Message text as nodes: plain text, and <a> for http(s) URLs only, opening in a new tab
 * without giving the page a handle on this one.
 */
export function messageTextNodes(text) {
  return linkify(text).flatMap((part) => (part.url
    ? linkNodes(part)
    : [document.createTextNode(part.text)]));
}

/**
 * A link as typed, and, when its text may not say where it goes (`part.host`: a user part
 * before an `@`, a host outside ASCII), the host it goes to beside it.
 */
function linkNodes(part) {
  const link = h('a', { href: part.url, rel: 'noopener noreferrer', target: '_blank' }, part.text);
  if (!part.host) return [link];
  return [link, h('span', { class: 'link-host', title: `This link goes to ${part.host}` },
    ` (goes to ${part.host})`)];
}

/**
 * Message text with links (as above) and the names it mentions as `span.mention[data-user]`
 * (`mention-me` when it is me): text split into text nodes and spans, never parsed.
 */
export function messageBodyNodes(text, mentions, me) {
  if (!Array.isArray(mentions) || mentions.length === 0) return messageTextNodes(text);
  const nodes = [];
  for (const part of linkify(text)) {
    if (part.url) {
      nodes.push(...linkNodes(part));
      continue;
    }
    for (const piece of splitMentions(part.text, mentions)) {
      nodes.push(piece.mention
        ? h('span', {
          class: piece.mention === me ? 'mention mention-me' : 'mention',
          dataset: { user: piece.mention },
        }, piece.text)
        : document.createTextNode(piece.text));
    }
  }
  return nodes;
}

/** A round avatar with an initial; the colour class comes from the name. */
export function avatar(name, extraClass = '') {
  const clean = String(name ?? '').replace(/^[@#]/, '');
  const initial = (clean[0] ?? '?').toUpperCase();
  const className = `avatar avatar-c${colourIndex(clean)} ${extraClass}`.trim();
  return h('span', { class: className, 'aria-hidden': 'true' }, initial);
}

export function colourIndex(name) {
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return hash % 8;
}

/** A presence dot: data-online true/false, or unknown when we have not heard. */
export function presenceDot(online) {
  const state = online == null ? 'unknown' : online ? 'true' : 'false';
  const label = online == null ? 'presence unknown' : online ? 'online' : 'offline';
  return h('span', { class: 'presence-dot', dataset: { online: state } },
    h('span', { class: 'visually-hidden' }, label));
}
