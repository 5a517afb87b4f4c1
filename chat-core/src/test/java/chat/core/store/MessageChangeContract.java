package chat.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.ChangeOutcome.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} must do with changes to messages: replies and mentions kept
 * from the append, edits, deletes that erase, reactions kept in order, the per-conversation rev
 * (1, 2, … without gaps, one per change made and none for a change that changes nothing), the
 * recorded updates, and all of it surviving a restart. Run through {@link MessageStoreContract}.
 */
public abstract class MessageChangeContract extends MessageSearchContract {
  private static final int MAX_EMOJI = 20;
  private static final String THUMBS = "\uD83D\uDC4D";
  private static final String PARTY = "\uD83C\uDF89";
  private static final String HEART = "\u2764\uFE0F";

  // Helpers

  private ChangeOutcome edit(ConvId conv, long seq, String by, String text,
      List<String> mentions) {
    return store.change(conv, seq, new MessageChange.Edit(by, text, mentions, now()));
  }

  private ChangeOutcome delete(ConvId conv, long seq, String by) {
    return store.change(conv, seq, new MessageChange.Delete(by, now()));
  }

  private ChangeOutcome react(ConvId conv, long seq, String by, String emoji, boolean on) {
    return store.change(conv, seq, new MessageChange.React(by, emoji, on, MAX_EMOJI, now()));
  }

  /** Asserts the change was made under {@code rev}, and returns the message as it now is. */
  private StoredMessage applied(long rev, ChangeOutcome outcome) {
    assertEquals(Status.APPLIED, outcome.status(), "outcome " + outcome);
    assertEquals(rev, outcome.rev(), "rev of " + outcome);
    assertEquals(rev, outcome.message().rev(), "the message carries its last change's rev");
    assertEquals(Optional.of(outcome.message()),
        store.message(outcome.message().conv(), outcome.message().seq()),
        "the outcome's message is the message as stored");
    return outcome.message();
  }

  private StoredMessage current(ConvId conv, long seq) {
    return store.message(conv, seq).orElseThrow(() -> new AssertionError("no message " + seq));
  }

  /** Reactions as an ordered list of (emoji, users): map equality would ignore the order. */
  private static List<Map.Entry<String, List<String>>> ordered(Map<String, List<String>> r) {
    return new ArrayList<>(r.entrySet());
  }

  @SafeVarargs
  private static List<Map.Entry<String, List<String>>> reactions(
      Map.Entry<String, List<String>>... entries) {
    return List.of(entries);
  }

  private static Map.Entry<String, List<String>> e(String emoji, String... users) {
    return Map.entry(emoji, List.of(users));
  }

  private static List<Long> revs(List<StoredUpdate> updates) {
    return updates.stream().map(StoredUpdate::rev).collect(Collectors.toList());
  }

  // Replies and mentions

  /** replyTo and mentions come back from the append, the history and message(). */
  @Test
  void appendKeepsReplyToAndMentions() {
    StoredMessage first = send(GENERAL, "alice", "first");
    assertNull(first.replyTo());
    assertEquals(List.of(), first.mentions());
    assertNull(first.edited());
    assertFalse(first.deleted());
    assertEquals(Map.of(), first.reactions());
    assertEquals(0, first.rev());

    StoredMessage reply = send(new NewMessage(GENERAL, "bob", "@carol @alice look", "r",
        now(), 1L, List.of("carol", "alice")));
    assertEquals(Long.valueOf(1), reply.replyTo());
    assertEquals(List.of("carol", "alice"), reply.mentions(), "in the order given");
    assertEquals(List.of(first, reply), store.after(GENERAL, 0, 10));
    assertEquals(List.of(first, reply), store.before(GENERAL, Long.MAX_VALUE, 10));
    assertEquals(Optional.of(reply), store.message(GENERAL, 2));
    assertEquals(Optional.of(first), store.message(GENERAL, 1));
    assertEquals(Optional.empty(), store.message(GENERAL, 3));
  }

  // Edit

