// Pure rules of files and images: where the server's HTTP side is, what may be uploaded, what
// an upload's answer means, the state of an attachment in the composer, and how a message's
// files show (as an inline image or a download link, or as "📎 name" where only a line fits).
// No DOM, no network; unit-tested in test/files.test.js.

/** At most this many files go with one message (PROTOCOL.md "Files and images"). */
export const MAX_FILES = 10;

/** Types shown inline as images; the server serves exactly these inline, all else as downloads. */
export const INLINE_IMAGE_TYPES = Object.freeze(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** The server's limit on a file name, in characters (code points). */
export const MAX_NAME_CHARS = 255;

// ---------------------------------------------------------------------------------------------
// Where the server's HTTP side is

/**
 * The HTTP origin that takes uploads and serves files: `httpUrl` from config.json when it is an
 * http(s) URL (relative ones against the page: the server app answers "/", its own origin);
 * otherwise one derived from the WebSocket URL: wss → https, ws → http, the same host and port,
 * no path. Returns an origin ("https://chat.example.org") or null when neither works.
 */
export function httpOrigin({ pageUrl, wsUrl, configHttpUrl = null }) {
  if (typeof configHttpUrl === 'string' && configHttpUrl.trim() !== '') {
    try {
      const url = new URL(configHttpUrl.trim(), pageUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // not a URL: fall back to the WebSocket's
    }
  }
  try {
    const ws = new URL(wsUrl);
    if (ws.protocol !== 'ws:' && ws.protocol !== 'wss:') return null;
    const http = new URL(ws.href.replace(/^ws/, 'http'));
    return http.origin;
  } catch {
    return null;
  }
}

/**
 * The absolute URL of a message's file: its `url` (relative to the HTTP origin) resolved
 * against `origin`; null unless it is an http(s) URL on that origin.
 */
export function fileUrl(origin, url) {
  if (typeof url !== 'string' || url === '' || !origin) return null;
  try {
    const resolved = new URL(url, origin);
    if (resolved.origin !== origin) return null;
    return resolved.href;
  } catch {
    return null;
  }
}

/**
 * The policy the page narrows its own Content-Security-Policy to once it knows its server (the
 * page's meta tag must allow any host, since a static page does not know it in advance): it
 * connects to the WebSocket's and the HTTP origin only and shows images from the latter.
 */
export function narrowedPolicy(wsUrl, origin) {
  const sources = [];
  for (const url of [wsUrl, origin]) {
    try {
      const o = new URL(url).origin;
      if (o !== 'null' && /^(wss?|https?):\/\/[^\s;,']+$/.test(o)) sources.push(o);
    } catch {
      // left out: only 'self' then
    }
  }
  const http = sources.filter((s) => s.startsWith('http'));
  return `connect-src ${["'self'", ...sources].join(' ')}; img-src ${["'self'", 'data:', ...http].join(' ')}`;
}

// ---------------------------------------------------------------------------------------------
// What may be uploaded

/** True for the image types shown inline. */
export function isInlineImage(type) {
  return INLINE_IMAGE_TYPES.includes(String(type ?? '').toLowerCase());
}

/** "512 bytes", "48 KB", "1.5 MB", "2 GB" (1024-based, as the limits are). */
export function formatSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return n === 1 ? '1 byte' : `${Math.round(n)} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${shown} ${units[unit]}`;
}

/**
 * A name the server accepts (PROTOCOL: 1 to 255 characters, no `/` or `\`, no control,
 * line-break or text-direction characters, not `.` or `..`): those characters become `_`, it is
 * shortened keeping its extension, and an empty one becomes `fallback`.
 */
export function uploadName(name, fallback = 'file') {
  const chars = [...String(name ?? '')].map((ch) => (
    /[/\\\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(ch) ? '_' : ch));
  let clean = chars.join('').trim();
  if (clean === '' || clean === '.' || clean === '..') clean = fallback;
  const all = [...clean];
  if (all.length <= MAX_NAME_CHARS) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 ? [...clean.slice(dot)] : [];
  const keep = ext.length > 0 && ext.length <= 16 ? ext : [];
  return all.slice(0, MAX_NAME_CHARS - keep.length).join('') + keep.join('');
}

/**
 * Why a file cannot be attached before anything is sent, or null: over `maxUploadBytes` (from
 * hello's limits; no limit known, no check), or one too many for a message.
 */
export function attachError(file, { maxUploadBytes = null, attached = 0 } = {}) {
  if (attached >= MAX_FILES) return `A message has at most ${MAX_FILES} files.`;
  if (Number.isFinite(maxUploadBytes) && maxUploadBytes >= 0 && file.size > maxUploadBytes) {
    return `${uploadName(file.name)} is too large (${formatSize(file.size)}); files can be at most ${formatSize(maxUploadBytes)}.`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// What an upload's answer means

/**
 * The file of a 201 answer ({file, name, size, type} → {id, name, size, type}), or null when the
 * answer is not one.
 */
export function uploadedFile(status, body) {
  if (status !== 201) return null;
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (!json || typeof json.file !== 'string' || json.file === '') return null;
  return {
    id: json.file,
    name: typeof json.name === 'string' ? json.name : '',
    size: Number.isFinite(json.size) ? json.size : 0,
    type: typeof json.type === 'string' ? json.type : 'application/octet-stream',
  };
}

/**
 * Why an upload failed, in words: by HTTP status (0: the request never got an answer), with the
 * server's limit for 413.
 */
export function uploadErrorText(status, body = '', { maxUploadBytes = null } = {}) {
  let message = '';
  try {
    message = String(JSON.parse(body)?.message ?? '');
  } catch {
    // not JSON: the status says enough
  }
  switch (status) {
    case 0: return 'Could not reach the server.';
    case 401: return 'The server did not accept your sign-in. Sign in again to upload.';
    // 403 is either too many files waiting to be sent or the user's files taking their most
    // bytes: the server's message says which.
    case 403: return message ? `Not accepted: ${message}`
      : 'Too many files are waiting to be sent. Send or remove some first.';
    case 408: return 'The upload took too long.';
    case 413: return Number.isFinite(maxUploadBytes)
      ? `Too large: files can be at most ${formatSize(maxUploadBytes)}.` : 'Too large for the server.';
    case 429: return 'Too many uploads right now. Try again in a moment.';
    case 507: return 'The server is out of space for files; nothing was stored.';
    case 400: return message ? `Not accepted: ${message}` : 'The server did not accept this file.';
    default: return status >= 500 ? 'The server had a problem; nothing was stored.'
      : `Upload failed (${status}).`;
  }
}

// ---------------------------------------------------------------------------------------------
// Attachments in the composer

/**
 * What a chip shows: {status, percent, removeLabel}. `attachment`: {name, size, state:
 * 'uploading' | 'done' | 'failed', loaded, error}.
 */
export function chipView(attachment) {
  const { name, size, state, loaded = 0, error } = attachment;
  const percent = size > 0 ? Math.min(100, Math.floor((loaded / size) * 100)) : (state === 'done' ? 100 : 0);
  let status;
  if (state === 'uploading') status = `Uploading, ${percent}%`;
  else if (state === 'failed') status = error || 'Upload failed.';
  else status = formatSize(size);
  return { status, percent: state === 'done' ? 100 : percent, removeLabel: `Remove ${name}` };
}

/**
 * What pressing Send does now with `text` and these attachments: {action: 'send' | 'wait' |
 * 'nothing' | 'refuse', error?}. Files may go without text; a failed upload must be removed
 * first; while uploads run the send waits for them.
 */
export function sendCheck(text, attachments = []) {
  const hasText = String(text ?? '').trim() !== '';
  const failed = attachments.filter((a) => a.state === 'failed');
  if (failed.length > 0) {
    return {
      action: 'refuse',
      error: failed.length === 1 ? `${failed[0].name} could not be uploaded. Remove it to send.`
        : `${failed.length} files could not be uploaded. Remove them to send.`,
    };
  }
  if (attachments.length > MAX_FILES) {
    return { action: 'refuse', error: `A message has at most ${MAX_FILES} files.` };
  }
  if (attachments.some((a) => a.state === 'uploading')) return { action: 'wait' };
  if (!hasText && attachments.length === 0) return { action: 'nothing' };
  return { action: 'send' };
}

/**
 * The line under the chips: "Uploading 2 files…", "Sends when the upload finishes…" (Send was
 * pressed), else which upload failed, or ''.
 */
export function attachmentsStatus(attachments = [], waiting = false) {
  const uploading = attachments.filter((a) => a.state === 'uploading').length;
  if (uploading > 0 && waiting) {
    return uploading === 1 ? 'Sends when the upload finishes…' : `Sends when ${uploading} uploads finish…`;
  }
  if (uploading > 0) return uploading === 1 ? 'Uploading 1 file…' : `Uploading ${uploading} files…`;
  const failed = attachments.filter((a) => a.state === 'failed');
  if (failed.length === 1) return `${failed[0].name} could not be uploaded: ${failed[0].error}`;
  if (failed.length > 1) return `${failed.length} files could not be uploaded.`;
  return '';
}

// ---------------------------------------------------------------------------------------------
// Files of messages

/**
 * The files of a message object as the client keeps them: each {id, name, size, type, url}
 * with the right types (others dropped); [] when there are none.
 */
export function cleanFiles(files) {
  if (!Array.isArray(files)) return [];
  const clean = [];
  for (const f of files) {
    if (!f || typeof f.id !== 'string' || f.id === '') continue;
    clean.push({
      id: f.id,
      name: typeof f.name === 'string' && f.name !== '' ? f.name : 'file',
      size: Number.isFinite(f.size) && f.size >= 0 ? f.size : 0,
      type: typeof f.type === 'string' ? f.type.toLowerCase() : 'application/octet-stream',
      url: typeof f.url === 'string' ? f.url : null,
    });
    if (clean.length === MAX_FILES) break;
  }
  return clean;
}

/** The URL the server gives a file it serves (docs/protocol.md: `/files/<id>`). */
export function filePath(id) {
  return `/files/${encodeURIComponent(id)}`;
}

/**
 * One line for a message's files where no more fits (list preview, reply quote, search result,
 * notification): "📎 cat.png", "📎 cat.png and 2 more"; '' without files.
 */
export function filesLine(files) {
  const list = cleanFiles(files);
  if (list.length === 0) return '';
  const first = `📎 ${list[0].name}`;
  return list.length === 1 ? first : `${first} and ${list.length - 1} more`;
}
