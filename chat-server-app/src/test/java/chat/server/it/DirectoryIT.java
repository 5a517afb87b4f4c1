package chat.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROTOCOL.md "Room directory" against the packaged jar: pages ordered by name with {@code
 * after} (with or without '#') and {@code more}, {@code limit}, {@code query} by name prefix and
 * topic words, private rooms; and the issue's room flood: control characters in topics refused,
 * room creation limited per owner (count and rate), and a reader of the directory never closed
 * for the size of the pages it asked for.
 */
class DirectoryIT {
  private static final int HISTORY_MAX = 8;
  /** 256 characters of three UTF-8 bytes each: a room entry of about 800 bytes. */
  private static final String LONG_TOPIC = "✓".repeat(256);

  @TempDir static Path tmp;
  /** Pages of at most 8, and a 1 KiB outbound bound, which every page is larger than. */
  @RegisterExtension
  static final SharedServer shared = new SharedServer("--store", "memory",
      "--registrations-per-ip-per-hour", "100000", "--history-max", String.valueOf(HISTORY_MAX),
      "--max-outbound-bytes", "1024");
  private final WireClients wire = shared.wire();

  /** One page of the directory: room names in order, and {@code more}. */
  record Page(List<String> rooms, boolean more, Map<String, JsonObject> entries) {}

  static Page page(WireClient c, Object... fields) throws InterruptedException {
    JsonObject request = Frames.of(fields);
    request.addProperty("type", "rooms");
    JsonObject ok = c.ok(request);
    List<String> rooms = new ArrayList<>();
    Map<String, JsonObject> entries = new HashMap<>();
    for (JsonElement e : ok.getAsJsonArray("rooms")) {
      String name = e.getAsJsonObject().get("room").getAsString();
      rooms.add(name);
      entries.put(name, e.getAsJsonObject());
    }
    assertTrue(ok.has("more"), ok.toString());
    return new Page(rooms, ok.get("more").getAsBoolean(), entries);
  }

  /** Every page of the whole directory, walked with {@code after}; checks each page's shape. */
  static List<String> walk(WireClient c, int limit, boolean withHash) throws InterruptedException {
    List<String> all = new ArrayList<>();
    for (int pages = 0; ; pages++) {
      assertTrue(pages < 1000, "the directory never ends");
      Page p;
      if (all.isEmpty()) {
        p = page(c, "limit", limit);
      } else {
        String last = all.get(all.size() - 1);
        p = page(c, "limit", limit, "after", withHash ? last : last.substring(1));
      }
      all.addAll(p.rooms());
      if (!p.more()) {
        assertTrue(p.rooms().size() <= limit, p.toString());
        return all;
      }
      assertEquals(limit, p.rooms().size(), "a page with more after it is full: " + p);
    }
  }