  /**
   * An edit replaces text and mentions, sets edited to its time and takes the next rev; sender,
   * seq, cid, time, reply and reactions stay.
   */
  @Test
  void editReplacesTextAndMentionsUnderTheNextRev() {
    StoredMessage original = send(new NewMessage(GENERAL, "alice", "helo @bob", "c1", now(),
        null, List.of("bob")));
    send(new NewMessage(GENERAL, "bob", "hi", "c2", now(), 1L, List.of()));
    applied(1, react(GENERAL, 1, "bob", THUMBS, true));

    MessageChange.Edit change = new MessageChange.Edit("alice", "hello @carol",
        List.of("carol"), now());
    StoredMessage edited = applied(2, store.change(GENERAL, 1, change));
    assertEquals(new StoredMessage(GENERAL, 1, "alice", "hello @carol", original.ts(), "c1",
        null, List.of("carol"), change.ts(), false, Map.of(THUMBS, List.of("bob")), 2), edited);

    StoredMessage reply = applied(3, edit(GENERAL, 2, "bob", "hi!", List.of()));
    assertEquals(Long.valueOf(1), reply.replyTo(), "an edit keeps the reply");
    StoredMessage again = applied(4, edit(GENERAL, 1, "alice", "hello", List.of()));
    assertEquals(List.of(), again.mentions());
    assertTrue(again.edited() > edited.edited(), "edited is the last edit's time");
    assertEquals(List.of(again, reply), store.after(GENERAL, 0, 10));
    assertEquals(4, store.lastRev(GENERAL));
    assertEquals(2, store.lastSeq(GENERAL), "changes take no seq");
  }

  /** Each conversation counts its revs on its own, from 1. */
  @Test
  void revsAreIndependentPerConversation() {
    for (ConvId conv : List.of(GENERAL, RANDOM, ALICE_BOB)) {
      send(conv, "alice", "m");
    }
    applied(1, edit(GENERAL, 1, "alice", "a", List.of()));
    applied(2, edit(GENERAL, 1, "alice", "b", List.of()));
    applied(1, react(RANDOM, 1, "bob", THUMBS, true));
    applied(1, delete(ALICE_BOB, 1, "alice"));
    applied(3, react(GENERAL, 1, "carol", THUMBS, true));
    applied(2, edit(RANDOM, 1, "alice", "c", List.of()));
    assertEquals(3, store.lastRev(GENERAL));
    assertEquals(2, store.lastRev(RANDOM));
    assertEquals(1, store.lastRev(ALICE_BOB));
    assertEquals(0, store.lastRev(ALICE_CAROL));
    assertEquals(0, store.lastRev(ConvId.room("never-used")));
  }

  /** heads() reads every conversation's last seq and rev at once, zeros where there is none. */
  @Test
  void headsGiveLastSeqAndRevOfEachConversation() {
    send(GENERAL, "alice", "m1");
    send(GENERAL, "bob", "m2");
    send(RANDOM, "alice", "m");
    applied(1, edit(GENERAL, 2, "bob", "b", List.of()));
    applied(2, react(GENERAL, 1, "bob", THUMBS, true));
    ConvId never = ConvId.room("never-used");
    assertEquals(Map.of(GENERAL, new MessageStore.Heads(2, 2),
            RANDOM, new MessageStore.Heads(1, 0),
            ALICE_BOB, new MessageStore.Heads(0, 0),
            never, new MessageStore.Heads(0, 0)),
        store.heads(List.of(GENERAL, RANDOM, ALICE_BOB, never)));
    assertEquals(Map.of(), store.heads(List.of()));
  }

  // Delete

