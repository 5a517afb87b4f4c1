package chat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Result;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blocking, bans, roles, topics, room deletion and the paged directory: each request's frame and
 * typed result, and the events they cause, against a scripted server.
 */
class ModerationRequestsTest extends ScriptedServerTest {
  private FakeServer.Conn conn;

  @BeforeEach
  void connect() throws Exception {
    client = builder().build();
    client.connect();
    conn = server.accept();
    conn.acceptLogin("e1", "#general", 5);
    client.connect().get(10, TimeUnit.SECONDS);
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** The next frame, of {@code type}, with {@code field} = {@code value} for each pair. */
  private FakeServer.Frame expect(String type, String... fieldAndValue) throws Exception {
    FakeServer.Frame f = conn.expect(type);
    for (int i = 0; i < fieldAndValue.length; i += 2) {
      assertEquals(fieldAndValue[i + 1], f.str(fieldAndValue[i]), f.json().toString());
    }
    return f;
  }

  @Test
  void blockUnblockAndBlockedListTheUsers() throws Exception {
    CompletableFuture<Void> block = client.block("mallory");
    conn.ok(expect("block", "user", "mallory"), "");
    get(block);
    CompletableFuture<Void> unblock = client.unblock("trudy");
    conn.ok(expect("unblock", "user", "trudy"), "");
    get(unblock);

    CompletableFuture<List<String>> blocked = client.blocked();
    conn.ok(expect("blocked"), "\"users\":[\"mallory\",\"oscar\"]");
    assertEquals(List.of("mallory", "oscar"), get(blocked));
  }

  @Test
  void banUnbanBansRoleTopicAndDeleteRoomSendTheirFrames() throws Exception {
    CompletableFuture<Void> ban = client.ban("general", "mallory");
    conn.ok(expect("ban", "room", "general", "user", "mallory"), "");
    get(ban);
    CompletableFuture<Void> unban = client.unban("#general", "mallory");
    conn.ok(expect("unban", "room", "#general", "user", "mallory"), "");
    get(unban);
    CompletableFuture<List<String>> bans = client.bans("general");
    conn.ok(expect("bans", "room", "general"), "\"users\":[]");
    assertEquals(List.of(), get(bans));

    CompletableFuture<Void> role = client.setRole("general", "bob", Role.MODERATOR);
    conn.ok(expect("role", "room", "general", "user", "bob", "role", "moderator"), "");
    get(role);
    CompletableFuture<Void> owner = client.setRole("general", "bob", Role.OWNER);
    conn.ok(expect("role", "role", "owner"), "");
    get(owner);

    CompletableFuture<Void> topic = client.setTopic("general", "Release day");
    conn.ok(expect("topic", "room", "general", "topic", "Release day"), "");
    get(topic);

    CompletableFuture<Void> delete = client.deleteRoom("general");
    conn.ok(expect("delete_room", "room", "general"), "");
    get(delete);
    assertFalse(client.lastSeen().containsKey("#general"), "a deleted room is not followed");
  }

  @Test
  void refusalsCarryTheProtocolCode() throws Exception {
    CompletableFuture<Void> ban = client.ban("general", "owner");
    conn.error(expect("ban"), "forbidden", "");
    ExecutionException e = assertThrows(ExecutionException.class, () -> get(ban));
    assertEquals(ErrorCode.FORBIDDEN, assertInstanceOf(ChatErrorException.class,
        e.getCause()).code());
  }

  @Test
  void theDirectoryIsPagedWithQueryAfterAndLimit() throws Exception {
    CompletableFuture<Result.Rooms> page = client.rooms("rel", "#alpha", 2);
    FakeServer.Frame f = expect("rooms", "query", "rel", "after", "#alpha");
    assertEquals(2, f.json().get("limit").getAsInt());
    conn.ok(f, "\"rooms\":[{\"room\":\"#release\",\"topic\":\"\",\"private\":false,"
        + "\"members\":3,\"joined\":false}],\"more\":true");
    Result.Rooms rooms = get(page);
    assertEquals("#release", rooms.rooms().get(0).room());
    assertTrue(rooms.more());

    CompletableFuture<Result.Rooms> first = client.rooms();
    FakeServer.Frame plain = conn.expect("rooms");
    assertFalse(plain.json().has("query") || plain.json().has("after") || plain.json().has("limit"),
        plain.json().toString());
    conn.ok(plain, "\"rooms\":[]");
    assertFalse(get(first).more(), "a reply without more has no next page");
  }

  @Test
  void memberEventsCarryTheRoleAndTopicChangesReachTheListener() throws Exception {
    conn.send("{\"type\":\"member\",\"conv\":\"#general\",\"user\":\"bob\","
        + "\"action\":\"role\",\"role\":\"moderator\"}");
    Event.Member role = recorder.next(Event.Member.class);
    assertEquals("role", role.action());
    assertEquals(Role.MODERATOR, Role.fromWire(role.role()));

    conn.send("{\"type\":\"member\",\"conv\":\"#general\",\"user\":\"mallory\","
        + "\"action\":\"ban\"}");
    Event.Member ban = recorder.next(Event.Member.class);
    assertEquals(List.of("mallory", "ban"), List.of(ban.user(), ban.action()));
    assertNull(ban.role());

    conn.send("{\"type\":\"room\",\"conv\":\"#general\",\"topic\":\"New topic\"}");
    assertEquals(new Event.RoomChanged("#general", "New topic"),
        recorder.next(Event.RoomChanged.class));
    assertTrue(client.lastSeen().containsKey("#general"), "others' bans change nothing here");
  }

  @Test
  void beingBannedStopsFollowingTheRoom() throws Exception {
    conn.send("{\"type\":\"member\",\"conv\":\"#general\",\"user\":\"alice\","
        + "\"action\":\"ban\"}");
    recorder.next(Event.Member.class);
    assertFalse(client.lastSeen().containsKey("#general"));
  }

  @Test
  void aDeletedRoomCreatedAgainIsDeliveredFromItsFirstMessage() throws Exception {
    conn.live("#general", 6);
    recorder.assertMessage("#general", 6);
    conn.send("{\"type\":\"member\",\"conv\":\"#general\",\"user\":\"alice\","
        + "\"action\":\"deleted\"}");
    assertEquals("deleted", recorder.next(Event.Member.class).action());

    CompletableFuture<Result.Created> created = client.createRoom("general", "", false);
    conn.ok(conn.expect("create"), "\"room\":\"#general\"");
    get(created);
    conn.live("#general", 1);
    recorder.assertMessage("#general", 1); // not taken for a repeat of the old room's seq 1
  }

  @Test
  void joiningARoomWhoseSeqsStartedOverFollowsItFromTheJoin() throws Exception {
    conn.live("#general", 6); // then, unseen by this client, the room is deleted and created again
    recorder.assertMessage("#general", 6);

    CompletableFuture<Result.Joined> joined = client.join("general");
    conn.ok(conn.expect("join"), "\"conv\":\"#general\",\"topic\":\"\",\"lastSeq\":2");
    get(joined);
    conn.live("#general", 3);
    recorder.assertMessage("#general", 3);
  }

  @Test
  void helloFeaturesAreExposed() throws Exception {
    assertEquals(List.of(), client.features(), "the scripted hello named none");
    conn.ws.close(1001, "restart");
    FakeServer.Conn again = server.accept();
    again.send("{\"type\":\"hello\",\"protocol\":1,\"server\":\"fake/2\",\"epoch\":\"e1\","
        + "\"features\":[\"block\",\"moderation\",\"account\"],\"limits\":{"
        + "\"maxFrameBytes\":65536,\"maxTextChars\":4000,\"historyMax\":200,"
        + "\"sendPerSecond\":10,\"sendBurst\":30,\"authTimeoutMs\":10000,"
        + "\"requestsPerSecond\":50,\"requestBurst\":100}}");
    FakeServer.Frame login = again.expect("login"); // sent after the hello was read
    assertEquals(List.of("block", "moderation", "account"), client.features());
    again.authOk(login, "alice", "tok");
  }
}
