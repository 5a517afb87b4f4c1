package chat.core;

import static java.util.Objects.requireNonNull;

import chat.protocol.Limits;
import java.time.Duration;

/**
 * Every tunable of the chat core in one place. The {@link #limits()} are advertised to clients
 * in the {@code hello} frame; the rest are server-side policy.
 *
 * @param limits the limits advertised in {@code hello}
 * @param serverName {@code name/version} reported in {@code hello}
 * @param tokenTtl how long a login token stays valid
 * @param passwordIterations PBKDF2 iterations for new password hashes (verification always uses
 *     the cost stored with the hash)
 * @param requestsPerSecond sustained frames per second a connection may send before it is closed
 *     as a flood (all request types and invalid frames count)
 * @param requestBurst token bucket size for {@link #requestsPerSecond}
 * @param maxTopicChars longest room topic
 * @param maxPendingRequests requests a connection may queue while its login is being checked
 * @param safety the limits that keep one user or address from locking others out
 * @param userLimits what one user, over all its connections, may make the server do for others
 * @param files the limits on uploads (the largest file is {@link Limits#maxUploadBytes()})
 * @param passwordLimits how often one account's password may be checked
 */
public record ChatConfig(
    Limits limits,
    String serverName,
    Duration tokenTtl,
    int passwordIterations,
    int requestsPerSecond,
    int requestBurst,
    int maxTopicChars,
    int maxPendingRequests,
    Safety safety,
    Files files,
    UserLimits userLimits,
    PasswordLimits passwordLimits) {

  public static final String DEFAULT_SERVER_NAME = "chat/0.1.0";

  public ChatConfig {
    requireNonNull(limits, "limits is null");
    requireNonNull(serverName, "serverName is null");
    requireNonNull(tokenTtl, "tokenTtl is null");
    if (tokenTtl.isNegative() || tokenTtl.isZero()) {
      throw new IllegalArgumentException("tokenTtl must be positive");
    }
    if (passwordIterations < 1_000) {
      throw new IllegalArgumentException("passwordIterations must be at least 1000");
    }
    if (requestsPerSecond <= 0 || requestBurst <= 0 || maxTopicChars <= 0
        || maxPendingRequests <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    requireNonNull(safety, "safety is null");
    requireNonNull(files, "files is null");
    requireNonNull(userLimits, "userLimits is null");
    requireNonNull(passwordLimits, "passwordLimits is null");
  }

  /**
   * Budgets of one user over all its connections (one connection alone is bounded by {@link
   * #requestsPerSecond}), for what costs the server far more than the request that asks for it:
   * events that go to every member of a room, and requests that read much; and of one room, for
   * its members' read events together. Each is a token bucket of this node's.
   *
   * @param readEventsPerSecond sustained {@code read} events per user per second; beyond it the
   *     marker still moves at once and its event waits, carrying the highest seq reached
   * @param readEventBurst {@code read} events of one user sent at once
   * @param presenceChangesPerMinute sustained {@code presence} changes per user per minute;
   *     beyond it a change waits and the user's state as it then is is announced
   * @param presenceChangeBurst {@code presence} changes of one user announced at once
   * @param joinsPerMinute sustained joins and leaves that change a user's rooms, per minute
   *     (each is an event to the room's members); beyond it they are refused
   * @param joinBurst such joins and leaves one user may make at once
   * @param requestsPerSecond sustained requests per user per second of the kinds with no per-user
   *     limit of their own (history, conversations, read, members, rooms, joins, ...); beyond it
   *     they are refused
   * @param requestBurst such requests one user may make at once
   * @param roomReadDeliveriesPerSecond deliveries of {@code read} events per room per second, all
   *     its members' together, an event costing as many as the sessions it is written to (in a
   *     cluster: as the room has members); a burst of two seconds' worth; beyond it the events
   *     wait, each carrying its reader's highest seq
   * @param moderationPerMinute sustained changes a user makes to rooms as their owner or a
   *     moderator (invite, kick, ban, unban, role, topic), per minute: each is an event to every
   *     member, and anyone may create a room and invite others into it; beyond it they are
   *     refused
   * @param moderationBurst such changes one user may make at once
   */
  public record UserLimits(
      int readEventsPerSecond,
      int readEventBurst,
      int presenceChangesPerMinute,
      int presenceChangeBurst,
      int joinsPerMinute,
      int joinBurst,
      int requestsPerSecond,
      int requestBurst,
      int roomReadDeliveriesPerSecond,
      int moderationPerMinute,
      int moderationBurst) {

    public static final UserLimits DEFAULTS =
        new UserLimits(10, 30, 30, 20, 60, 100, 200, 1_000, 20_000, 600, 100);

    public UserLimits {
      if (readEventsPerSecond < 1 || readEventBurst < 1 || presenceChangesPerMinute < 1
          || presenceChangeBurst < 1 || joinsPerMinute < 1 || joinBurst < 1
          || requestsPerSecond < 1 || requestBurst < 1 || roomReadDeliveriesPerSecond < 1
          || moderationPerMinute < 1 || moderationBurst < 1) {
        throw new IllegalArgumentException("user limits must be positive");
      }
    }

    /** These limits with {@code read} events at {@code perSecond}, a burst of {@code burst}. */
    public UserLimits withReadEvents(int perSecond, int burst) {
      return new UserLimits(perSecond, burst, presenceChangesPerMinute, presenceChangeBurst,
          joinsPerMinute, joinBurst, requestsPerSecond, requestBurst, roomReadDeliveriesPerSecond,
          moderationPerMinute, moderationBurst);
    }

    /** These limits with presence changes at {@code perMinute}, a burst of {@code burst}. */
    public UserLimits withPresenceChanges(int perMinute, int burst) {
      return new UserLimits(readEventsPerSecond, readEventBurst, perMinute, burst,
          joinsPerMinute, joinBurst, requestsPerSecond, requestBurst, roomReadDeliveriesPerSecond,
          moderationPerMinute, moderationBurst);
    }

    /** These limits with joins and leaves at {@code perMinute}, a burst of {@code burst}. */
    public UserLimits withJoins(int perMinute, int burst) {
      return new UserLimits(readEventsPerSecond, readEventBurst, presenceChangesPerMinute,
          presenceChangeBurst, perMinute, burst, requestsPerSecond, requestBurst,
          roomReadDeliveriesPerSecond, moderationPerMinute, moderationBurst);
    }

    /** These limits with requests at {@code perSecond}, a burst of {@code burst}. */
    public UserLimits withRequests(int perSecond, int burst) {
      return new UserLimits(readEventsPerSecond, readEventBurst, presenceChangesPerMinute,
          presenceChangeBurst, joinsPerMinute, joinBurst, perSecond, burst,
          roomReadDeliveriesPerSecond, moderationPerMinute, moderationBurst);
    }

    /** These limits with a room's read deliveries at {@code perSecond}. */
    public UserLimits withRoomReadDeliveries(int perSecond) {
      return new UserLimits(readEventsPerSecond, readEventBurst, presenceChangesPerMinute,
          presenceChangeBurst, joinsPerMinute, joinBurst, requestsPerSecond, requestBurst,
          perSecond, moderationPerMinute, moderationBurst);
    }

    /** These limits with moderators' changes at {@code perMinute}, a burst of {@code burst}. */
    public UserLimits withModeration(int perMinute, int burst) {
      return new UserLimits(readEventsPerSecond, readEventBurst, presenceChangesPerMinute,
          presenceChangeBurst, joinsPerMinute, joinBurst, requestsPerSecond, requestBurst,
          roomReadDeliveriesPerSecond, perMinute, burst);
    }
  }

  /**
   * How often one account's password is checked when it is right (wrong ones are bounded by the
   * {@link Safety} failure limits). Each check is a slow hash on a small shared pool, so without
   * these one account's connections could keep it busy enough that every other sign-in is
   * refused as busy, and a stolen token could guess the password at the pool's pace.
   *
   * @param signInsPerMinute password sign-ins that succeed per account per minute, a burst of as
   *     many (a client that keeps its token signs in with that, which costs no hash)
   * @param checkBurst checks of a signed-in user's password ({@code password}, {@code
   *     delete_account}) one account may make at once, right or wrong
   * @param checksPerHour such checks per account per hour after the burst
   */
  public record PasswordLimits(int signInsPerMinute, int checkBurst, int checksPerHour) {
    public static final PasswordLimits DEFAULTS = new PasswordLimits(30, 5, 10);

    public PasswordLimits {
      if (signInsPerMinute < 1 || checkBurst < 1 || checksPerHour < 1) {
        throw new IllegalArgumentException("password limits must be positive");
      }
    }
  }

  /**
   * Limits on uploads (PROTOCOL.md "Files and images"), so that nobody can fill the disk or hold
   * the HTTP threads.
   *
   * @param maxUploadsPerUser uploads one user may have in progress at once
   * @param maxUploads uploads in progress at once, all users together
   * @param uploadsPerMinute sustained uploads per user per minute
   * @param uploadBurst uploads one user may start at once
   * @param maxPendingPerUser files one user may have uploaded and not yet sent
   * @param pendingTtl how long an uploaded file that was never sent is kept
   * @param uploadTimeout how long one upload may take from its first byte to its last
   * @param maxBytesPerUser bytes of files one user may have stored, pending and sent together
   * @param minFreeDiskBytes bytes the disk holding the files must keep free: uploads that would
   *     take it below are refused, so that the message store, on the same disk, can still write
   */
  public record Files(
      int maxUploadsPerUser,
      int maxUploads,
      int uploadsPerMinute,
      int uploadBurst,
      int maxPendingPerUser,
      Duration pendingTtl,
      Duration uploadTimeout,
      long maxBytesPerUser,
      long minFreeDiskBytes) {

    public static final Files DEFAULTS = new Files(4, 32, 30, 10, 20, Duration.ofHours(24),
        Duration.ofMinutes(10), 1L << 30, 512L << 20);

    public Files {
      requireNonNull(pendingTtl, "pendingTtl is null");
      requireNonNull(uploadTimeout, "uploadTimeout is null");
      if (maxUploadsPerUser < 1 || maxUploads < 1 || uploadsPerMinute < 1 || uploadBurst < 1
          || maxPendingPerUser < 1 || pendingTtl.isNegative() || pendingTtl.isZero()
          || uploadTimeout.isNegative() || uploadTimeout.isZero() || maxBytesPerUser < 1
          || minFreeDiskBytes < 0) {
        throw new IllegalArgumentException("file limits must be positive");
      }
    }
  }

  /**
   * Limits against abuse (PROTOCOL.md "Account", "Details of the additions"; issue 13).
   *
   * @param loginFailuresPerUser failed password logins for one name from one address within
   *     {@code loginWindow} before further attempts are refused
   * @param loginFailuresPerAddress failed password logins from one address within {@code
   *     loginWindow} before further attempts are refused
   * @param loginWindow how long a failed login counts
   * @param registrationsPerAddressPerHour accounts one address may register per hour
   * @param maxRoomsPerUser rooms one user may own
   * @param roomCreatesPerHour sustained room creations per user per hour
   * @param roomCreateBurst room creations one user may make at once
   * @param typingPerSecond sustained typing notices per user per second (more are refused)
   * @param typingBurst typing notices a user may send at once
   * @param searchesPerMinute sustained searches per user per minute (more are refused)
   * @param searchBurst searches a user may run at once
   * @param maxMembershipsPerUser rooms one user may be a member of (owned ones included)
   */
  public record Safety(
      int loginFailuresPerUser,
      int loginFailuresPerAddress,
      Duration loginWindow,
      int registrationsPerAddressPerHour,
      int maxRoomsPerUser,
      int roomCreatesPerHour,
      int roomCreateBurst,
      int typingPerSecond,
      int typingBurst,
      int searchesPerMinute,
      int searchBurst,
      int maxMembershipsPerUser) {

    public static final Safety DEFAULTS =
        new Safety(5, 20, Duration.ofMinutes(15), 20, 100, 60, 10, 3, 10, 60, 10, 1_000);

    public Safety {
      requireNonNull(loginWindow, "loginWindow is null");
      if (loginFailuresPerUser < 1 || loginFailuresPerAddress < 1 || loginWindow.isNegative()
          || loginWindow.isZero() || registrationsPerAddressPerHour < 1 || maxRoomsPerUser < 1
          || roomCreatesPerHour < 1 || roomCreateBurst < 1 || typingPerSecond < 1
          || typingBurst < 1 || searchesPerMinute < 1 || searchBurst < 1
          || maxMembershipsPerUser < 1) {
        throw new IllegalArgumentException("safety limits must be positive");
      }
    }
  }

  public static ChatConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxFrameBytes = limits.maxFrameBytes();
    b.maxTextChars = limits.maxTextChars();
    b.historyMax = limits.historyMax();
    b.sendPerSecond = limits.sendPerSecond();
    b.sendBurst = limits.sendBurst();
    b.authTimeoutMs = limits.authTimeoutMs();
    b.serverName = serverName;
    b.tokenTtl = tokenTtl;
    b.passwordIterations = passwordIterations;
    b.requestsPerSecond = requestsPerSecond;
    b.requestBurst = requestBurst;
    b.maxTopicChars = maxTopicChars;
    b.maxPendingRequests = maxPendingRequests;
    b.safety = safety;
    b.maxUploadBytes = limits.maxUploadBytes();
    b.files = files;
    b.userLimits = userLimits;
    b.passwordLimits = passwordLimits;
    return b;
  }

  /** Builds a {@link ChatConfig}; every value starts at the documented default. */
  public static final class Builder {
    private int maxFrameBytes = Limits.DEFAULTS.maxFrameBytes();
    private int maxTextChars = Limits.DEFAULTS.maxTextChars();
    private int historyMax = Limits.DEFAULTS.historyMax();
    private int sendPerSecond = Limits.DEFAULTS.sendPerSecond();
    private int sendBurst = Limits.DEFAULTS.sendBurst();
    private long authTimeoutMs = Limits.DEFAULTS.authTimeoutMs();
    private String serverName = DEFAULT_SERVER_NAME;
    private Duration tokenTtl = Duration.ofDays(30);
    private int passwordIterations = 600_000;
    private int requestsPerSecond = 50;
    private int requestBurst = 100;
    private int maxTopicChars = 256;
    private int maxPendingRequests = 32;
    private Safety safety = Safety.DEFAULTS;
    private long maxUploadBytes = Limits.DEFAULTS.maxUploadBytes();
    private Files files = Files.DEFAULTS;
    private UserLimits userLimits = UserLimits.DEFAULTS;
    private PasswordLimits passwordLimits = PasswordLimits.DEFAULTS;

    private Builder() {}

    public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
    public Builder maxTextChars(int v) { maxTextChars = v; return this; }
    public Builder historyMax(int v) { historyMax = v; return this; }
    public Builder sendPerSecond(int v) { sendPerSecond = v; return this; }
    public Builder sendBurst(int v) { sendBurst = v; return this; }
    public Builder authTimeoutMs(long v) { authTimeoutMs = v; return this; }
    public Builder serverName(String v) { serverName = v; return this; }
    public Builder tokenTtl(Duration v) { tokenTtl = v; return this; }
    public Builder passwordIterations(int v) { passwordIterations = v; return this; }
    public Builder requestsPerSecond(int v) { requestsPerSecond = v; return this; }
    public Builder requestBurst(int v) { requestBurst = v; return this; }
    public Builder maxTopicChars(int v) { maxTopicChars = v; return this; }
    public Builder maxPendingRequests(int v) { maxPendingRequests = v; return this; }
    public Builder safety(Safety v) { safety = v; return this; }
    public Builder maxUploadBytes(long v) { maxUploadBytes = v; return this; }
    public Builder files(Files v) { files = v; return this; }
    public Builder userLimits(UserLimits v) { userLimits = v; return this; }
    public Builder passwordLimits(PasswordLimits v) { passwordLimits = v; return this; }

    public ChatConfig build() {
      Limits limits = new Limits(maxFrameBytes, maxTextChars, historyMax, sendPerSecond,
          sendBurst, authTimeoutMs, requestsPerSecond, requestBurst, maxUploadBytes);
      return new ChatConfig(limits, serverName, tokenTtl, passwordIterations, requestsPerSecond,
          requestBurst, maxTopicChars, maxPendingRequests, safety, files, userLimits,
          passwordLimits);
    }
  }
}
