package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.core.local.LocalClient;
import chat.core.local.LocalTransport;
import chat.core.memory.InMemoryStoreModule;
import chat.protocol.Event;
import chat.protocol.Request;
import chat.protocol.Result;
import com.google.inject.Guice;
import com.google.inject.Injector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-JVM transport in a host's own injector: started and stopped by the bound {@link
 * Lifecycle}, closed in either order with the core, and a listener that throws.
 */
class LocalTransportTest {
  private static final EventRecorder.Closed SHUTDOWN =
      new EventRecorder.Closed(CloseCodes.GOING_AWAY, "server shutting down");

  private Lifecycle lifecycle;
  private LocalTransport local;
  private ChatService service;

  @BeforeEach
  void startAsAHostWould() throws Exception {
    Injector injector = Guice.createInjector(
        new ChatCoreModule(ChatConfig.builder().passwordIterations(1_000).build()),
        new InMemoryStoreModule());
    lifecycle = injector.getInstance(Lifecycle.class);
    lifecycle.start();
    local = injector.getInstance(LocalTransport.class);
    service = injector.getInstance(ChatService.class);
  }

  @AfterEach
  void stop() {
    lifecycle.stop();
  }

  private EventRecorder connected() {
    EventRecorder events = new EventRecorder();
    local.connect(events);
    events.next(Event.Hello.class);
    return events;
  }

  @Test
  void stoppingTheLifecycleClosesTheBoundTransportsClientsAndRefusesNewOnes() {
    EventRecorder events = connected();

    lifecycle.stop();

    assertEquals(SHUTDOWN, events.nextClose());
    assertThrows(IllegalStateException.class, () -> local.connect(new EventRecorder()));
  }

  @Test
  void closingTheTransportBeforeTheCoreStopsStillClosesEveryClient() {
    EventRecorder events = connected();
    LocalTransport own = new LocalTransport(service);
    EventRecorder ownEvents = new EventRecorder();
    LocalClient client = own.connect(ownEvents);
    ownEvents.next(Event.Hello.class);

    own.close();
    lifecycle.stop();

    assertEquals(SHUTDOWN, ownEvents.nextClose());
    assertFalse(client.isOpen());
    assertEquals(SHUTDOWN, events.nextClose());
  }

  @Test
  void closingTheTransportAfterTheCoreStoppedChangesNothing() {
    LocalTransport own = new LocalTransport(service);
    EventRecorder ownEvents = new EventRecorder();
    own.connect(ownEvents);
    ownEvents.next(Event.Hello.class);

    lifecycle.stop();
    own.close();

    assertEquals(SHUTDOWN, ownEvents.nextClose());
    ownEvents.assertExhausted();
  }

  @Test
  void aListenerThatThrowsGetsItsClientClosedWith1011AndHearsOfIt() throws Exception {
    EventRecorder events = new EventRecorder();
    LocalClient client = local.connect(new chat.core.local.ClientListener() {
      @Override
      public void onEvent(Event event) {
        events.onEvent(event);
        if (event instanceof Event.Ok ok && ok.result() instanceof Result.Pong) {
          throw new IllegalStateException("a bug in the application");
        }
      }

      @Override
      public void onClose(int code, String reason) {
        events.onClose(code, reason);
      }
    });
    events.next(Event.Hello.class);

    // Whether the second reply is queued before the failure or refused after it, the listener
    // that failed on the first never sees it.
    client.send(new Request.Ping("1"));
    client.send(new Request.Ping("2"));

    assertEquals("1", events.next(Event.Ok.class).re());
    assertEquals(new EventRecorder.Closed(CloseCodes.SERVER_ERROR, "listener failed"),
        events.nextClose());
    assertFalse(client.isOpen());
    assertFalse(client.send(new Request.Ping("3")));
    assertEquals(0, service.connectionCount(), "the core let go of the connection");
    connected(); // the transport itself carries on
    events.assertExhausted();
  }
}