  /** A delete erases text, mentions and reactions; deleting again changes nothing. */
  @Test
  void deleteErasesTextMentionsAndReactions() {
    send(GENERAL, "bob", "before");
    StoredMessage original = send(new NewMessage(GENERAL, "alice", "secret @bob", "c1", now(),
        1L, List.of("bob")));
    send(GENERAL, "bob", "after");
    applied(1, react(GENERAL, 2, "bob", THUMBS, true));
    applied(2, react(GENERAL, 2, "carol", PARTY, true));
    StoredMessage edited = applied(3, edit(GENERAL, 2, "alice", "secret! @bob", List.of("bob")));

    StoredMessage deleted = applied(4, delete(GENERAL, 2, "alice"));
    assertEquals(new StoredMessage(GENERAL, 2, "alice", "", original.ts(), "c1", 1L, List.of(),
        edited.edited(), true, Map.of(), 4), deleted);
    assertEquals(deleted, store.after(GENERAL, 0, 10).get(1));
    assertEquals(deleted, store.before(GENERAL, 3, 1).get(0));
    assertEquals(Map.of(), current(GENERAL, 2).reactions());
    assertEquals(Map.of(), current(GENERAL, 3).reactions());

    ChangeOutcome twice = delete(GENERAL, 2, "bob");
    assertEquals(new ChangeOutcome(Status.UNCHANGED, deleted, 4), twice,
        "deleting twice: the delete's rev back");
    assertEquals(4, store.lastRev(GENERAL));
    assertEquals(List.of(4L), revs(store.updatesAfter(GENERAL, 3, 10)));
  }

  /** Editing or reacting to a deleted message is refused, with no new rev. */
  @Test
  void changesToADeletedMessageAreRefused() {
    send(GENERAL, "alice", "c1");
    StoredMessage deleted = applied(1, delete(GENERAL, 1, "alice"));
    for (ChangeOutcome refused : List.of(edit(GENERAL, 1, "alice", "back", List.of("bob")),
        react(GENERAL, 1, "bob", THUMBS, true), react(GENERAL, 1, "bob", THUMBS, false))) {
      assertEquals(new ChangeOutcome(Status.DELETED, deleted, 1), refused);
    }
    assertEquals(Optional.of(deleted), store.message(GENERAL, 1));
    assertEquals(1, store.lastRev(GENERAL));
    assertEquals(1, store.updatesAfter(GENERAL, 0, 10).size());
  }

  // React

  /**
   * Emoji keep the order they first came in, users under an emoji the order they reacted; an
   * emoji nobody has any more is dropped, and comes back last.
   */
  @Test
  void reactionsKeepTheirOrder() {
    send(GENERAL, "alice", "c1");
    applied(1, react(GENERAL, 1, "bob", THUMBS, true));
    applied(2, react(GENERAL, 1, "alice", THUMBS, true));
    applied(3, react(GENERAL, 1, "carol", PARTY, true));
    applied(4, react(GENERAL, 1, "alice", HEART, true));
    applied(5, react(GENERAL, 1, "zed", THUMBS, true));
    assertEquals(reactions(e(THUMBS, "bob", "alice", "zed"), e(PARTY, "carol"),
        e(HEART, "alice")), ordered(current(GENERAL, 1).reactions()));

    applied(6, react(GENERAL, 1, "bob", THUMBS, false));
    applied(7, react(GENERAL, 1, "bob", THUMBS, true));
    assertEquals(reactions(e(THUMBS, "alice", "zed", "bob"), e(PARTY, "carol"),
        e(HEART, "alice")), ordered(current(GENERAL, 1).reactions()), "bob comes back last");

    applied(8, react(GENERAL, 1, "carol", PARTY, false));
    applied(9, react(GENERAL, 1, "alice", PARTY, true));
    assertEquals(reactions(e(THUMBS, "alice", "zed", "bob"), e(HEART, "alice"),
        e(PARTY, "alice")), ordered(current(GENERAL, 1).reactions()), "the emoji comes back last");
  }

  /** History pages carry each message's own reactions, however they are spread over the page. */
  @Test
  void historyPagesCarryEachMessagesReactions() {
    for (int i = 1; i <= 5; i++) {
      send(GENERAL, "alice", "c" + i);
    }
    send(RANDOM, "alice", "elsewhere");
    react(GENERAL, 2, "bob", PARTY, true);
    react(GENERAL, 4, "bob", THUMBS, true);
    react(GENERAL, 4, "carol", HEART, true);
    react(GENERAL, 4, "alice", THUMBS, true);
    react(RANDOM, 1, "zed", HEART, true);

    List<StoredMessage> page = store.after(GENERAL, 0, 10);
    assertEquals(List.of(List.of(), ordered(Map.of(PARTY, List.of("bob"))), List.of(),
        reactions(e(THUMBS, "bob", "alice"), e(HEART, "carol")), List.of()),
        page.stream().map(m -> ordered(m.reactions())).toList());
    for (StoredMessage m : page) {
      assertEquals(Optional.of(m), store.message(GENERAL, m.seq()));
    }
    assertEquals(page.subList(1, 4), store.before(GENERAL, 5, 3));
    assertEquals(page.subList(3, 5), store.after(GENERAL, 3, 2));
    assertEquals(reactions(e(HEART, "zed")), ordered(current(RANDOM, 1).reactions()));
  }

