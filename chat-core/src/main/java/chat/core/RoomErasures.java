package chat.core;

import chat.core.store.ConvId;
import chat.core.store.MessageStore;
import chat.protocol.ErrorCode;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
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
 * The holds and locks are this node's: on a cluster, a name deleted on one node and created on
 * another at the same moment is not kept apart (the stores' erasure stops at a room that exists
 * again, see {@link MessageStore#deleteConversation}).
 */
@Singleton
final class RoomErasures {
  private static final Logger log = LoggerFactory.getLogger(RoomErasures.class);
  /** The most messages a history may have to be erased on the caller's thread. */
  static final long AT_ONCE = 500;
  private static final int STRIPES = 64;

  private final MessageStore messages;
  private final CoreExecutors executors;
  /** Names whose history is being erased, with how many erasures of each are under way. */
  private final ConcurrentHashMap<String, Integer> erasing = new ConcurrentHashMap<>();
  /**
   * Per name (striped): a creation's checks and insert, and a removal's hold and delete, one at
   * a time, so that neither can pass between the other's steps.
   */
  private final Object[] locks = new Object[STRIPES];

  @Inject
  RoomErasures(MessageStore messages, CoreExecutors executors) {
    this.messages = messages;
    this.executors = executors;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  private Object lock(String room) {
    return locks[Math.floorMod(room.hashCode(), STRIPES)];
  }

  /**
   * Runs {@code removal}, which deletes {@code room} from the account store, then erases the
   * room's history. The name is held from before the removal until the history is gone.
   */
  <T> T remove(String room, Supplier<T> removal) {
    T removed;
    synchronized (lock(room)) {
      hold(room);
      try {
        removed = removal.get();
      } catch (RuntimeException | Error e) {
        release(room);
        throw e;
      }
    }
    erase(room);
    return removed;
  }

  /**
   * Erases the history of {@code room}, which the account store has already deleted (with an
   * account that was its last member), unless a room of that name exists again by now: that
   * one was created after its leftover was erased, and what the conversation holds is its own.
   */
  void erasedUnlessCreatedAgain(String room, BooleanSupplier exists) {
    synchronized (lock(room)) {
      if (exists.getAsBoolean()) {
        return;
      }
      hold(room);
    }
    erase(room);
  }

  /**
   * Runs {@code creation} once any history left under the name is gone, and returns what it
   * returns.
   *
   * @param exists whether a room of this name exists now (its history is then its own)
   * @throws ChatException conflict, without running {@code creation}, while the name's old
   *     history is being erased
   */
  boolean create(String room, BooleanSupplier exists, BooleanSupplier creation)
      throws ChatException {
    synchronized (lock(room)) {
      if (erasing.containsKey(room)) {
        throw stillErasing(room);
      }
      if (!exists.getAsBoolean() && messages.lastSeq(ConvId.room(room)) > 0) {
        log.info("#{} has a history left from a deleted room of that name; erasing it", room);
        hold(room);
        erase(room); // a small one here, under the lock; a big one on the erasure thread
        if (erasing.containsKey(room)) {
          throw stillErasing(room);
        }
      }
      return creation.getAsBoolean();
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
