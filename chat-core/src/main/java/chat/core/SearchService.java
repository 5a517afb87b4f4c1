package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.SearchQuery;
import chat.core.store.SearchText;
import chat.core.store.SearchTooBroadException;
import chat.core.store.StoredMessage;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Full-text search over the conversations a user can read now: the rooms they are a member of
 * and their direct conversations (a room left is no longer searched). Words are matched as
 * {@link SearchText} says; the store does the matching and keeps deleted messages out.
 *
 * <p>The {@code next} cursor is the last hit's place in the result order (ts, conversation,
 * seq), base64url-encoded: it names no message text and grants nothing, since each page is
 * searched afresh within what the user can read at that moment.
 */
@Singleton
final class SearchService {
  /** Longer queries are refused: nobody types them, and each word costs an index lookup. */
  static final int MAX_QUERY_CHARS = 256;
  /** At most this many distinct words in one query. */
  static final int MAX_TERMS = 16;
  static final int DEFAULT_LIMIT = 20;
  private static final String CURSOR_VERSION = "s1";

  private final MessageStore messages;
  private final AccountStore accounts;
  private final Access access;
  private final ChatConfig config;
  private final LocalLimits limits;

  @Inject
  SearchService(MessageStore messages, AccountStore accounts, Access access, ChatConfig config,
      LocalLimits limits) {
    this.limits = limits;
    this.messages = messages;
    this.accounts = accounts;
    this.access = access;
    this.config = config;
  }

  Result.Search search(String user, Request.Search r) throws ChatException {
    if (r.query().length() > MAX_QUERY_CHARS) {
      throw ChatException.badRequest("query: at most " + MAX_QUERY_CHARS + " characters");
    }
    List<String> terms = new ArrayList<>(new LinkedHashSet<>(SearchText.words(r.query())));
    if (terms.isEmpty()) {
      throw ChatException.badRequest("query: give at least one word to search for");
    }
    if (terms.size() > MAX_TERMS) {
      throw ChatException.badRequest("query: at most " + MAX_TERMS + " words");
    }
    // Above historyMax: historyMax, as history, updates and rooms do.
    int limit = Math.min(r.limit() == null ? DEFAULT_LIMIT : r.limit(),
        config.limits().historyMax());
    if (limit < 1) {
      throw ChatException.badRequest("limit: must be positive");
    }
    SearchQuery.Position after = r.before() == null ? null : decodeCursor(r.before());
    List<ConvId> convs = r.conv() == null
        ? readable(user) : List.of(access.conversation(user, r.conv(), "conv"));
    long waitMs = limits.tryTake("search", user, config.safety().searchesPerMinute() / 60.0,
        config.safety().searchBurst());
    ChatException.refuseIfWaiting(waitMs, "searching too fast");
    List<StoredMessage> found;
    try {
      found = convs.isEmpty()
          ? List.of() : messages.search(new SearchQuery(convs, terms, after, limit + 1));
    } catch (SearchTooBroadException e) {
      throw ChatException.badRequest("query: matches too much to search in time; use longer or"
          + " rarer words, or search one conversation");
    }
    boolean more = found.size() > limit;
    if (more) {
      found = found.subList(0, limit);
    }
    List<Result.SearchHit> hits = new ArrayList<>(found.size());
    for (StoredMessage m : found) {
      String name = m.conv().nameFor(user);
      hits.add(new Result.SearchHit(name, Router.toEvent(m, name)));
    }
    String next = more ? encodeCursor(SearchQuery.Position.of(found.get(found.size() - 1))) : null;
    return new Result.Search(hits, more, next);
  }

  /** The rooms {@code user} is a member of and their direct conversations with messages. */
  private List<ConvId> readable(String user) {
    List<ConvId> convs = new ArrayList<>();
    for (String room : accounts.roomsOf(user)) {
      convs.add(ConvId.room(room));
    }
    convs.addAll(messages.directConversations(user));
    return convs;
  }

  static String encodeCursor(SearchQuery.Position p) {
    String plain = CURSOR_VERSION + ":" + p.ts() + ":" + p.seq() + ":" + p.convKey();
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  static SearchQuery.Position decodeCursor(String cursor) throws ChatException {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = plain.split(":", 4);
      if (parts.length == 4 && parts[0].equals(CURSOR_VERSION)) {
        ConvId conv = ConvId.parseKey(parts[3]);
        return new SearchQuery.Position(Long.parseLong(parts[1]), conv.key(),
            Long.parseLong(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      // not base64, not numbers or not a conversation key: answered below
    }
    throw ChatException.badRequest("before: not a cursor from a search reply");
  }
}
