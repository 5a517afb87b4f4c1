package chat.core;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's own threads: a small pool for password hashing (slow on purpose, so it never runs on
 * a transport's I/O thread), one timer thread and one thread erasing big histories. Created by
 * {@link #start()}, not at injection. All threads are daemons, so an embedding program that
 * forgets to stop the core still exits.
 */
@Singleton
final class CoreExecutors {
  private static final Logger log = LoggerFactory.getLogger(CoreExecutors.class);
  /** Logins waiting for a hashing thread before new ones are refused as busy. */
  private static final int AUTH_QUEUE = 1_000;

  private volatile ThreadPoolExecutor auth;
  private volatile ScheduledThreadPoolExecutor timer;
  private volatile ThreadPoolExecutor erasure;

  @Inject
  CoreExecutors() {}

  synchronized void start() {
    if (auth != null) {
      return;
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    auth = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(AUTH_QUEUE), daemonThreads("chat-auth-"));
    auth.allowCoreThreadTimeOut(true);
    timer = new ScheduledThreadPoolExecutor(1, daemonThreads("chat-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    erasure = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads("chat-erasure-"));
    erasure.allowCoreThreadTimeOut(true);
  }

  Executor auth() {
    return requireStarted(auth);
  }

  /** Threads of the hashing pool. */
  int authThreads() {
    ThreadPoolExecutor pool = auth;
    return pool == null ? 1 : pool.getMaximumPoolSize();
  }

  /** One thread for long store work that no request waits for: erasing big histories. */
  Executor erasure() {
    return requireStarted(erasure);
  }

  ScheduledExecutorService timer() {
    return requireStarted(timer);
  }

  /**
   * Runs {@code task} once on the timer after {@code delayMs}. If it throws, that is logged at
   * ERROR as "{@code what} failed" (a scheduled task's exception would otherwise vanish into its
   * future).
   *
   * @return false if the core is stopping (or not started) and nothing was scheduled
   */
  boolean later(String what, Runnable task, long delayMs) {
    ScheduledThreadPoolExecutor t = timer;
    if (t == null) {
      return false;
    }
    try {
      t.schedule(logged(what, task), delayMs, TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException stopping) {
      return false;
    }
  }

  /**
   * Runs {@code task} on the timer every {@code periodMs} (after each run ends) until the core
   * stops. A run that throws is logged at ERROR as "{@code what} failed" and the next runs as
   * planned: a periodic task whose exception ended it would stop for good, without a word.
   */
  void every(String what, Runnable task, long periodMs) {
    timer().scheduleWithFixedDelay(logged(what, task), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  private static Runnable logged(String what, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{} failed", what, e);
      }
    };
  }

  synchronized void stop() {
    if (auth != null) {
      auth.shutdownNow();
      timer.shutdownNow();
      // An erasure stops between two of its steps when interrupted; wait for that, so that the
      // store is not closed under a step.
      erasure.shutdownNow();
      try {
        if (!erasure.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("an erasure did not stop within 5 s of the core's stop");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> T requireStarted(T executor) {
    if (executor == null) {
      throw new IllegalStateException("the core is not started: start the injector's Lifecycle");
    }
    return executor;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, prefix + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
