package chat.core;

import chat.core.cluster.SharedLimits;
import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.RoomExit;
import chat.core.store.TokenRecord;
import chat.protocol.ErrorCode;
import chat.protocol.Names;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Accounts: registration, login by password or token, logout (here or everywhere), password
 * change and account deletion.
 *
 * <p>Password hashing is slow on purpose and runs on the {@link PasswordChecks} pool; the
 * connection holds later requests until it is done. Unknown users and wrong passwords get the same
 * answer after the same work, so a login does not reveal which names exist.
 *
 * <p>Abuse: failed password logins are throttled per address and per name at an address (see
 * {@link FailureThrottle}); a refused attempt costs no hashing, and attempts being checked count
 * against the limit so a burst cannot slip past it. Registrations are limited per address. A
 * token login is never refused for failed password attempts. Successful password sign-ins, and
 * checks of a signed-in user's password, are limited per account (each costs a hash).
 */
@Singleton
final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  private static final String WRONG_CREDENTIALS = "wrong user name or password";

  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final ChatConfig config;
  private final Clock clock;
  private final Ticker ticker;
  private final PasswordChecks checks;
  private final Router router;
  private final RoomService rooms;
  private final FailureThrottle byAddress;
  private final FailureThrottle byName;
  private final WindowLimiter registrations;
  private final SharedLimits limits;
  private final boolean clustered;
  private final ChatMetrics metrics;
  private volatile String dummyHash; // verified against when the user does not exist

  @Inject
  AuthService(AccountStore accounts, PasswordHasher hasher, ChatConfig config, Clock clock,
      Ticker ticker, PasswordChecks checks, Router router, RoomService rooms,
      SharedLimits limits, NodeLink link, ChatMetrics metrics) {
    this.metrics = metrics;
    this.limits = limits;
    this.clustered = link.clustered();
    this.accounts = accounts;
    this.hasher = hasher;
    this.config = config;
    this.clock = clock;
    this.ticker = ticker;
    this.checks = checks;
    this.router = router;
    this.rooms = rooms;
    ChatConfig.Safety safety = config.safety();
    long window = safety.loginWindow().toNanos();
    this.byAddress = new FailureThrottle(ticker, safety.loginFailuresPerAddress(), window);
    this.byName = new FailureThrottle(ticker, safety.loginFailuresPerUser(), window);
    this.registrations = new WindowLimiter(
        ticker, safety.registrationsPerAddressPerHour(), TimeUnit.HOURS.toNanos(1));
  }

  /** Forgets throttling state that no longer limits anyone; called now and then by a timer. */
  void sweep() {
    byAddress.sweep();
    byName.sweep();
    registrations.sweep();
  }

  /**
   * Makes the dummy hash now and times a verification, so the hashing queue knows from the start
   * what one costs on this machine. Called when the core starts.
   */
  void warmUp() {
    String hash = dummyHash();
    long start = ticker.nanos();
    hasher.verify("warm-up", hash);
    checks.calibrate(ticker.nanos() - start);
  }

  /** A hash to verify unknown users against, so they cost as much as known ones. Lazy: slow. */
  private String dummyHash() {
    String hash = dummyHash;
    if (hash == null) {
      hash = hasher.hash("not a password of anyone");
      dummyHash = hash;
    }
    return hash;
  }

  void register(SessionState c, Request.Register r) throws ChatException {
    requireLoggedOut(c);
    String user = Names.foldUser(r.user());
    if (!Names.isValidUser(user)) {
      throw ChatException.badRequest(
          "user: 3 to 32 of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
    }
    checkPassword(r.password(), "password");
    if (accounts.userExists(user)) {
      throw new ChatException(ErrorCode.CONFLICT, "user " + user + " already exists");
    }
    String address = c.clientAddress();
    long wait = registrations.tryAcquire(address);
    if (wait > 0) {
      throw new ChatException(ErrorCode.RATE_LIMITED,
          "too many registrations from your address", wait);
    }
    checks.submit(c, r.id(), true, () -> {
      String hash = hasher.hash(r.password());
      if (!accounts.createUser(user, hash, clock.millis())) {
        throw new ChatException(ErrorCode.CONFLICT, "user " + user + " already exists");
      }
      try (MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
        log.info("registered user {}", user);
      }
      return issueToken(c, user);
    }, outcome -> {
      if (outcome == PasswordChecks.Outcome.NOT_RUN) {
        registrations.release(address);
      }
    });
  }

  void login(SessionState c, Request.Login r) throws ChatException {
    requireLoggedOut(c);
    String user = Names.foldUser(r.user());
    String address = c.clientAddress();
    // An invalid name cannot sign in; one key for all of them keeps huge names out of memory.
    String nameKey = (Names.isValidUser(user) ? user : "<invalid>") + '\n' + address;
    long wait = byAddress.begin(address);
    if (wait > 0) {
      throw throttled(wait);
    }
    wait = byName.begin(nameKey);
    if (wait == 0) {
      wait = failuresElsewhere(address, nameKey);
      if (wait > 0) {
        byName.cancel(nameKey);
      }
    }
    if (wait > 0) {
      byAddress.cancel(address);
      throw throttled(wait);
    }
    // Successes per account (ChatConfig.PasswordLimits): one account's right password sent in
    // a loop from two addresses kept the hashing threads so busy that every other password
    // sign-in and registration was refused as busy. Only successes count, so nobody can use up
    // someone else's by guessing.
    int signIns = config.passwordLimits().signInsPerMinute();
    wait = !Names.isValidUser(user) ? 0 : limits.peek("sign-in", user, signIns / 60.0, signIns);
    if (wait > 0) {
      byName.cancel(nameKey);
      byAddress.cancel(address);
      throw new ChatException(ErrorCode.RATE_LIMITED,
          "too many sign-ins with this account's password; try again later", wait);
    }
    checks.submit(c, r.id(), true, () -> {
      Optional<Account> account = Names.isValidUser(user) ? accounts.account(user)
          : Optional.empty();
      String stored = account.filter(a -> !a.isDeleted()).map(Account::passwordHash)
          .orElse(null);
      boolean matches = hasher.verify(r.password(), stored != null ? stored : dummyHash());
      if (stored == null || !matches) {
        throw PasswordChecks.wrongPassword(WRONG_CREDENTIALS);
      }
      if (!account.get().isActive()) {
        throw new ChatException(ErrorCode.UNAUTHORIZED, "this account is disabled");
      }
      Result.Auth auth = issueToken(c, user);
      Optional<Account> now = accounts.account(user);
      if (now.isEmpty() || !now.get().isActive() || !now.get().passwordHash().equals(stored)) {
        undoSignIn(c, r.id(), Tokens.hash(auth.token()), now, "password changed");
        return null; // answered
      }
      return auth;
    }, outcome -> {
      if (outcome == PasswordChecks.Outcome.NOT_RUN) {
        byAddress.cancel(address);
        byName.cancel(nameKey);
      } else {
        // A disabled account's right password is no failure: it says nothing to guessers.
        boolean ok = outcome != PasswordChecks.Outcome.WRONG_PASSWORD;
        byAddress.end(address, ok);
        byName.end(nameKey, ok);
        if (!ok) {
          metrics.signInFailed();
          failedEverywhere(address, nameKey);
        } else {
          limits.tryTake("sign-in", user, signIns / 60.0, signIns);
        }
      }
    });
  }

  /**
   * In a cluster: 0, or how long to wait because the failures of this address, or of this name
   * at it, on all nodes together used up their budget (the throttles count this node's only).
   * The budget: as many failures as the throttle allows, coming back over its window.
   */
  private long failuresElsewhere(String address, String nameKey) {
    if (!clustered) {
      return 0;
    }
    ChatConfig.Safety s = config.safety();
    return Math.max(
        failureBudget("login-fail-ip", address, s.loginFailuresPerAddress(), false),
        failureBudget("login-fail-user", nameKey, s.loginFailuresPerUser(), false));
  }

  /** In a cluster: a failed login spends the shared budgets {@link #failuresElsewhere} reads. */
  private void failedEverywhere(String address, String nameKey) {
    if (!clustered) {
      return;
    }
    ChatConfig.Safety s = config.safety();
    failureBudget("login-fail-ip", address, s.loginFailuresPerAddress(), true);
    failureBudget("login-fail-user", nameKey, s.loginFailuresPerUser(), true);
  }

  /**
   * One shared budget of failures: {@code perWindow} of them, coming back over the login window.
   * Spends one if {@code spend}, else only looks; returns the wait until one is there (0: now).
   */
  private long failureBudget(String kind, String subject, int perWindow, boolean spend) {
    double perSecond = perWindow / (config.safety().loginWindow().toMillis() / 1000.0);
    return spend
        ? limits.tryTake(kind, subject, perSecond, perWindow)
        : limits.peek(kind, subject, perSecond, perWindow);
  }

  private static ChatException throttled(long waitMs) {
    return new ChatException(ErrorCode.RATE_LIMITED,
        "too many failed logins; try again later", waitMs);
  }

  void tokenLogin(SessionState c, Request.TokenLogin r) throws ChatException {
    requireLoggedOut(c);
    String tokenHash = Tokens.hash(r.token());
    Optional<TokenRecord> token = accounts.token(tokenHash);
    if (token.isEmpty() || token.get().expiresAt() <= clock.millis()) {
      metrics.signInFailed();
      throw new ChatException(ErrorCode.UNAUTHORIZED, "token expired or revoked");
    }
    String user = token.get().user();
    if (accounts.status(user).orElse(Account.Status.DELETED) != Account.Status.ACTIVE) {
      metrics.signInFailed(); // a disabled account's token, kept by the store: refused all the same
      throw new ChatException(ErrorCode.UNAUTHORIZED, "this account is disabled");
    }
    if (!c.authenticate(user, tokenHash)) {
      return;
    }
    if (accounts.token(tokenHash).isEmpty()) {
      undoSignIn(c, r.id(), tokenHash, accounts.account(user), "logged out");
      return;
    }
    c.reply(r.id(), new Result.Auth(token.get().user(), r.token(), token.get().expiresAt()));
  }

  /**
   * Undoes a sign-in whose session has just been registered, because the account changed while
   * it was being checked. A password change or reset, a disable, a deletion or a logout
   * everywhere revokes the user's tokens and then closes their sessions; one that ran while a
   * sign-in was checked missed both its token (not yet saved) and its session (not yet
   * registered). So every sign-in looks again once its token is saved and its session registered:
   * any change after that look finds both, and one before it is seen here. Then the token is
   * revoked, the request answered {@code unauthorized} and the connection closed, as they would
   * have been had it signed in a moment earlier.
   */
  private void undoSignIn(SessionState c, String id, String tokenHash, Optional<Account> now,
      String otherwise) {
    String why = now.isEmpty() || now.get().isDeleted() ? "account deleted"
        : !now.get().isActive() ? "account disabled" : otherwise;
    accounts.revokeToken(tokenHash);
    c.fail(id, new ChatException(ErrorCode.UNAUTHORIZED, "signed out while signing in: " + why));
    c.end(CloseCodes.POLICY_VIOLATION, why);
  }

  void logout(SessionState c, Request.Logout r) {
    String user = c.user();
    if (r.all()) {
      int revoked = accounts.revokeTokens(user, null);
      try (MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
        log.info("{} logged out everywhere ({} tokens)", user, revoked);
      }
      c.reply(r.id(), Result.EMPTY);
      router.closeUser(user, null, "logged out");
    } else {
      String tokenHash = c.tokenHash();
      accounts.revokeToken(tokenHash);
      c.reply(r.id(), Result.EMPTY);
      router.closeToken(tokenHash, "logged out");
    }
  }

  /**
   * Changes the password after checking the old one; every other token is revoked and its
   * connections closed, and this connection carries on under a new token.
   */
  void changePassword(SessionState c, Request.ChangePassword r) throws ChatException {
    String user = c.user();
    checkPassword(r.newPassword(), "new");
    takeAccountCheck(user);
    checks.submit(c, r.id(), false, () -> {
      requirePassword(user, r.oldPassword());
      if (accounts.status(user).orElse(null) == Account.Status.DISABLED) {
        // Disabled while this connection is still open (it closes within a second)
        throw new ChatException(ErrorCode.UNAUTHORIZED, "this account is disabled");
      }
      if (!accounts.setPasswordHash(user, hasher.hash(r.newPassword()))) {
        throw new ChatException(ErrorCode.UNAUTHORIZED, "this account no longer exists");
      }
      String oldToken = c.tokenHash();
      Result.Auth fresh = newToken(user);
      c.switchToken(Tokens.hash(fresh.token()));
      accounts.revokeTokens(user, Tokens.hash(fresh.token()));
      try (MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
        log.info("{} changed their password", user);
      }
      router.closeUser(user, c, "password changed");
      router.closeToken(oldToken, "password changed"); // a session not yet registered
      return fresh;
    }, outcome -> { });
  }

  /** Deletes the account after checking the password; see {@link AccountStore#deleteAccount}. */
  void deleteAccount(SessionState c, Request.DeleteAccount r) throws ChatException {
    String user = c.user();
    takeAccountCheck(user);
    checks.submit(c, r.id(), false, () -> {
      requirePassword(user, r.password());
      Optional<List<RoomExit>> exits = accounts.deleteAccount(user);
      if (exits.isEmpty()) {
        throw new ChatException(ErrorCode.UNAUTHORIZED, "this account no longer exists");
      }
      rooms.announceExits(user, exits.get());
      try (MDC.MDCCloseable u = MDC.putCloseable("user", user)) {
        log.info("{} deleted their account", user);
      }
      return Result.EMPTY;
    }, outcome -> { }, () -> router.closeUser(user, null, "account deleted"));
  }

  private void takeAccountCheck(String user) throws ChatException {
    ChatConfig.PasswordLimits p = config.passwordLimits();
    long waitMs = limits.tryTake("account-check", user, p.checksPerHour() / 3600.0,
        p.checkBurst());
    ChatException.refuseIfWaiting(waitMs,
        "too many password checks for this account; try again later");
  }

  /** Throws unauthorized unless {@code password} is the user's. Runs on the hashing pool. */
  private void requirePassword(String user, String password) throws ChatException {
    String stored = accounts.passwordHash(user).orElse(null);
    boolean matches = hasher.verify(password, stored != null ? stored : dummyHash());
    if (stored == null || !matches) {
      throw PasswordChecks.wrongPassword("wrong password");
    }
  }

  private Result.Auth issueToken(SessionState c, String user) {
    Result.Auth auth = newToken(user);
    c.authenticate(user, Tokens.hash(auth.token()));
    return auth;
  }

  private Result.Auth newToken(String user) {
    String token = Tokens.newToken();
    long expiresAt = clock.millis() + config.tokenTtl().toMillis();
    accounts.saveToken(new TokenRecord(Tokens.hash(token), user, expiresAt));
    return new Result.Auth(user, token, expiresAt);
  }

  private static void requireLoggedOut(SessionState c) throws ChatException {
    if (c.user() != null) {
      throw ChatException.badRequest("already logged in as " + c.user());
    }
  }

  private static void checkPassword(String password, String field) throws ChatException {
    int length = password.codePointCount(0, password.length());
    if (length < Names.MIN_PASSWORD_CHARS || length > Names.MAX_PASSWORD_CHARS) {
      throw ChatException.badRequest(field + ": " + Names.MIN_PASSWORD_CHARS + " to "
          + Names.MAX_PASSWORD_CHARS + " characters");
    }
  }
}
