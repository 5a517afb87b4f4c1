package chat.bench;

import java.nio.file.Path;

/** What a scenario gets from the harness. */
final class Scenario {
  private Scenario() {}

  record Context(Args args, Net net, String prefix, Path usersFile, int connectConcurrency) {
    Users users(Target target) {
      return new Users(net, target.uri, connectConcurrency, usersFile);
    }
  }
}
