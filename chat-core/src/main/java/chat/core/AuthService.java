package chat.core;

import chat.core.store.AccountStore;
import chat.core.store.TokenRecord;
import chat.protocol.ErrorCode;
import chat.protocol.Names;
import chat.protocol.Request;
import chat.protocol.Result;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration, login by password or token, and logout. Password hashing runs on the auth pool;
 * the connection holds later requests until it is done. Unknown users and wrong passwords get the
 * same answer after the same work, so a login does not reveal which names exist.
 */
@Singleton
final class AuthService {
  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  private static final String WRONG_CREDENTIALS = "wrong user name or password";

  private final AccountStore accounts;
  private final PasswordHasher hasher;
  private final ChatConfig config;
  private final Clock clock;
  private final CoreExecutors executors;
  private final ChatServiceImpl service;
  private volatile String dummyHash; // verified against when the user does not exist

  @Inject
  AuthService(AccountStore accounts, PasswordHasher hasher, ChatConfig config, Clock clock,
      CoreExecutors executors, ChatServiceImpl service) {
    this.accounts = accounts;
    this.hasher = hasher;
    this.config = config;
    this.clock = clock;
    this.executors = executors;
    this.service = service;
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

  void register(ConnectionImpl c, Request.Register r) throws ChatException {
    requireLoggedOut(c);
    String user = Names.foldUser(r.user());
    if (!Names.isValidUser(user)) {
      throw ChatException.badRequest(
          "user: 3 to 32 of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
    }
    checkPassword(r.password());
    if (accounts.userExists(user)) {
      throw new ChatException(ErrorCode.CONFLICT, "user " + user + " already exists");
    }
    runAsync(c, r.id(), () -> {
      String hash = hasher.hash(r.password());
      if (!accounts.createUser(user, hash, clock.millis())) {
        throw new ChatException(ErrorCode.CONFLICT, "user " + user + " already exists");
      }
      log.info("registered user {}", user);
      return issueToken(c, user);
    });
  }

  void login(ConnectionImpl c, Request.Login r) throws ChatException {
    requireLoggedOut(c);
    String user = Names.foldUser(r.user());
    runAsync(c, r.id(), () -> {
      Optional<String> stored = Names.isValidUser(user) ? accounts.passwordHash(user)
          : Optional.empty();
      boolean matches = hasher.verify(r.password(), stored.orElseGet(this::dummyHash));
      if (stored.isEmpty() || !matches) {
        throw new ChatException(ErrorCode.UNAUTHORIZED, WRONG_CREDENTIALS);
      }
      return issueToken(c, user);
    });
  }

  void tokenLogin(ConnectionImpl c, Request.TokenLogin r) throws ChatException {
    requireLoggedOut(c);
    String tokenHash = Tokens.hash(r.token());
    Optional<TokenRecord> token = accounts.token(tokenHash);
    if (token.isEmpty() || token.get().expiresAt() <= clock.millis()) {
      throw new ChatException(ErrorCode.UNAUTHORIZED, "token expired or revoked");
    }
    if (!c.authenticate(token.get().user(), tokenHash)) {
      return;
    }
    c.reply(r.id(), new Result.Auth(token.get().user(), r.token(), token.get().expiresAt()));
  }

  void logout(ConnectionImpl c, String id) {
    String tokenHash = c.tokenHash();
    accounts.revokeToken(tokenHash);
    c.reply(id, Result.EMPTY);
    service.closeToken(tokenHash);
  }

  private Result.Auth issueToken(ConnectionImpl c, String user) {
    String token = Tokens.newToken();
    long expiresAt = clock.millis() + config.tokenTtl().toMillis();
    String tokenHash = Tokens.hash(token);
    accounts.saveToken(new TokenRecord(tokenHash, user, expiresAt));
    c.authenticate(user, tokenHash);
    return new Result.Auth(user, token, expiresAt);
  }

  private static void requireLoggedOut(ConnectionImpl c) throws ChatException {
    if (c.user() != null) {
      throw ChatException.badRequest("already logged in as " + c.user());
    }
  }

  private static void checkPassword(String password) throws ChatException {
    int length = password.codePointCount(0, password.length());
    if (length < Names.MIN_PASSWORD_CHARS || length > Names.MAX_PASSWORD_CHARS) {
      throw ChatException.badRequest("password: " + Names.MIN_PASSWORD_CHARS + " to "
          + Names.MAX_PASSWORD_CHARS + " characters");
    }
  }

  private interface AuthWork {
    Result.Auth run() throws ChatException;
  }

  /** Runs slow auth work on the auth pool; the connection queues later requests meanwhile. */
  private void runAsync(ConnectionImpl c, String id, AuthWork work) throws ChatException {
    c.beginAsync();
    try {
      executors.auth().execute(() -> {
        try {
          c.reply(id, work.run());
        } catch (ChatException e) {
          c.fail(id, e);
        } catch (RuntimeException e) {
          log.error("login failed on {}", c, e);
          c.fail(id, new ChatException(ErrorCode.INTERNAL, "server fault"));
        } finally {
          c.endAsync();
        }
      });
    } catch (RejectedExecutionException e) {
      c.endAsync();
      throw new ChatException(ErrorCode.RATE_LIMITED, "server busy, try again", 1_000L);
    }
  }
}