  private static List<String> createRooms(WireClient owner, String prefix, int count,
      String topic) throws InterruptedException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + "-" + (char) ('a' + i);
      owner.ok(Frames.of("type", "create", "room", name, "topic", topic));
      names.add("#" + name);
    }
    return names;
  }

  /** Without a query, by name; after takes the last name with or without '#'; more is exact. */
  @Test
  void pagesFollowEachOtherByNameWithMore() throws Exception {
    WireClient owner = wire.user("pager");
    WireClient other = wire.user("pager");
    String prefix = WireClients.unique("pg");
    List<String> mine = new ArrayList<>(createRooms(owner, prefix, 7, LONG_TOPIC));
    mine.addAll(createRooms(other, prefix + "x", 6, LONG_TOPIC));
    WireClient reader = wire.user("reader");

    for (int limit : new int[] {1, 3, HISTORY_MAX}) {
      for (boolean withHash : new boolean[] {true, false}) {
        List<String> all = walk(reader, limit, withHash);
        List<String> sorted = new ArrayList<>(all);
        sorted.sort(null);
        assertEquals(sorted, all, "ordered by name, nothing twice");
        assertEquals(all.size(), all.stream().distinct().count(), all.toString());
        assertTrue(all.containsAll(mine), all + " lacks some of " + mine);
      }
    }
    // The default and the largest page is historyMax: asking for more gives no more.
    Page first = page(reader);
    assertEquals(HISTORY_MAX, first.rooms().size());
    assertTrue(first.more());
    assertEquals(first, page(reader, "limit", 10_000));
    // A page right after one of my rooms starts with the next one.
    Page next = page(reader, "after", mine.get(2), "limit", 2);
    assertEquals(mine.subList(3, 5), next.rooms());
    assertTrue(next.more());
    assertEquals(next.rooms(), page(reader, "after", mine.get(2).substring(1), "limit", 2).rooms());
    // After a name that is no room: the rooms that sort after it.
    assertEquals(List.of(mine.get(0)),
        page(reader, "after", prefix + "-", "limit", 1).rooms());
    // Paging a query: the same rooms, in pages.
    Page q1 = page(reader, "query", prefix + "-", "limit", 4);
    assertEquals(mine.subList(0, 4), q1.rooms());
    assertTrue(q1.more());
    Page q2 = page(reader, "query", prefix + "-", "limit", 4, "after", q1.rooms().get(3));
    assertEquals(mine.subList(4, 7), q2.rooms());
    assertFalse(q2.more());
    assertTrue(reader.isOpen(), "closed for the size of the pages it asked for");
  }

  @Test
  void aQueryMatchesANamePrefixOrTheWordsOfTheTopic() throws Exception {
    WireClient alice = wire.user("alice");
    String tag = WireClients.unique("q") + "k";
    String word1 = "zebra" + tag.replace("-", "");
    String word2 = "okapi" + tag.replace("-", "");
    alice.ok(Frames.of("type", "create", "room", tag + "-planning",
        "topic", "Quarterly " + word1 + " meeting about " + word2));
    alice.ok(Frames.of("type", "create", "room", tag + "-social", "topic", "Lunch and " + word1));
    alice.ok(Frames.of("type", "create", "room", "other-" + tag, "topic", "Nothing here"));
    WireClient bob = wire.user("bob");

    assertEquals(List.of("#" + tag + "-planning", "#" + tag + "-social"),
        sorted(page(bob, "query", tag).rooms()), "name prefix");
    assertEquals(List.of("#" + tag + "-planning"), page(bob, "query", tag + "-pl").rooms());
    assertEquals(List.of("#" + tag + "-planning", "#" + tag + "-social"),
        sorted(page(bob, "query", word1).rooms()), "one topic word");
    assertEquals(List.of("#" + tag + "-planning"),
        page(bob, "query", word2 + " " + word1).rooms(), "every word, any order");
    assertEquals(List.of("#" + tag + "-planning"),
        page(bob, "query", word2.toUpperCase(java.util.Locale.ROOT)).rooms(), "case-folded");
    assertEquals(List.of(), page(bob, "query", word2 + " nosuchword" + tag).rooms());
    Page entry = page(bob, "query", tag + "-social");
    JsonObject social = entry.entries().get("#" + tag + "-social");
    assertEquals("Lunch and " + word1, social.get("topic").getAsString());
    assertEquals(1, social.get("members").getAsInt());
    assertFalse(social.get("joined").getAsBoolean());
    assertFalse(entry.more());
  }

  @Test
  void privateRoomsAreListedOnlyToTheirMembers() throws Exception {
    WireClient alice = wire.user("alice");
    WireClient bob = wire.user("bob");
    WireClient carol = wire.user("carol");
    String tag = WireClients.unique("hid") + "k";
    alice.ok(Frames.of("type", "create", "room", tag + "-den", "private", true));
    alice.ok(Frames.of("type", "create", "room", tag + "-hall"));
    alice.ok(Frames.of("type", "invite", "room", tag + "-den", "user", bob.user));
    assertEquals(List.of("#" + tag + "-den", "#" + tag + "-hall"),
        page(bob, "query", tag).rooms());
    assertEquals(List.of("#" + tag + "-hall"), page(carol, "query", tag).rooms());
    assertFalse(walk(carol, HISTORY_MAX, true).contains("#" + tag + "-den"));
  }

  @Test
  void badDirectoryRequestsAreBadRequestsAndTheConnectionStays() throws Exception {
    WireClient alice = wire.user("alice");
    alice.error(Frames.of("type", "rooms", "after", "not a room!"), "bad_request");
    alice.error(Frames.of("type", "rooms", "limit", "many"), "bad_request");
    alice.error(Frames.of("type", "rooms", "query", "q".repeat(300)), "bad_request");
    wire.connect().error(Frames.of("type", "rooms"), "unauthorized");
    assertTrue(alice.isOpen());
    page(alice);
  }

  /**
   * The issue's probe, with small limits: one account fires thousands of room creations, with
   * 256-character topics of control characters and then valid ones. Control characters are
   * refused (and cost no creation), creations stop at the per-owner cap (forbidden) and at the
   * creation rate (rate_limited with retryAfterMs); meanwhile a reader pages through the
   * directory and is never closed.
   */
  @Test
  void aRoomFloodIsRefusedAndTheDirectoryStaysReadable() throws Exception {
    try (ServerProcess flood = ServerProcess.start(tmp.resolve("flood"), "--store", "memory",
            "--registrations-per-ip-per-hour", "100000", "--max-rooms-per-user", "6",
            "--room-creates-per-hour", "1", "--requests-per-second", "100000",
            "--request-burst", "100000", "--history-max", "4");
        WireClients clients = new WireClients(flood)) {
      WireClient flooder = clients.user("flood");
      WireClient reader = clients.user("reader");
      String tag = WireClients.unique("f") + "k";
      StringBuilder controls = new StringBuilder();
      for (int i = 0; i < 256; i++) {
        controls.append((char) (1 + i % 31));
      }

      Map<String, Integer> codes = fire(flooder, 1500, i -> Frames.of("type", "create",
          "room", tag + "-c" + i, "topic", controls.toString()), reader);
      assertEquals(Map.of("bad_request", 1500), codes);

      codes = fire(flooder, 1500, i -> Frames.of("type", "create", "room", tag + "-v" + i,
          "topic", LONG_TOPIC), reader);
      assertEquals(Map.of("ok", 6, "forbidden", 1494), codes);
      List<String> owned = page(reader, "query", tag, "limit", 100).rooms();
      assertEquals(4, owned.size(), "a page is at most historyMax");
      List<String> all = walk(reader, 4, false);
      assertEquals(6, all.stream().filter(r -> r.startsWith("#" + tag + "-v")).count(), all.toString());

      // Below the cap again, the rate limit: 4 of the burst of 10 are left.
      for (String room : all) {
        if (room.startsWith("#" + tag)) {
          flooder.ok(Frames.of("type", "delete_room", "room", room));
        }
      }
      codes = fire(flooder, 10, i -> Frames.of("type", "create", "room", tag + "-w" + i,
          "topic", LONG_TOPIC), reader);
      assertEquals(Map.of("ok", 4, "rate_limited", 6), codes);
      JsonObject limited = flooder.error(Frames.of("type", "create", "room", tag + "-last"),
          "rate_limited");
      assertTrue(limited.get("retryAfterMs").getAsLong() > 0, limited.toString());

      assertTrue(reader.isOpen(), "the directory's reader was closed");
      assertTrue(flooder.isOpen());
      assertEquals(4, walk(reader, 4, true).stream().filter(r -> r.startsWith("#" + tag)).count());
      ServerLogs.assertNoErrors(flood);
    }
  }

  /**
   * Fires {@code count} requests without waiting, then counts their replies by outcome ("ok" or
   * the error code); the reader asks for the directory's first page now and then meanwhile.
   */
  private static Map<String, Integer> fire(WireClient c, int count,
      java.util.function.IntFunction<JsonObject> request, WireClient reader)
      throws InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject r = request.apply(i);
      String id = WireClient.nextId();
      r.addProperty("id", id);
      c.fire(r);
      ids.add(id);
      if (i % 300 == 0) {
        page(reader);
      }
    }
    Map<String, Integer> codes = new HashMap<>();
    for (String id : ids) {
      JsonObject reply = c.awaitReply(id);
      String outcome = reply.get("type").getAsString().equals("ok") ? "ok"
          : reply.get("code").getAsString();
      if (outcome.equals("rate_limited")) {
        assertTrue(reply.get("retryAfterMs").getAsLong() > 0, reply.toString());
      }
      codes.merge(outcome, 1, Integer::sum);
    }
    return codes;
  }

  private static List<String> sorted(List<String> list) {
    List<String> copy = new ArrayList<>(list);
    copy.sort(null);
    return copy;
  }
}
