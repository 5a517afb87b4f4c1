package chat.server.it.sdk;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.client.ChatErrorException;
import chat.client.Recorder;
import chat.protocol.ErrorCode;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Assertions on failed futures. */
final class Errors {
  private Errors() {}

  /** The cause a future failed with (bounded wait). */
  static Throwable failure(Future<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(Recorder.WAIT_S, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** The future failed with a ChatErrorException carrying {@code code}; returns it. */
  static ChatErrorException assertError(ErrorCode code, Future<?> f) {
    ChatErrorException e = assertInstanceOf(ChatErrorException.class, failure(f));
    if (e.code() != code) {
      throw new AssertionError("expected " + code + " but got " + e.getMessage(), e);
    }
    return e;
  }
}
