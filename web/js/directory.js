// The room directory: a search (name prefix or topic words) read one page at a time, and looking
// up one room's topic and privacy without reading the whole directory. No DOM here.

import { errorText, normalizeRoom } from './logic.js';
import { ChatError } from './protocol.js';
import { addDirectoryPage, directoryRequest, newDirectory } from './rules.js';

/** Rooms per directory page: enough to fill the dialog, small enough to answer quickly. */
export const DIRECTORY_PAGE = 30;
/** How many rooms a look-up by name reads to find the one it wants. */
const LOOKUP_LIMIT = 50;

export class Directory {
  constructor(client) {
    this.client = client;
    this.store = client.store;
    this.conn = client.conn;
    this.state = newDirectory();
    this.loading = false;
    this.searchId = 0; // bumps on every new search, so a late page of an old one is dropped
  }

  /** Starts a new search (empty: every room by name) and loads its first page. */
  async search(query) {
    this.searchId++;
    this.state = newDirectory(query);
    this.loading = false;
    return this.more();
  }

  /** Loads the next page of the current search; returns the directory. */
  async more() {
    if (this.loading || (this.state.loaded && !this.state.more)) return this.state;
    const searchId = this.searchId;
    const asked = this.state;
    const limit = Math.min(DIRECTORY_PAGE, this.store.limits?.historyMax ?? DIRECTORY_PAGE);
    this.loading = true;
    try {
      const reply = await this.conn.request('rooms', directoryRequest(asked, limit));
      if (searchId !== this.searchId) return this.state;
      this.store.applyRooms(reply.rooms ?? []);
      this.state = addDirectoryPage(asked, reply);
      this.store.changed('rooms');
      return this.state;
    } catch (e) {
      throw new ChatError(e.code, errorText(e));
    } finally {
      if (searchId === this.searchId) this.loading = false;
    }
  }

  /**
   * Topic and privacy of one room, read with a directory search for its name (the protocol has
   * no request for one room). Returns the room's entry, or null when it is not among the
   * matches read.
   */
  async lookup(id) {
    const name = normalizeRoom(id);
    const reply = await this.conn.request('rooms', { query: name, limit: LOOKUP_LIMIT });
    const room = (reply.rooms ?? []).find((r) => r.room === '#' + name) ?? null;
    if (room) {
      this.store.applyRooms([room]);
      this.store.changed('rooms');
    }
    return room;
  }
}
