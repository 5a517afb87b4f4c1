package chat.core.memory;

import chat.core.store.AppendListener;
import chat.core.store.ChangeOutcome;
import chat.core.store.MessageChange;
import chat.core.store.MessageChanges;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.SearchQuery;
import chat.core.store.SearchText;
import chat.core.store.StoredMessage;
import chat.core.store.StoredUpdate;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages in memory: nothing survives the JVM, so every instance has a new epoch. Appends to one
 * conversation are serialised by that conversation's lock, and the listener is called under it,
 * which gives the in-order guarantee of {@link AppendListener}.
 */
final class InMemoryMessageStore implements MessageStore {
  /** The order of search results: {@link SearchQuery}'s. */
  private static final Comparator<StoredMessage> NEWEST_FIRST = Comparator
      .comparingLong(StoredMessage::ts)
      .thenComparing((StoredMessage m) -> m.conv().key())
      .thenComparingLong(StoredMessage::seq)
      .reversed();

  private final String epoch = UUID.randomUUID().toString();
  private final Map<ConvId, ConvLog> logs = new ConcurrentHashMap<>();
  private final Map<String, Set<ConvId>> directByUser = new ConcurrentHashMap<>();
  private final InMemoryFileStore files;

  @Inject
  InMemoryMessageStore(InMemoryFileStore files) {
    this.files = files;
  }

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public void append(NewMessage m, AppendListener listener) {
    ConvLog log = logs.computeIfAbsent(m.conv(), c -> new ConvLog());
    synchronized (log) {
      String key = m.from() + '\n' + m.cid();
      Long earlier = log.byCid.get(key);
      if (earlier != null) {
        listener.stored(log.messages.get((int) (earlier - 1)), true);
        return;
      }
      StoredMessage stored = new StoredMessage(m.conv(), log.messages.size() + 1L, m.from(),
          m.text(), m.ts(), m.cid(), m.replyTo(), m.mentions(), null, false, Map.of(), 0,
          m.files());
      if (!m.files().isEmpty()) {
        try {
          files.attach(m.files(), m.from(), m.conv(), stored.seq());
        } catch (RuntimeException e) {
          listener.failed(e);
          return;
        }
      }
      log.messages.add(stored);
      log.byCid.put(key, stored.seq());
      if (stored.seq() == 1 && !m.conv().isRoom()) {
        directByUser.computeIfAbsent(m.conv().userA(), u -> ConcurrentHashMap.newKeySet())
            .add(m.conv());
        directByUser.computeIfAbsent(m.conv().userB(), u -> ConcurrentHashMap.newKeySet())
            .add(m.conv());
      }
      listener.stored(stored, false);
    }
  }

  @Override
  public void deleteConversation(ConvId conv) {
    ConvLog removed = logs.remove(conv);
    if (removed != null) {
      synchronized (removed) { // after an append under way, so its files go too
        files.eraseConversation(conv);
      }
    }
    if (!conv.isRoom()) {
      for (String user : List.of(conv.userA(), conv.userB())) {
        Set<ConvId> direct = directByUser.get(user);
        if (direct != null) {
          direct.remove(conv);
        }
      }
    }
  }

  @Override
  public List<StoredMessage> after(ConvId conv, long afterSeq, int limit) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return List.of();
    }
    synchronized (log) {
      int size = log.messages.size();
      int from = (int) Math.min(Math.max(afterSeq, 0), size); // index of seq afterSeq+1
      int to = (int) Math.min((long) from + limit, size);
      return new ArrayList<>(log.messages.subList(from, to));
    }
  }

  @Override
  public List<StoredMessage> before(ConvId conv, long beforeSeq, int limit) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return List.of();
    }
    synchronized (log) {
      int size = log.messages.size();
      int to = (int) Math.min(Math.max(beforeSeq - 1, 0), size); // exclusive index of seq beforeSeq
      int from = Math.max(to - limit, 0);
      return new ArrayList<>(log.messages.subList(from, to));
    }
  }

  @Override
  public long lastSeq(ConvId conv) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return 0;
    }
    synchronized (log) {
      return log.messages.size();
    }
  }

  @Override
  public Optional<StoredMessage> message(ConvId conv, long seq) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return Optional.empty();
    }
    synchronized (log) {
      return seq >= 1 && seq <= log.messages.size()
          ? Optional.of(log.messages.get((int) (seq - 1))) : Optional.empty();
    }
  }

  @Override
  public ChangeOutcome change(ConvId conv, long seq, MessageChange change) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return new ChangeOutcome(ChangeOutcome.Status.NOT_FOUND, null, 0);
    }
    synchronized (log) {
      if (seq < 1 || seq > log.messages.size()) {
        return new ChangeOutcome(ChangeOutcome.Status.NOT_FOUND, null, 0);
      }
      StoredMessage m = log.messages.get((int) (seq - 1));
      StoredMessage changed = MessageChanges.apply(m, change, log.revs.size() + 1L);
      if (changed == null) {
        return MessageChanges.refusal(m, change);
      }
      log.messages.set((int) (seq - 1), changed);
      if (changed.deleted()) {
        files.erase(m.files());
      }
      log.revs.add(new StoredUpdate(changed.rev(), seq, change.by(), change.action(),
          change.ts()));
      return new ChangeOutcome(ChangeOutcome.Status.APPLIED, changed, changed.rev());
    }
  }

  @Override
  public long lastRev(ConvId conv) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return 0;
    }
    synchronized (log) {
      return log.revs.size();
    }
  }

  @Override
  public List<StoredUpdate> updatesAfter(ConvId conv, long afterRev, int limit) {
    ConvLog log = logs.get(conv);
    if (log == null) {
      return List.of();
    }
    synchronized (log) {
      int size = log.revs.size();
      int from = (int) Math.min(Math.max(afterRev, 0), size);
      int to = (int) Math.min((long) from + limit, size);
      return new ArrayList<>(log.revs.subList(from, to));
    }
  }

  /**
   * Scans every message of the conversations searched: the memory store
   * holds what one process chats in a test or a small embedding, not an archive to index.
   */
  @Override
  public List<StoredMessage> search(SearchQuery query) {
    List<StoredMessage> found = new ArrayList<>();
    for (ConvId conv : new LinkedHashSet<>(query.convs())) {
      ConvLog log = logs.get(conv);
      if (log == null) {
        continue;
      }
      List<StoredMessage> messages;
      synchronized (log) {
        messages = new ArrayList<>(log.messages);
      }
      for (StoredMessage m : messages) {
        if (!m.deleted() && (query.after() == null || query.after().isBeyond(m))
            && SearchText.matches(SearchText.words(m.text()), query.terms())) {
          found.add(m);
        }
      }
    }
    found.sort(NEWEST_FIRST);
    return found.size() <= query.limit() ? found : new ArrayList<>(found.subList(0, query.limit()));
  }

  @Override
  public List<ConvId> directConversations(String user) {
    Set<ConvId> convs = directByUser.get(user);
    return convs == null ? List.of() : List.copyOf(convs);
  }

  private static final class ConvLog {
    final List<StoredMessage> messages = new ArrayList<>();
    final Map<String, Long> byCid = new HashMap<>();
    final List<StoredUpdate> revs = new ArrayList<>(); // the change with rev r at index r - 1
  }
}
