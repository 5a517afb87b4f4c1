package chat.bench;

import com.google.gson.JsonObject;
import java.nio.file.Path;

/** What a scenario gets from the harness. */
final class Scenario {
  private Scenario() {}

  /**
   * Ends a run the same way in every scenario: records the errors and the connections the
   * server closed during it (and flags those in the summary line), closes the clients with 1000
   * and gives their close frames a moment to go out before the next target starts.
   */
  static JsonObject finish(JsonObject result, String summary, long errors, int closedDuringRun,
      Iterable<BenchClient> clients) throws InterruptedException {
    result.addProperty("errors", errors);
    result.addProperty("closedDuringRun", closedDuringRun);
    result.addProperty("summary",
        summary + (closedDuringRun > 0 ? " CLOSED=" + closedDuringRun : ""));
    for (BenchClient c : clients) {
      c.conn.close(1000);
    }
    Thread.sleep(200); // not synchronisation: lets the close frames leave before the next run
    return result;
  }

  record Context(Args args, Net net, String prefix, Path usersFile, int connectConcurrency) {
    Users users(Target target) {
      return new Users(net, target.uris(), connectConcurrency, usersFile);
    }
  }
}