  /** Setting a reaction that is set, or clearing one that is not, changes nothing: no new rev. */
  @Test
  void reactingAsItAlreadyIsChangesNothing() {
    send(GENERAL, "alice", "c1");
    send(GENERAL, "alice", "c2");
    assertEquals(new ChangeOutcome(Status.UNCHANGED, current(GENERAL, 1), 0),
        react(GENERAL, 1, "bob", THUMBS, false), "nothing to clear, never changed: rev 0");
    StoredMessage reacted = applied(1, react(GENERAL, 1, "bob", THUMBS, true));
    applied(2, react(GENERAL, 2, "bob", THUMBS, true));
    assertEquals(new ChangeOutcome(Status.UNCHANGED, reacted, 1),
        react(GENERAL, 1, "bob", THUMBS, true), "the message's last change's rev");
    assertEquals(new ChangeOutcome(Status.UNCHANGED, reacted, 1),
        react(GENERAL, 1, "carol", THUMBS, false));
    assertEquals(2, store.lastRev(GENERAL));
    assertEquals(range(1, 2), revs(store.updatesAfter(GENERAL, 0, 10)));
    applied(3, react(GENERAL, 1, "bob", THUMBS, false));
  }

  /** A 21st distinct emoji is refused; more users under an existing emoji are not. */
  @Test
  void aTwentyFirstDistinctEmojiIsRefused() {
    send(GENERAL, "alice", "c1");
    List<String> emoji = new ArrayList<>();
    for (int i = 0; i < MAX_EMOJI; i++) {
      emoji.add(new String(Character.toChars(0x1F600 + i)));
      applied(i + 1, react(GENERAL, 1, "bob", emoji.get(i), true));
    }
    StoredMessage full = current(GENERAL, 1);
    assertEquals(emoji, List.copyOf(full.reactions().keySet()));

    String extra = new String(Character.toChars(0x1F600 + MAX_EMOJI));
    assertEquals(new ChangeOutcome(Status.TOO_MANY_EMOJI, full, MAX_EMOJI),
        react(GENERAL, 1, "carol", extra, true));
    assertEquals(Optional.of(full), store.message(GENERAL, 1));
    assertEquals(MAX_EMOJI, store.lastRev(GENERAL));

    applied(MAX_EMOJI + 1, react(GENERAL, 1, "carol", emoji.get(0), true));
    applied(MAX_EMOJI + 2, react(GENERAL, 1, "bob", emoji.get(5), false));
    applied(MAX_EMOJI + 3, react(GENERAL, 1, "carol", extra, true));
    assertEquals(MAX_EMOJI, current(GENERAL, 1).reactions().size());
  }

  // Not found

  /** A change to a message that does not exist is not found, and takes no rev. */
  @Test
  void changesToMissingMessagesAreNotFound() {
    send(GENERAL, "alice", "c1");
    ChangeOutcome notFound = new ChangeOutcome(Status.NOT_FOUND, null, 0);
    assertEquals(notFound, edit(GENERAL, 2, "alice", "x", List.of()));
    assertEquals(notFound, delete(GENERAL, 0, "alice"));
    assertEquals(notFound, react(GENERAL, -1, "alice", THUMBS, true));
    assertEquals(notFound, react(RANDOM, 1, "alice", THUMBS, true));
    assertEquals(notFound, delete(ALICE_BOB, 1, "alice"));
    assertEquals(0, store.lastRev(GENERAL));
    assertEquals(0, store.lastRev(RANDOM));
    assertEquals(Optional.empty(), store.message(RANDOM, 1));
    assertEquals(List.of(), store.updatesAfter(GENERAL, 0, 10));
  }

