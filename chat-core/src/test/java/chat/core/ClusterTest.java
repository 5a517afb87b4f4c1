package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.cluster.NodeBus;
import chat.core.cluster.Presence;
import chat.core.cluster.SharedLimits;
import chat.core.memory.InMemoryStoreModule;
import chat.core.store.AccountStore;
import chat.core.store.FileStore;
import chat.core.store.MessageStore;
import chat.protocol.ErrorCode;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several cores on one store and one bus, in one process: what a cluster of server nodes does
 * with what the bus brings, including what it loses or brings out of order. (The same against
 * real Redis and PostgreSQL: the cluster's black-box tests.)
 */
class ClusterTest {
  private final FakeBusHub hub = new FakeBusHub();
  private final SharedPresence presence = new SharedPresence();
  private final Injector stores = Guice.createInjector(new InMemoryStoreModule());
  /** Calls of forgetCaches() on the shared account store (the memory store keeps no caches). */
  private final AtomicInteger cachesForgotten = new AtomicInteger();
  /** The rooms forgetRoster() was called for, in order (by the nodes' bus receivers). */
  private final List<String> rostersForgotten = new CopyOnWriteArrayList<>();
  private final AccountStore accountStore = countingForgets(stores.getInstance(AccountStore.class));
  private final List<Node> nodes = new ArrayList<>();
  /** The limits every node shares, as they share Redis' in a real cluster. */
  private final SharedLimits limits = new LocalLimits(Ticker.SYSTEM);

  private record Node(TestChat chat, FakeBusHub.Bus bus, SharedPresence.OfNode presence) {}

  private Node node() {
    return node(ChatConfig.builder());
  }

  private Node node(ChatConfig.Builder config) {
    FakeBusHub.Bus bus = hub.newBus();
    SharedPresence.OfNode mine = presence.forNode();
    Module shared = new AbstractModule() {
      @Override
      protected void configure() {
        bind(MessageStore.class).toInstance(stores.getInstance(MessageStore.class));
        bind(FileStore.class).toInstance(stores.getInstance(FileStore.class));
        bind(AccountStore.class).toInstance(accountStore);
        OptionalBinder.newOptionalBinder(binder(), NodeBus.class).setBinding().toInstance(bus);
        OptionalBinder.newOptionalBinder(binder(), Presence.class).setBinding()
            .toInstance(mine);
        OptionalBinder.newOptionalBinder(binder(), SharedLimits.class).setBinding()
            .toInstance(limits);
      }
    };
    Node node = new Node(new TestChat(config, 10_000, shared), bus, mine);
    nodes.add(node);
    return node;
  }

  /** {@code store}, counting the calls of {@link AccountStore#forgetCaches}. */
  private AccountStore countingForgets(AccountStore store) {
    return Around.wrap(AccountStore.class, store, (method, args, call) -> {
      if (method.equals("forgetCaches")) {
        cachesForgotten.incrementAndGet();
      } else if (method.equals("forgetRoster")) {
        rostersForgotten.add((String) args[0]);
      }
      return call.proceed();
    });
  }

  @AfterEach
  void tearDown() {
    for (Node n : nodes) {
      n.chat().close();
    }
    hub.close();
  }

  /** Waits until every node has applied what the bus carried so far. */
  private void settleBus() throws InterruptedException {
    for (Node n : nodes) {
      n.bus().settle();
    }
  }

  /** Alice on node one, owner of #general; bob on node two, a member; the bus settled. */
  private record Room(Node one, Node two, TestClient alice, TestClient bob) {}

  private Room aliceAndBobInARoom() throws InterruptedException {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    alice.createRoom("general", false);
    bob.join("general");
    settleBus();
    return new Room(one, two, alice, bob);
  }

  private static Event.Message nextMessage(TestClient c) {
    return c.events.skipTo(Event.Message.class);
  }

  /**
   * Creating a room adds its owner with no member event: the other nodes are told to forget
   * any roster of that name they hold (one read empty while no room had it would refuse the
   * owner there, and hide the room's messages from them, until something else dropped it).
   */
  @Test
  void aRoomCreatedOnOneNodeIsForgottenByTheOthersRosters() throws Exception {
    Node one = node();
    node();
    TestClient alice = one.chat().user("alice");
    settleBus();
    rostersForgotten.clear();
    alice.createRoom("fresh", false);
    settleBus();
    assertEquals(List.of("fresh"), rostersForgotten);
  }

  /**
   * A node follows every conversation it hears of on the bus; one nobody signed in there takes
   * part in is forgotten once unused for a minute, and one with a participant there is kept.
   */
  @Test
  void aNodeForgetsTheConversationsNobodyThereTakesPartIn() throws Exception {
    Room r = aliceAndBobInARoom();
    TestClient carol = r.one().chat().user("carol");
    for (String peer : List.of("dave", "erin", "frank")) {
      r.one().chat().user(peer);
      carol.send("@" + peer, "hello " + peer);
    }
    r.alice().send("#general", "to bob, on node two");
    assertEquals("to bob, on node two", nextMessage(r.bob()).text());
    settleBus();
    Cursors two = r.two().chat().core.instance(Cursors.class);
    assertEquals(4, two.followed(), "three direct conversations and the room");

    r.two().chat().ticker.advance(Duration.ofSeconds(59));
    assertEquals(0, two.sweep(), "not idle long enough");
    r.two().chat().ticker.advance(Duration.ofSeconds(1));
    assertEquals(3, two.sweep());
    assertEquals(1, two.followed(), "bob's room stays");

    carol.send("@dave", "again");
    r.alice().send("#general", "still followed");
    assertEquals("still followed", nextMessage(r.bob()).text());
  }

  @Test
  void roomAndDirectMessagesReachSessionsOnOtherNodes() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    TestClient bobOnOne = one.chat().secondSession(bob);
    alice.createRoom("general", false);
    bob.join("general");
    settleBus();

    alice.send("#general", "hi from one");
    Event.Message m = nextMessage(bob);
    assertEquals("#general", m.conv());
    assertEquals(1, m.seq());
    assertEquals("hi from one", m.text());
    assertEquals(1, nextMessage(bobOnOne).seq());

    assertEquals("hi from one", nextMessage(alice).text()); // her own copy
    bob.send("#general", "hi from two");
    assertEquals("hi from two", nextMessage(alice).text());
    assertEquals("hi from two", nextMessage(bobOnOne).text());

    bob.send("@alice", "a direct one");
    Event.Message direct = nextMessage(alice);
    assertEquals("@bob", direct.conv()); // named from alice's side
    assertEquals("a direct one", direct.text());
    Event.Message copy = nextMessage(bobOnOne);
    assertEquals("@alice", copy.conv());
  }

  @Test
  void aMessageOvertakenOnTheBusIsDeliveredInOrderOnce() throws Exception {
    Node one = node();
    Node two = node();
    Node three = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    TestClient carol = three.chat().user("carol");
    alice.createRoom("general", false);
    bob.join("general");
    carol.join("general");
    settleBus();
    carol.settle();

    // Alice's message is held back on the bus; Bob's, stored after it, reaches node three first.
    hub.holdWhile(m -> m.contains("from alice"));
    alice.send("#general", "from alice");
    bob.send("#general", "from bob");
    settleBus();
    List<FakeBusHub.Held> held = hub.takeHeld();
    assertFalse(held.isEmpty());
    for (FakeBusHub.Held h : held) {
      h.to().deliver(h.message()); // late
    }
    settleBus();

    Event.Message first = nextMessage(carol);
    Event.Message second = nextMessage(carol);
    assertEquals(List.of(1L, 2L), List.of(first.seq(), second.seq()));
    assertEquals(List.of("from alice", "from bob"), List.of(first.text(), second.text()));
    carol.assertQuiet(); // the late copy of alice's was dropped
  }

  @Test
  void whatALostMessageCarriedIsRepairedFromTheStore() throws Exception {
    Room r = aliceAndBobInARoom();
    Node two = r.two();
    TestClient alice = r.alice();
    TestClient bob = r.bob();
    bob.settle();

    // Lost: the next message on the bus repairs it ...
    firstLostThenNext(alice, "#general", bob);
    two.chat().metrics.await("gapRepaired", 1);
    assertEquals(0, two.chat().metrics.count("busResubscribed"));

    // ... or, if nothing follows, the reconnect of the bus does.
    hub.holdWhile(m -> m.contains("lost two"));
    alice.send("#general", "lost two");
    settleBus();
    hub.takeHeld();
    bob.assertQuiet();
    two.bus().resubscribed();
    Event.Message repaired = nextMessage(bob);
    assertEquals(3, repaired.seq());
    assertEquals("lost two", repaired.text());
    two.chat().metrics.await("busResubscribed", 1);
    two.chat().metrics.await("gapRepaired", 2);
    assertEquals(0, r.one().chat().metrics.count("busResubscribed"), "node one's bus never broke");
  }

  /**
   * Bob, signed in on node two, is invited into a room from node one: node two follows the room
   * from the invite on, so its first message, lost on the bus, is read from the store when the
   * next one comes (it used to start the room's cursor at the first number it saw).
   */
  @Test
  void aRoomsFirstMessageLostOnTheBusReachesAMemberInvitedFromAnotherNode() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    alice.createRoom("den", true);
    alice.invite("den", "bob");
    settleBus();
    assertEquals(new Event.Member("#den", "bob", "invite", null),
        bob.events.skipTo(Event.Member.class));

    firstLostThenNext(alice, "#den", bob);
  }

  /** The same for the creator's node, when a room's first message comes from another node. */
  @Test
  void aRoomsFirstMessageLostOnTheBusReachesItsCreator() throws Exception {
    Room r = aliceAndBobInARoom();

    firstLostThenNext(r.bob(), "#general", r.alice());
  }

  /**
   * {@code from} sends a message the bus loses for good, then another: {@code to} gets both, in
   * order, the lost one read from the store.
   */
  private void firstLostThenNext(TestClient from, String conv, TestClient to) throws Exception {
    hub.holdWhile(m -> m.contains("lost one"));
    from.send(conv, "lost one");
    settleBus();
    hub.takeHeld(); // dropped for good
    from.send(conv, "next one");

    assertEquals("lost one", nextMessage(to).text());
    assertEquals("next one", nextMessage(to).text());
  }

  @Test
  void aNodeTheBusSilentlyStoppedReachingCatchesUpFromTheStore() throws Exception {
    Room r = aliceAndBobInARoom();
    Node two = r.two();
    TestClient alice = r.alice();
    TestClient bob = r.bob();
    bob.settle();
    BusReceiver twosEnd = two.chat().core.instance(BusReceiver.class);

    two.bus().deaf = true; // no reset, no close: the bus does not know
    alice.send("#general", "unheard");
    twosEnd.checkBus(); // its ping is lost too, but it has not been silent for long yet
    bob.assertQuiet();
    two.chat().ticker.advance(Duration.ofSeconds(16));
    twosEnd.checkBus();
    Event.Message m = nextMessage(bob);
    assertEquals("unheard", m.text());
    assertEquals(1, m.seq());

    two.bus().deaf = false;
    twosEnd.checkBus(); // its ping comes back: the bus carries again
    settleBus();
    alice.send("#general", "heard");
    assertEquals("heard", nextMessage(bob).text());
    bob.assertQuiet();
  }

  /**
   * Node two keeps alice's blocked set once read; a block made on node one reaches it only over
   * the bus. When the bus lost that message, the break that follows (a resubscribe, or a silent
   * bus caught by its check) makes node two read blocks from the store again: bob is refused.
   * The store's own caches (the SQL stores' rosters, kept current the same way) are dropped too.
   */
  @Test
  void aBlockTheBusLostIsReadFromTheStoreAfterTheBreak() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    bob.send("@alice", "hello"); // node two reads both blocked sets, and keeps them
    assertEquals("hello", nextMessage(alice).text());

    hub.holdWhile(m -> m.contains("\"k\":\"" + NodeLink.BLOCKS + "\""));
    alice.ok(new Request.Block(TestClient.nextId(), "bob"));
    settleBus();
    assertEquals(1, hub.takeHeld().stream().filter(h -> h.to() == two.bus()).count(),
        "the block's message to node two was lost");
    two.bus().resubscribed();
    settleBus(); // node two has been told
    bob.error(new Request.Send(TestClient.nextId(), "@alice", "after the block", "c2"),
        ErrorCode.FORBIDDEN);
    assertEquals(1, cachesForgotten.get(), "the store's caches (rosters) are dropped too");

    alice.ok(new Request.Unblock(TestClient.nextId(), "bob"));
    settleBus();
    assertEquals(2, bob.send("@alice", "unblocked").seq());
    BusReceiver twosEnd = two.chat().core.instance(BusReceiver.class);
    two.bus().deaf = true; // the next block is lost without the bus knowing
    alice.ok(new Request.Block(TestClient.nextId(), "bob"));
    two.chat().ticker.advance(Duration.ofSeconds(16));
    twosEnd.checkBus();
    bob.error(new Request.Send(TestClient.nextId(), "@alice", "after the second", "c3"),
        ErrorCode.FORBIDDEN);
    // (at least: the core's own check, every 5 s of real time, may have run since the advance)
    assertTrue(cachesForgotten.get() >= 2, "dropped again: " + cachesForgotten.get());
  }

  @Test
  void editsReachOtherNodesAndALostOneIsRepaired() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    alice.send("@bob", "helo");
    assertEquals("helo", nextMessage(bob).text());

    alice.ok(new Request.Edit(TestClient.nextId(), "@bob", 1, "hello"),
        Result.Changed.class);
    Event.Update u = bob.events.skipTo(Event.Update.class);
    assertEquals("@alice", u.conv());
    assertEquals("hello", u.message().text());

    hub.holdWhile(m -> m.contains("hello!"));
    alice.ok(new Request.Edit(TestClient.nextId(), "@bob", 1, "hello!"),
        Result.Changed.class);
    settleBus();
    hub.takeHeld();
    alice.ok(new Request.Edit(TestClient.nextId(), "@bob", 1, "hello!!"),
        Result.Changed.class);
    Event.Update missed = bob.events.skipTo(Event.Update.class);
    assertEquals(2, missed.rev());
    assertEquals("edit", missed.action());
    Event.Update last = bob.events.skipTo(Event.Update.class);
    assertEquals(3, last.rev());
    assertEquals("hello!!", last.message().text());
  }

  @Test
  void logoutClosesTheSessionsOfThatUserOnEveryNode() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient aliceOnTwo = two.chat().secondSession(alice);
    alice.ok(new Request.Logout(TestClient.nextId(), true));
    EventRecorder.Closed closed = aliceOnTwo.events.nextClose();
    assertEquals(CloseCodes.POLICY_VIOLATION, closed.code());
    assertEquals("logged out", closed.reason());
  }

  @Test
  void presenceAndTypingCrossNodesAndAUserOnTwoNodesIsAnnouncedOnce() throws Exception {
    Room r = aliceAndBobInARoom();
    Node one = r.one();
    TestClient alice = r.alice();
    TestClient bob = r.bob();
    alice.settle();

    TestClient bobOnOne = one.chat().secondSession(bob); // online already: no event
    settleBus();
    alice.assertQuiet();
    bob.ok(new Request.Typing(TestClient.nextId(), "#general"));
    assertEquals("bob", alice.events.skipTo(Event.Typing.class).user());

    bob.close();
    settleBus();
    alice.assertQuiet(); // still online on node one
    bobOnOne.close();
    Event.Presence off = alice.events.skipTo(Event.Presence.class);
    assertEquals("bob", off.user());
    assertFalse(off.online());
    assertFalse(presence.forNode().isOnline("bob"));
  }

  @Test
  void usersOfANodeCountedOutWhilePausedAreAnnouncedBackOnline() throws Exception {
    Room r = aliceAndBobInARoom();
    // Node two was paused past its time to live: node one's reaper counted bob out.
    r.one().presence().wentOffline.accept("bob");
    Event.Presence off = r.alice().events.skipTo(Event.Presence.class);
    if (off.online()) {
      off = r.alice().events.skipTo(Event.Presence.class); // the first was bob's join
    }
    assertEquals(new Event.Presence("bob", false), off);
    // Node two wakes up and counts its sessions in again: everyone hears bob is back.
    r.two().presence().cameBack.accept("bob");
    assertEquals(new Event.Presence("bob", true), r.alice().events.skipTo(Event.Presence.class));
  }

  @Test
  void aKickOnOneNodeStopsDeliveryOnTheOthers() throws Exception {
    Node one = node();
    Node two = node();
    TestClient alice = one.chat().user("alice");
    TestClient bob = two.chat().user("bob");
    TestClient carol = two.chat().user("carol");
    alice.createRoom("general", false);
    bob.join("general");
    carol.join("general");
    alice.send("#general", "before");
    assertEquals("before", nextMessage(bob).text()); // node two has read the roster
    assertEquals("before", nextMessage(carol).text());
    alice.ok(new Request.Kick(TestClient.nextId(), "#general", "bob"));
    Event.Member kicked = bob.events.skipTo(Event.Member.class);
    while (!"kick".equals(kicked.action())) {
      kicked = bob.events.skipTo(Event.Member.class);
    }
    settleBus();
    alice.send("#general", "after");
    assertEquals("after", nextMessage(carol).text());
    bob.assertQuiet();
  }

  @Test
  void failedLoginsCountOnAllNodesTogether() {
    ChatConfig.Safety three = new ChatConfig.Safety(3, 6, Duration.ofMinutes(15), 4, 3, 60, 2,
        3, 5, 60, 10, 1_000);
    Node one = node(ChatConfig.builder().safety(three));
    Node two = node(ChatConfig.builder().safety(three));
    one.chat().user("alice");
    // Two failures on node one and one on node two: each node saw fewer than three.
    for (Node n : List.of(one, one, two)) {
      Event e = n.chat().connect().call(new Request.Login(TestClient.nextId(), "alice", "guess"));
      assertEquals(ErrorCode.UNAUTHORIZED, ((Event.Error) e).code());
    }
    Event refused = two.chat().connect().call(new Request.Login(TestClient.nextId(), "alice",
        TestChat.PASSWORD));
    assertEquals(ErrorCode.RATE_LIMITED, ((Event.Error) refused).code(),
        ((Event.Error) refused).message());
  }

  /** Presence counted across the nodes of one test, as Redis counts it for a real cluster. */
  static final class SharedPresence {
    private final Map<String, Integer> sessions = new HashMap<>();

    OfNode forNode() {
      return new OfNode();
    }

    /** One node's view; keeps the callbacks core started it with, for tests to fire. */
    final class OfNode implements Presence {
      volatile Consumer<String> wentOffline;
      volatile Consumer<String> cameBack;

      @Override
      public boolean signedIn(String user) {
        synchronized (sessions) {
          return sessions.merge(user, 1, Integer::sum) == 1;
        }
      }

      @Override
      public boolean signedOut(String user) {
        synchronized (sessions) {
          Integer left = sessions.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
          return left == null;
        }
      }

      @Override
      public boolean isOnline(String user) {
        synchronized (sessions) {
          return sessions.containsKey(user);
        }
      }

      @Override
      public void start(Consumer<String> wentOffline, Consumer<String> cameBack) {
        this.wentOffline = wentOffline;
        this.cameBack = cameBack;
      }

      @Override
      public void stop() {}
    }
  }
}
