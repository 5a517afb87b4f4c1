package chat.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's event thread: runs listener calls and completes request futures, one at a time,
 * in the order the state thread handed them over. Once shut down, listener calls are dropped and
 * futures are completed on the caller's thread.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final ExecutorService events;
  private final ChatListener listener;

  Dispatcher(ExecutorService events, ChatListener listener) {
    this.events = events;
    this.listener = listener;
  }

  void emit(Consumer<ChatListener> call) {
    run(() -> {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("listener threw", e);
      }
    }, null);
  }

  <T> void complete(CompletableFuture<T> future, T value) {
    run(() -> future.complete(value), () -> future.complete(value));
  }

  void fail(CompletableFuture<?> future, Throwable e) {
    run(() -> future.completeExceptionally(e), () -> future.completeExceptionally(e));
  }

  /** Runs {@code task} on the event thread after everything handed over so far; at once if shut down. */
  void after(Runnable task) {
    run(task, task);
  }

  /** Lets the calls handed over so far run, then ends the thread. */
  void shutdown() {
    events.shutdown();
  }

  private void run(Runnable task, Runnable ifShutDown) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException e) {
      if (ifShutDown != null) {
        ifShutDown.run();
      }
    }
  }
}
