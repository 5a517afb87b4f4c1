package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.OperatorAction;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts, in a running server, on what an operator changed in the store from another process
 * ({@link Operations}, run by {@code chat-server.jar admin}): every second it reads the actions
 * recorded since the last it saw, forgets what the core and the store had cached, closes the
 * connections of disabled and deleted accounts and of accounts whose password was reset, and
 * tells the members of a deleted room.
 */
@Singleton
final class OperatorActions {
  private static final Logger log = LoggerFactory.getLogger(OperatorActions.class);

  private final AccountStore accounts;
  private final SessionRegistry registry;
  private final RoomService rooms;
  private final Blocks blocks;
  private long lastSeen = -1; // guarded by this
  private boolean failing;

  @Inject
  OperatorActions(AccountStore accounts, SessionRegistry registry, RoomService rooms,
      Blocks blocks) {
    this.accounts = accounts;
    this.registry = registry;
    this.rooms = rooms;
    this.blocks = blocks;
  }

  /** Skips the actions recorded before this server started: they were acted on when made. */
  synchronized void start() {
    List<OperatorAction> past = accounts.operatorActionsAfter(0);
    lastSeen = past.isEmpty() ? 0 : past.get(past.size() - 1).id();
  }

  /** Reads and applies new actions; called every second by the core's timer. */
  synchronized void poll() {
    List<OperatorAction> fresh;
    try {
      fresh = accounts.operatorActionsAfter(lastSeen);
      failing = false;
    } catch (RuntimeException e) {
      if (!failing) {
        log.error("cannot read operator actions from the store; retrying every second", e);
        failing = true;
      }
      return;
    }
    if (fresh.isEmpty()) {
      return;
    }
    accounts.forgetCaches();
    blocks.forget();
    for (OperatorAction a : fresh) {
      log.info("operator action {}: {} {}", a.id(), a.action(), a.subject());
      switch (a.action()) {
        case OperatorAction.DISABLE_USER ->
            registry.closeUser(a.subject(), null, "account disabled");
        case OperatorAction.DELETE_USER ->
            registry.closeUser(a.subject(), null, "account deleted");
        case OperatorAction.RESET_PASSWORD ->
            registry.closeUser(a.subject(), null, "password changed");
        case OperatorAction.DELETE_ROOM -> rooms.announceDeletedHere(a.subject(), a.members());
        default -> { } // enable, and actions of newer versions: the caches are dropped already
      }
      lastSeen = a.id();
    }
  }
}