  // Updates

  /** Recorded changes page forward by rev: what, on which message, by whom, when. */
  @Test
  void updatesAfterPagesTheChangesInRevOrder() {
    send(GENERAL, "alice", "c1");
    send(GENERAL, "bob", "c2");
    send(RANDOM, "bob", "r1");
    List<StoredUpdate> expected = new ArrayList<>();
    List<MessageChange> changes = List.of(
        new MessageChange.Edit("alice", "one", List.of(), now()),
        new MessageChange.React("carol", THUMBS, true, MAX_EMOJI, now()),
        new MessageChange.React("carol", THUMBS, true, MAX_EMOJI, now()), // unchanged: no rev
        new MessageChange.Delete("bob", now()),
        new MessageChange.Edit("bob", "refused", List.of(), now()), // deleted: no rev
        new MessageChange.React("alice", PARTY, true, MAX_EMOJI, now()));
    long[] seqs = {1, 1, 1, 2, 2, 1};
    for (int i = 0; i < changes.size(); i++) {
      MessageChange c = changes.get(i);
      ChangeOutcome o = store.change(GENERAL, seqs[i], c);
      if (o.status() == Status.APPLIED) {
        expected.add(new StoredUpdate(o.rev(), seqs[i], c.by(), c.action(), c.ts()));
      }
    }
    applied(1, react(RANDOM, 1, "zed", HEART, true));

    assertEquals(List.of(
        new StoredUpdate(1, 1, "alice", "edit", changes.get(0).ts()),
        new StoredUpdate(2, 1, "carol", "react", changes.get(1).ts()),
        new StoredUpdate(3, 2, "bob", "delete", changes.get(3).ts()),
        new StoredUpdate(4, 1, "alice", "react", changes.get(5).ts())), expected);
    assertEquals(expected, store.updatesAfter(GENERAL, 0, 10));
    assertEquals(expected.subList(0, 2), store.updatesAfter(GENERAL, 0, 2));
    assertEquals(expected.subList(2, 4), store.updatesAfter(GENERAL, 2, 2), "ends at the end");
    assertEquals(expected.subList(3, 4), store.updatesAfter(GENERAL, 3, 10));
    assertEquals(List.of(), store.updatesAfter(GENERAL, 4, 10));
    assertEquals(List.of(), store.updatesAfter(GENERAL, Long.MAX_VALUE, 10));
    assertEquals(List.of(), store.updatesAfter(GENERAL, 0, 0));
    assertEquals(List.of(1L), revs(store.updatesAfter(RANDOM, 0, 10)));
    assertEquals(List.of(), store.updatesAfter(ALICE_BOB, 0, 10));
    assertEquals(4, store.lastRev(GENERAL));
  }

  // deleteConversation

  /**
   * Deleting a conversation erases its reactions and recorded changes and resets its rev: a
   * message with a reused seq starts bare, and the next change is rev 1. Others keep theirs.
   */
  @Test
  void deleteConversationErasesChangesAndResetsTheRev() {
    send(GENERAL, "alice", "c1");
    send(RANDOM, "alice", "r1");
    react(GENERAL, 1, "bob", THUMBS, true);
    edit(GENERAL, 1, "alice", "edited", List.of("bob"));
    react(RANDOM, 1, "bob", THUMBS, true);

    store.deleteConversation(GENERAL);

    assertEquals(0, store.lastRev(GENERAL));
    assertEquals(List.of(), store.updatesAfter(GENERAL, 0, 10));
    assertEquals(Optional.empty(), store.message(GENERAL, 1));
    StoredMessage fresh = send(GENERAL, "bob", "new");
    assertEquals(1, fresh.seq());
    assertEquals(new StoredMessage(GENERAL, 1, "bob", "text of new", fresh.ts(), "new"),
        current(GENERAL, 1), "no reaction, edit or rev of the old seq 1");
    applied(1, react(GENERAL, 1, "carol", PARTY, true));
    assertEquals(reactions(e(PARTY, "carol")), ordered(current(GENERAL, 1).reactions()));
    assertEquals(1, store.lastRev(RANDOM));
    assertEquals(reactions(e(THUMBS, "bob")), ordered(current(RANDOM, 1).reactions()));
  }

