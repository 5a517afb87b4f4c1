package chat.core;

import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases uploaded files that were never sent, once a minute, on its own daemon thread (phase
 * {@link Managed#PHASE_CORE}): a store that is slow to answer delays no other timer.
 */
final class FileExpiry implements Managed {
  private static final Logger log = LoggerFactory.getLogger(FileExpiry.class);

  private final FileServiceImpl files;
  private ScheduledExecutorService timer;

  @Inject
  FileExpiry(FileServiceImpl files) {
    this.files = files;
  }

  @Override
  public int phase() {
    return PHASE_CORE;
  }

  @Override
  public synchronized void start() {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chat-file-expiry");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::expire, 1, 60, TimeUnit.SECONDS);
  }

  private void expire() {
    try {
      files.expire();
    } catch (RuntimeException e) {
      log.warn("erasing expired uploads failed; trying again in a minute", e);
    }
  }

  @Override
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
