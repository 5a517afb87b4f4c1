package chat.server.it.sdk;

import static chat.server.it.sdk.Errors.assertError;
import static chat.server.it.sdk.Sdk.await;
import static chat.server.it.sdk.Sdk.connected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.client.ChatErrorException;
import chat.client.Recorder;
import chat.protocol.ErrorCode;
import chat.protocol.Result;
import chat.server.it.ServerProcess;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each protocol error code reaches the caller as a ChatErrorException carrying that code. */
class SdkErrorsIT {
  @TempDir Path tmp;

  @Test
  void refusedRequestsFailWithTheirProtocolErrorCode() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"), "--max-text-chars", "100");
        ChatClient alice = connected(server.wsUri(), "alice", new Recorder());
        ChatClient bob = connected(server.wsUri(), "bob", new Recorder())) {
      await(alice.createRoom("private", "", true));

      assertError(ErrorCode.FORBIDDEN, bob.send("#private", "let me in"));
      assertError(ErrorCode.FORBIDDEN, bob.join("private"));
      assertError(ErrorCode.FORBIDDEN, bob.invite("private", "bob"));
      assertError(ErrorCode.FORBIDDEN, bob.history("#private", null, null, 10));
      assertError(ErrorCode.NOT_FOUND, alice.send("@nobody", "hello?"));
      assertError(ErrorCode.NOT_FOUND, alice.join("nosuchroom"));
      assertError(ErrorCode.CONFLICT, bob.createRoom("private", "", false));
      assertError(ErrorCode.BAD_REQUEST, alice.send("@alice", "to myself"));
      assertError(ErrorCode.BAD_REQUEST, alice.send("@bob", "   "));
      assertError(ErrorCode.BAD_REQUEST, alice.createRoom("Not A Room!", "", false));
      ChatErrorException tooLarge = assertError(ErrorCode.TOO_LARGE,
          alice.send("@bob", "x".repeat(101)));
      assertTrue(tooLarge.getMessage().startsWith("too_large: "), tooLarge.getMessage());

      // a refused send is not retried and does not block the ones after it
      assertEquals(1, await(alice.send("@bob", "x".repeat(100))).seq());
    }
  }

  @Test
  void wrongCredentialsFailConnectWithUnauthorizedAndCloseTheClient() throws Exception {
    try (ServerProcess server = Sdk.fastServer(tmp.resolve("data"))) {
      connected(server.wsUri(), "carol", new Recorder()).close();
      Recorder inbox = new Recorder();
      ChatClient wrong = ChatClient.builder(server.wsUri()).login("carol", "not-her-password")
          .listener(inbox).build();
      try {
        assertError(ErrorCode.UNAUTHORIZED, wrong.connect());
        assertTrue(inbox.next(Recorder.Failed.class).failure() instanceof ChatErrorException);
        inbox.next(Recorder.Closed.class);
        assertEquals(ChatClient.State.CLOSED, wrong.state());
      } finally {
        wrong.close();
      }
      ChatClient badName = ChatClient.builder(server.wsUri()).register("x", "long-enough-1")
          .build();
      try {
        assertError(ErrorCode.BAD_REQUEST, badName.connect());
      } finally {
        badName.close();
      }
    }
  }

  /**
   * Another session of the same user empties the server's send bucket (one send a second), so
   * this client's next send is refused: with retries off it fails with rate_limited and the
   * wait; with retries on (the default) it is stored once the wait is over.
   */
  @Test
  void rateLimitedCarriesRetryAfterOrIsRetriedAfterIt() throws Exception {
    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"),
        "--send-per-second", "1", "--send-burst", "1");
        ChatClient other = connected(server.wsUri(), "dave", new Recorder());
        ChatClient bob = connected(server.wsUri(), "erin", new Recorder())) {
      ChatClient strict = Sdk.client(server.wsUri(), "dave", new Recorder())
          .retryRateLimited(false).build();
      ChatClient patient = Sdk.client(server.wsUri(), "dave", new Recorder()).build();
      try (strict; patient) {
        await(strict.connect());
        await(patient.connect());

        await(other.send("@erin", "drains the bucket"));
        ChatErrorException limited = assertError(ErrorCode.RATE_LIMITED,
            strict.send("@erin", "too soon"));
        assertTrue(limited.retryAfterMs() != null && limited.retryAfterMs() > 0,
            "retryAfterMs: " + limited.retryAfterMs());

        await(other.send("@erin", "drains it again")); // (waits out the bucket itself)
        long start = System.nanoTime();
        CompletableFuture<Result.Sent> retried = patient.send("@erin", "eventually");
        Result.Sent sent = await(retried);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 300, "stored only after a wait, not at once: " + ms + " ms");
        Result.History history = await(bob.history("@dave", null, null, 10));
        assertEquals(1, history.messages().stream()
            .filter(m -> m.text().equals("eventually")).count());
        assertEquals(sent.seq(), history.messages().get(history.messages().size() - 1).seq());
      }
    }
  }
}