  // Duplicates

  /** Resending a changed message's cid gives the message as it now is, not as first stored. */
  @Test
  void duplicateAfterChangesIsTheMessageAsItNowIs() {
    send(new NewMessage(GENERAL, "alice", "first", "c1", now(), null, List.of("bob")));
    send(GENERAL, "alice", "c2");
    edit(GENERAL, 1, "alice", "second", List.of("carol"));
    react(GENERAL, 1, "bob", THUMBS, true);
    react(GENERAL, 1, "carol", THUMBS, true);

    RecordingAppendListener.Outcome again =
        append(new NewMessage(GENERAL, "alice", "first", "c1", now(), null, List.of("bob")));
    assertTrue(again.duplicate());
    assertEquals(current(GENERAL, 1), again.message());
    assertEquals("second", again.message().text());

    delete(GENERAL, 2, "alice");
    RecordingAppendListener.Outcome deleted =
        append(new NewMessage(GENERAL, "alice", "text of c2", "c2", now()));
    assertTrue(deleted.duplicate());
    assertEquals(current(GENERAL, 2), deleted.message());
    assertTrue(deleted.message().deleted());
    assertEquals(2, store.lastSeq(GENERAL));
  }

  // Concurrency

  /**
   * Changes from several threads to one conversation, while messages are appended to it: every
   * change is made under its own rev, the revs are 1..N without gaps, the recorded updates
   * match, and no reaction is lost.
   */
  @Test
  void concurrentChangesGetGapFreeRevs() throws Exception {
    int messages = 3;
    for (int i = 1; i <= messages; i++) {
      send(GENERAL, "alice", "c" + i);
    }
    int threads = 6;
    int perThread = 30;
    List<String> emoji = List.of(THUMBS, PARTY, HEART);
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    List<Future<List<ChangeOutcome>>> futures = new ArrayList<>();
    Future<?> appender;
    try {
      CountDownLatch go = new CountDownLatch(1);
      for (int t = 0; t < threads; t++) {
        String user = "user" + t;
        futures.add(pool.submit(() -> {
          go.await();
          List<ChangeOutcome> outcomes = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            // each (user, message, emoji) once: every one of these changes something
            long seq = 1 + i % messages;
            String e = emoji.get(i / messages % emoji.size());
            MessageChange change = i < messages * emoji.size()
                ? new MessageChange.React(user, e, true, MAX_EMOJI, now())
                : new MessageChange.Edit(user, user + " " + i, List.of(), now());
            outcomes.add(store.change(GENERAL, seq, change));
          }
          return outcomes;
        }));
      }
      appender = pool.submit(() -> {
        go.await();
        for (int i = 0; i < 30; i++) {
          send(GENERAL, "bob", "during" + i);
        }
        return null;
      });
      go.countDown();
      appender.get(20, TimeUnit.SECONDS);
    } finally {
      pool.shutdown();
    }
    List<Long> revs = new ArrayList<>();
    for (Future<List<ChangeOutcome>> f : futures) {
      for (ChangeOutcome o : f.get(20, TimeUnit.SECONDS)) {
        assertEquals(Status.APPLIED, o.status(), "outcome " + o);
        revs.add(o.rev());
      }
    }
    revs.sort(null);
    long total = (long) threads * perThread;
    assertEquals(range(1, total), revs);
    assertEquals(total, store.lastRev(GENERAL));
    assertEquals(range(1, total), revs(store.updatesAfter(GENERAL, 0, 10_000)));
    assertEquals(range(1, messages + 30), store.after(GENERAL, 0, 10_000).stream()
        .map(StoredMessage::seq).toList(), "appends kept their gap-free seqs");
    for (int seq = 1; seq <= messages; seq++) {
      Map<String, List<String>> r = current(GENERAL, seq).reactions();
      assertEquals(emoji.size(), r.size(), "emoji on " + seq);
      r.values().forEach(users -> assertEquals(threads, users.size(), "users " + users));
    }
  }

  /**
   * A message read while it changes is one state of it: its reactions are those it had at the
   * rev it carries, never a mix of two changes (history reads the rows and the reactions with
   * two queries: they must see one snapshot).
   */
  @Test
  void readsWhileReactingSeeOneStateOfTheMessage() throws Exception {
    send(GENERAL, "alice", "c1");
    int changes = 400;
    // One writer, so each rev's reactions are known in advance: toggles of three users.
    List<List<String>> usersAtRev = new ArrayList<>();
    usersAtRev.add(List.of());
    List<String> users = new ArrayList<>();
    List<MessageChange> plan = new ArrayList<>();
    for (int i = 0; i < changes; i++) {
      String user = "user" + i % 3;
      boolean on = !users.contains(user);
      if (on) {
        users.add(user);
      } else {
        users.remove(user);
      }
      usersAtRev.add(List.copyOf(users));
      plan.add(new MessageChange.React(user, THUMBS, on, MAX_EMOJI, i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<Long> reader = pool.submit(() -> {
        go.await();
        long reads = 0;
        long rev = 0;
        while (rev < changes) {
          for (StoredMessage m : List.of(store.after(GENERAL, 0, 10).get(0),
              store.before(GENERAL, 2, 1).get(0), current(GENERAL, 1))) {
            rev = Math.max(rev, m.rev());
            assertEquals(usersAtRev.get((int) m.rev()),
                m.reactions().getOrDefault(THUMBS, List.of()), "reactions at rev " + m.rev());
            reads++;
          }
        }
        return reads;
      });
      go.countDown();
      for (MessageChange change : plan) {
        assertEquals(Status.APPLIED, store.change(GENERAL, 1, change).status());
      }
      assertTrue(reader.get(20, TimeUnit.SECONDS) > 0);
    } finally {
      pool.shutdownNow();
    }
  }

  // Durability (skipped by stores that keep nothing)

  /** Changes, their revs and records, replies and mentions survive a restart; revs go on. */
  @Test
  void changesSurviveReopen() throws Exception {
    send(GENERAL, "alice", "c1");
    send(new NewMessage(GENERAL, "bob", "@alice yes", "c2", now(), 1L, List.of("alice")));
    send(GENERAL, "carol", "c3");
    edit(GENERAL, 1, "alice", "edited @carol", List.of("carol"));
    react(GENERAL, 1, "bob", THUMBS, true);
    react(GENERAL, 1, "carol", PARTY, true);
    react(GENERAL, 1, "alice", THUMBS, true);
    delete(GENERAL, 3, "carol");
    send(RANDOM, "alice", "r1");
    react(RANDOM, 1, "bob", HEART, true);
    List<StoredMessage> general = store.after(GENERAL, 0, 10);
    List<StoredUpdate> updates = store.updatesAfter(GENERAL, 0, 10);
    Map<String, List<String>> reactions = new LinkedHashMap<>(general.get(0).reactions());

    store = reopen();

    assertEquals(general, store.after(GENERAL, 0, 10));
    assertEquals(ordered(reactions), ordered(current(GENERAL, 1).reactions()));
    assertEquals(updates, store.updatesAfter(GENERAL, 0, 10));
    assertEquals(5, store.lastRev(GENERAL));
    assertEquals(1, store.lastRev(RANDOM));
    assertTrue(current(GENERAL, 3).deleted());
    applied(6, react(GENERAL, 2, "alice", HEART, true));
    applied(2, edit(RANDOM, 1, "alice", "r1!", List.of()));
  }

  /** A deleted conversation's revs start again at 1 after a restart too. */
  @Test
  void revResetSurvivesReopen() throws Exception {
    send(GENERAL, "alice", "c1");
    react(GENERAL, 1, "bob", THUMBS, true);
    react(GENERAL, 1, "carol", THUMBS, true);
    store.deleteConversation(GENERAL);
    send(GENERAL, "alice", "fresh");
    applied(1, react(GENERAL, 1, "zed", PARTY, true));

    store = reopen();

    assertEquals(1, store.lastRev(GENERAL));
    assertEquals(reactions(e(PARTY, "zed")), ordered(current(GENERAL, 1).reactions()));
    applied(2, edit(GENERAL, 1, "alice", "fresher", List.of()));
  }
}
