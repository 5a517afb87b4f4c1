package chat.core;

import chat.protocol.ErrorCode;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that hashes a password, run on the core's hashing pool for a connection, which holds its
 * later requests meanwhile.
 *
 * <p>Hashing is slow on purpose (tens of milliseconds a hash), so a crowd of logins makes a
 * queue. Three rules keep that queue from locking real users out: work of a connection that has
 * closed is dropped unrun; a sign-in that would wait long (see {@link #MAX_SIGN_IN_WAIT_MS}) is
 * answered {@code rate_limited} at once instead of being queued to time out; and the throttles
 * of {@link AuthService} bound how much one address may queue.
 */
@Singleton
final class PasswordChecks {
  private static final Logger log = LoggerFactory.getLogger(PasswordChecks.class);

  /** How a piece of work ended, for the throttles. */
  enum Outcome {
    /** Done, or failed for a reason other than the password. */
    SUCCEEDED,
    /** The password was wrong. */
    WRONG_PASSWORD,
    /** Not run: refused, or the connection closed while it waited. */
    NOT_RUN
  }

  /** The work: returns the reply's result, or throws the error to answer. */
  interface Work {
    Result run() throws ChatException;
  }

  /** A wrong password, told apart from other failures by {@link Outcome#WRONG_PASSWORD}. */
  static final class WrongPassword extends ChatException {
    WrongPassword(String message) {
      super(ErrorCode.UNAUTHORIZED, message);
    }
  }

  static ChatException wrongPassword(String message) {
    return new WrongPassword(message);
  }

  private final CoreExecutors executors;
  private final ChatConfig config;
  private final Ticker ticker;
  /**
   * The longest a sign-in may wait for a hashing thread before it is refused instead (and never
   * more than half the time its connection has left): a real user is answered within seconds
   * even while a crowd of logins is being hashed.
   */
  static final long MAX_SIGN_IN_WAIT_MS = 2_000;

  private final AtomicInteger queued = new AtomicInteger(); // waiting or running
  /** Smoothed nanoseconds one piece of work takes; starts at a PBKDF2 guess. */
  private volatile double averageNanos = 100_000_000;

  @Inject
  PasswordChecks(CoreExecutors executors, ChatConfig config, Ticker ticker) {
    this.executors = executors;
    this.config = config;
    this.ticker = ticker;
  }

  /**
   * Queues {@code work} for {@code c}; its result or error is the reply to request {@code id},
   * and {@code after} learns the outcome just before the reply is queued (or at once, if the work
   * is refused here, before this method throws).
   *
   * @param signIn whether this is a sign-in of a connection with a deadline to meet
   * @throws ChatException rate_limited when the wait would outlast the sign-in deadline or the
   *     queue is full
   */
  void submit(SessionState c, String id, boolean signIn, Work work, Consumer<Outcome> after)
      throws ChatException {
    submit(c, id, signIn, work, after, null);
  }

  /** As above; {@code afterReply} (may be null) runs once a successful reply is queued. */
  void submit(SessionState c, String id, boolean signIn, Work work, Consumer<Outcome> after,
      Runnable afterReply) throws ChatException {
    long waitMs = estimatedWaitMs();
    if (signIn) {
      long elapsedMs = (ticker.nanos() - c.openedNanos()) / 1_000_000;
      long leftMs = config.limits().authTimeoutMs() - elapsedMs;
      if (waitMs > Math.min(MAX_SIGN_IN_WAIT_MS, leftMs / 2)) {
        after.accept(Outcome.NOT_RUN);
        throw busy(waitMs);
      }
    }
    c.beginAsync();
    queued.incrementAndGet();
    try {
      executors.auth().execute(() -> run(c, id, work, after, afterReply));
    } catch (RejectedExecutionException e) {
      queued.decrementAndGet();
      c.endAsync();
      after.accept(Outcome.NOT_RUN);
      throw busy(Math.max(waitMs, 1_000));
    }
  }

  private void run(SessionState c, String id, Work work, Consumer<Outcome> after,
      Runnable afterReply) {
    Outcome outcome = Outcome.NOT_RUN;
    Result result = null;
    ChatException error = null;
    try {
      if (c.isClosed()) {
        return; // nobody is waiting for the answer: spend no hashing on it
      }
      long start = ticker.nanos();
      try {
        result = work.run();
        outcome = Outcome.SUCCEEDED;
      } catch (WrongPassword e) {
        outcome = Outcome.WRONG_PASSWORD;
        error = e;
      } catch (ChatException e) {
        outcome = Outcome.SUCCEEDED;
        error = e;
      } catch (RuntimeException e) {
        outcome = Outcome.SUCCEEDED;
        log.error("password work failed on {}", c, e);
        error = new ChatException(ErrorCode.INTERNAL, "server fault");
      }
      long took = ticker.nanos() - start;
      averageNanos = averageNanos * 0.8 + took * 0.2;
    } finally {
      queued.decrementAndGet();
      try {
        after.accept(outcome); // before the reply: a client's next attempt sees the count
        if (error != null) {
          c.fail(id, error);
        } else if (result != null) {
          c.reply(id, result);
          if (afterReply != null) {
            afterReply.run();
          }
        }
      } finally {
        c.endAsync();
      }
    }
  }

  /**
   * Sets the expected time of one piece of work from a measurement (one hash at start), so that
   * the first burst of logins is judged by what hashing costs on this machine, not by a guess.
   */
  void calibrate(long nanos) {
    averageNanos = nanos;
  }

  /** How long new work would wait for a hashing thread, by the recent average: 0 if none. */
  long estimatedWaitMs() {
    int threads = executors.authThreads();
    double rounds = Math.ceil(queued.get() / (double) threads);
    return (long) (rounds * averageNanos / 1_000_000);
  }

  private static ChatException busy(long waitMs) {
    return new ChatException(ErrorCode.RATE_LIMITED,
        "the server is busy checking passwords; try again shortly", Math.max(1, waitMs));
  }
}
