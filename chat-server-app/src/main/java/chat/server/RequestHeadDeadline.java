package chat.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes an HTTP connection whose first request has not arrived in full (request line and
 * headers) within a deadline of its opening. Jetty's idle timeout restarts with every byte, so a
 * client that trickles a header a byte at a time would otherwise keep its socket for as long as
 * it likes. Later requests on a kept-alive connection are bounded by the idle timeout only.
 *
 * <p>Added as a bean to the connector, which registers it on each connection it opens. Jetty's
 * selector thread calls {@link #onOpened} and {@link #onClosed}; the check runs on its scheduler.
 */
final class RequestHeadDeadline implements Connection.Listener {
  private final Scheduler scheduler;
  private final long deadlineMs;
  private final Map<Connection, Scheduler.Task> pending = new ConcurrentHashMap<>();

  RequestHeadDeadline(Scheduler scheduler, long deadlineMs) {
    this.scheduler = scheduler;
    this.deadlineMs = deadlineMs;
  }

  @Override
  public void onOpened(Connection connection) {
    pending.put(connection, scheduler.schedule(() -> expire(connection), deadlineMs,
        TimeUnit.MILLISECONDS));
  }

  @Override
  public void onClosed(Connection connection) {
    Scheduler.Task task = pending.remove(connection);
    if (task != null) {
      task.cancel();
    }
  }

  private void expire(Connection connection) {
    pending.remove(connection);
    if (connection.getMessagesIn() == 0) {
      connection.getEndPoint().close(); // no response: the client has not finished asking
    }
  }

  /** Connections still waiting for the deadline check; for tests. */
  int pending() {
    return pending.size();
  }
}
