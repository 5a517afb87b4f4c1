package chat.core.memory;

import chat.core.store.AppendListener;
import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.core.store.NewMessage;
import chat.core.store.StoredMessage;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages in memory: nothing survives the JVM, so every instance has a new epoch. Appends to one
 * conversation are serialised by that conversation's lock, and the listener is called under it,
 * which gives the in-order guarantee of {@link AppendListener}.
 */
final class InMemoryMessageStore implements MessageStore {
  private final String epoch = UUID.randomUUID().toString();
  private final Map<ConvId, ConvLog> logs = new ConcurrentHashMap<>();
  private final Map<String, Set<ConvId>> directByUser = new ConcurrentHashMap<>();

  @Inject
  InMemoryMessageStore() {}

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public void append(NewMessage m, AppendListener listener) {
    ConvLog log = logs.computeIfAbsent(m.conv(), c -> new ConvLog());
    synchronized (log) {
      String key = m.from() + '\n' + m.cid();
      StoredMessage earlier = log.byCid.get(key);
      if (earlier != null) {
        listener.stored(earlier, true);
        return;
      }
      StoredMessage stored = new StoredMessage(
          m.conv(), log.messages.size() + 1L, m.from(), m.text(), m.ts(), m.cid());
      log.messages.add(stored);
      log.byCid.put(key, stored);
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
    logs.remove(conv);
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
  public List<ConvId> directConversations(String user) {
    Set<ConvId> convs = directByUser.get(user);
    return convs == null ? List.of() : List.copyOf(convs);
  }

  private static final class ConvLog {
    final List<StoredMessage> messages = new ArrayList<>();
    final Map<String, StoredMessage> byCid = new HashMap<>();
  }
}
