package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Request;
import chat.protocol.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A search's {@code limit} is read as {@code history}'s, {@code updates}' and {@code rooms}' are:
 * above {@code historyMax} it is {@code historyMax}; below 1 it is a bad request.
 */
class SearchLimitTest {
  @RegisterExtension
  final TestChat chat = new TestChat(ChatConfig.builder().historyMax(3).sendPerSecond(100)
      .sendBurst(100));

  @Test
  void aLimitAboveHistoryMaxIsHistoryMax() {
    TestClient alice = chat.user("alice");
    chat.user("bob");
    for (int i = 0; i < 5; i++) {
      alice.send("@bob", "release " + i);
    }

    Result.Search page = alice.ok(new Request.Search(TestClient.nextId(), "release", null, 201,
        null), Result.Search.class);
    assertEquals(3, page.results().size());
    assertTrue(page.more());
    Result.Search byDefault = alice.ok(new Request.Search(TestClient.nextId(), "release", null,
        null, null), Result.Search.class);
    assertEquals(3, byDefault.results().size(), "the default of 20 is held to historyMax too");

    alice.error(new Request.Search(TestClient.nextId(), "release", null, 0, null),
        ErrorCode.BAD_REQUEST);
    alice.error(new Request.Search(TestClient.nextId(), "release", null, -1, null),
        ErrorCode.BAD_REQUEST);
  }
}
