package chat.core;

import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.protocol.ErrorCode;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases the history of deleted rooms, and keeps a name from being created again while its old
 * history is still there.
 *
 * <p>A store may take a long time over a big history (SQLite takes each message's words out of
 * the search index, up to several hundred microseconds a message, in steps that let other writes
 * through), so a history of more than {@link #AT_ONCE} messages is erased on the core's erasure
 * thread, after the deletion has been answered; a smaller one on the caller's thread, so that a
 * client that deletes a room and creates it again at once finds the name free.
 *
 * <p>A name is held while its history is erased: {@link #create} refuses it meanwhile. A history
 * left without its room (an erasure cut short by a stop, an erasure by the operator's tool in
 * another process, a message that raced the deletion) is erased when the name is next created.
 * The holds are this node's: on a cluster, two nodes creating a name with a history left over
 * at the same moment are not kept apart.
 */
@Singleton
final class RoomErasures {
  private static final Logger log = LoggerFactory.getLogger(RoomErasures.class);
  /** The most messages a history may have to be erased on the caller's thread. */
  static final long AT_ONCE = 500;

  private final MessageStore messages;
  private final CoreExecutors executors;
  /** Names whose history is being erased, with how many erasures of each are under way. */
  private final ConcurrentHashMap<String, Integer> erasing = new ConcurrentHashMap<>();
  /** Names being created here: one creation of a name at a time looks for a leftover history. */
  private final Set<String> creating = ConcurrentHashMap.newKeySet();

  @Inject
  RoomErasures(MessageStore messages, CoreExecutors executors) {
    this.messages = messages;
    this.executors = executors;
  }

  /**
   * Runs {@code removal}, which deletes {@code room} from the account store, then erases the
   * room's history. The name is held from before the removal until the history is gone.
   */
  <T> T remove(String room, Supplier<T> removal) {
    hold(room);
    T removed;
    try {
      removed = removal.get();
    } catch (RuntimeException | Error e) {
      release(room);
      throw e;
    }
    erase(room);
    return removed;
  }

  /** Erases the history of {@code room}, which the account store has already deleted. */
  void erased(String room) {
    hold(room);
    erase(room);
  }

  /**
   * Runs {@code creation} once any history left under the name is gone, and returns what it
   * returns.
   *
   * @param exists whether a room of this name exists now (its history is then its own)
   * @throws ChatException conflict, without running {@code creation}, while the name's old
   *     history is being erased (or another creation of it is under way here)
   */
  boolean create(String room, BooleanSupplier exists, BooleanSupplier creation)
      throws ChatException {
    if (erasing.containsKey(room) || !creating.add(room)) {
      throw stillErasing(room);
    }
    try {
      if (erasing.containsKey(room)) {
        throw stillErasing(room); // a deletion began in between
      }
      if (!exists.getAsBoolean() && messages.lastSeq(ConvId.room(room)) > 0) {
        log.info("#{} has a history left from a deleted room of that name; erasing it", room);
        erased(room);
        if (erasing.containsKey(room)) {
          throw stillErasing(room); // big: it goes on on the erasure thread
        }
      }
      return creation.getAsBoolean();
    } finally {
      creating.remove(room);
    }
  }

  /** Whether the history of {@code room} is being erased here now. */
  boolean erasing(String room) {
    return erasing.containsKey(room);
  }

  private static ChatException stillErasing(String room) {
    return new ChatException(ErrorCode.CONFLICT, "room #" + room
        + " was deleted and its history is still being erased; try again in a minute");
  }

  /** Erases the history of a room under one hold of its name, which it gives back when done. */
  private void erase(String room) {
    ConvId conv = ConvId.room(room);
    boolean queued = false;
    try {
      if (messages.lastSeq(conv) <= AT_ONCE) {
        messages.deleteConversation(conv);
      } else {
        queued = queue(room, conv);
      }
    } finally {
      if (!queued) {
        release(room);
      }
    }
  }

  /** Hands a big erasure to the erasure thread; false if the core is stopping. */
  private boolean queue(String room, ConvId conv) {
    try {
      executors.erasure().execute(() -> {
        try {
          messages.deleteConversation(conv);
          if (Thread.currentThread().isInterrupted()) {
            stoppedWithTheServer(room);
          } else {
            log.info("erased the history of #{}", room);
          }
        } catch (RuntimeException e) {
          if (Thread.currentThread().isInterrupted()) {
            stoppedWithTheServer(room); // the store saw the interrupt (waiting for a connection)
          } else {
            log.error("erasing the history of #{} failed; the rest goes when the name is next"
                + " created", room, e);
          }
        } finally {
          release(room);
        }
      });
      return true;
    } catch (RejectedExecutionException | IllegalStateException stopping) {
      return false; // the name's next creation erases what is left
    }
  }

  private static void stoppedWithTheServer(String room) {
    log.info("erasing the history of #{} stopped with the server; the rest goes when the name is"
        + " next created", room);
  }

  private void hold(String room) {
    erasing.merge(room, 1, Integer::sum);
  }

  private void release(String room) {
    erasing.computeIfPresent(room, (r, n) -> n > 1 ? n - 1 : null);
  }
}
