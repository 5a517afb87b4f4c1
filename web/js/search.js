// Message search: a query in all my conversations or in one, read newest first one page at a
// time (`search` with the `next` cursor of the page before as `before`). A newer search makes
// the replies of older ones stale: they are dropped. No DOM here.

import { addSearchPage, newSearch, SEARCH_PAGE, searchErrorText, searchRequest } from './searchRules.js';

export class MessageSearch {
  constructor(client) {
    this.client = client;
    this.state = newSearch();
    this.searchId = 0; // bumps on every new search, so a late reply to an old one is dropped
  }

  get store() {
    return this.client.store;
  }

  /**
   * Starts a new search for `query` (in `conv`, or everywhere when null) and loads its first
   * page. A query with nothing but spaces clears the search without asking the server.
   */
  async run(query, { conv = null } = {}) {
    this.searchId++;
    this.state = newSearch(query, conv);
    if (!this.state.query) {
      this.store.changed('search');
      return this.state;
    }
    return this.more();
  }

  /** Loads the next page of the current search; returns the search as it then is. */
  async more() {
    const asked = this.state;
    if (!asked.query || asked.loading || (asked.loaded && !asked.more)) return asked;
    const searchId = this.searchId;
    this.state = { ...asked, loading: true, error: null };
    this.store.changed('search');
    const limit = Math.min(SEARCH_PAGE, this.store.limits?.historyMax ?? SEARCH_PAGE);
    try {
      const reply = await this.client.conn.request('search', searchRequest(asked, limit));
      if (searchId === this.searchId) this.state = addSearchPage(asked, reply);
    } catch (e) {
      if (searchId === this.searchId) {
        this.state = { ...asked, loading: false, error: searchErrorText(e, asked) };
      }
    }
    this.store.changed('search');
    return this.state;
  }

  /** Forgets the search (closed); a reply still on its way is dropped. */
  clear() {
    this.searchId++;
    this.state = newSearch();
    this.store.changed('search');
  }
}
