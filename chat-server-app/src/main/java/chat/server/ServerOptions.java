package chat.server;

import chat.core.ChatConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The server's settings: each a {@code --flag value} (or {@code --flag=value}) on the command line
 * or a {@code CHAT_FLAG} environment variable; the flag wins. Every value is checked here, so a
 * bad one stops the server before it binds anything.
 */
final class ServerOptions {

  /** One setting: its flag (without dashes), default (null: none) and help text. */
  record Option(String name, String defaultValue, String help) {
    String env() {
      return "CHAT_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  static final List<Option> OPTIONS = List.of(
      new Option("host", "0.0.0.0", "address to bind the HTTP and WebSocket ports to"),
      new Option("http-port", "8080", "HTTP port: web client, config.json, /healthz, /readyz, "
          + "/metrics (0: any free)"),
      new Option("port", "8081", "WebSocket port, path /ws (0: any free)"),
      new Option("data-dir", "./data", "folder of the SQLite database (created if missing)"),
      new Option("store", "sqlite", "message store: sqlite (durable, one file), postgres "
          + "(see --postgres-url; several servers may share one database) or memory"),
      new Option("postgres-url", null, "with --store postgres: the database, as "
          + "jdbc:postgresql://HOST:PORT/DB?user=USER (tables are created or migrated at "
          + "start)"),
      new Option("postgres-password", null, "with --store postgres: the database user's "
          + "password (never logged; prefer the environment variable to the command line, "
          + "which other users of the machine can read)"),
      new Option("postgres-pool-size", "8", "with --store postgres: database connections "
          + "to keep open"),
      new Option("redis-url", null, "with --store postgres: join the other server nodes on "
          + "this PostgreSQL database through Redis (redis://HOST:PORT, or rediss:// for TLS); "
          + "see docs/scale-out.md"),
      new Option("redis-password", null, "with --redis-url: the password Redis asks for "
          + "(requirepass; ElastiCache's AUTH token); never logged, prefer the environment "
          + "variable to the command line"),
      new Option("node-id", null, "with --redis-url: this node's name among the others "
          + "(letters, digits, '.', '_', '-'; default: host name and process id)"),
      new Option("allowed-origins", null, "comma-separated browser origins allowed to connect, "
          + "exactly scheme://host[:port]; default: the server's own web client "
          + "(http://localhost:<http-port>, http://127.0.0.1:<http-port>, and the --host)"),
      new Option("public-ws-url", null, "WebSocket URL the web client is told to use in "
          + "config.json (e.g. wss://chat.example.org/ws behind a proxy); default: derived "
          + "from the page's host and --port"),
      new Option("web-dir", null, "serve the web client from this folder instead of the copy "
          + "inside the jar (for development)"),
      new Option("tls-keystore", null, "PKCS12 or JKS keystore: serve wss:// instead of ws://"),
      new Option("tls-keystore-password", "", "password of --tls-keystore"),
      new Option("ping-interval-seconds", "30", "WebSocket ping interval; no pong for 1.5x "
          + "this closes the connection"),
      new Option("max-outbound-bytes", "4194304", "unsent bytes a connection may have queued "
          + "before it is closed as a slow consumer"),
      new Option("io-threads", "1", "WebSocket I/O threads (event loops); sockets are shared "
          + "out among them as they connect"),
      new Option("max-connections", "50000", "WebSocket sockets open at once, handshaking ones "
          + "included; more are closed as soon as they are accepted"),
      new Option("max-connections-per-ip", "1000", "WebSocket sockets open at once from one "
          + "remote address; more are closed as soon as they are accepted"),
      new Option("max-http-connections", "10000", "HTTP sockets open at once; at the cap the "
          + "HTTP port stops accepting until some close"),
      new Option("max-http-connections-per-ip", "256", "HTTP sockets open at once from one "
          + "remote address (a trusted proxy's count only toward the total); more are closed as "
          + "soon as they open"),
      new Option("trusted-proxies", "", "comma-separated addresses or CIDR ranges of proxies "
          + "(e.g. the local nginx: 127.0.0.1,::1) whose X-Forwarded-For names the client for "
          + "per-address limits; their own sockets count only toward --max-connections"),
      new Option("metrics-allow", "", "comma-separated addresses or CIDR ranges (e.g. a "
          + "Prometheus server: 10.0.5.7) that may read /metrics, besides loopback and "
          + "--trusted-proxies; others get 404"),
      new Option("login-failures-per-user", "5", "failed password logins for one name from one "
          + "address within --login-window-minutes before further attempts are refused"),
      new Option("login-failures-per-ip", "20", "failed password logins from one address within "
          + "--login-window-minutes before further attempts are refused"),
      new Option("login-window-minutes", "15", "how long a failed login counts"),
      new Option("registrations-per-ip-per-hour", "20", "accounts one address may register per "
          + "hour"),
      new Option("password-sign-ins-per-minute", "30", "password logins that succeed per "
          + "account per minute (a burst of as many); beyond: rate_limited (token logins are not "
          + "counted)"),
      new Option("password-checks-burst", "5", "checks of a signed-in account's password "
          + "(password change, account deletion), right or wrong, it may make at once"),
      new Option("password-checks-per-hour", "10", "such checks per account per hour after the "
          + "burst; beyond: rate_limited"),
      new Option("max-rooms-per-user", "100", "rooms one user may own"),
      new Option("max-memberships-per-user", "1000", "rooms one user may be a member of; a "
          + "join or an invite beyond it is refused (forbidden)"),
      new Option("room-creates-per-hour", "60", "sustained room creations per user per hour "
          + "(a burst of 10 at once)"),
      new Option("typing-per-second", "3", "typing notices per user per second (a burst of 10)"),
      new Option("searches-per-minute", "60", "searches per user per minute (a burst of 10)"),
      new Option("read-events-per-second", "10", "read receipts per user per second sent to "
          + "others (a burst of 30); beyond it the marker still moves and the receipt waits"),
      new Option("presence-changes-per-minute", "30", "online/offline changes per user per minute "
          + "announced to others (a burst of 20); beyond it the state is announced when a change "
          + "is due"),
      new Option("room-read-deliveries-per-second", "20000", "read receipts delivered per room "
          + "per second, all members' together, a receipt costing as many as the sessions it is "
          + "written to (in a cluster: the room's members), a burst of two seconds' worth; beyond "
          + "it receipts wait, carrying the latest seq"),
      new Option("joins-per-minute", "60", "joins and leaves that change a user's rooms, per "
          + "user per minute (a burst of 100); beyond it rate_limited"),
      new Option("moderation-actions-per-minute", "600", "invites, kicks, bans, unbans, role "
          + "and topic changes one user may make per minute as a room's owner or moderator (a "
          + "burst of 100); beyond it rate_limited"),
      new Option("user-requests-per-second", "200", "requests per user per second over all its "
          + "connections (a burst of 1000), of the kinds with no limit of their own: history, "
          + "conversations, read, members, rooms, joins, ...; beyond it rate_limited"),
      new Option("max-upload-bytes", "10485760", "largest file a user may upload (POST /files)"),
      new Option("max-uploads-per-user", "4", "uploads one user may have in progress at once"),
      new Option("max-uploads", "32", "uploads in progress at once, all users together"),
      new Option("max-uploads-per-ip", "8", "uploads in progress at once from one client "
          + "address (behind a trusted proxy, the client it names); more get 429"),
      new Option("uploads-per-minute", "30", "sustained uploads per user per minute (a burst "
          + "of 10)"),
      new Option("max-pending-files-per-user", "20", "files one user may have uploaded and not "
          + "yet sent"),
      new Option("pending-file-hours", "24", "hours an uploaded file that was never sent is "
          + "kept"),
      new Option("upload-timeout-seconds", "600", "time one upload may take from its first "
          + "byte to its last"),
      new Option("max-file-bytes-per-user", "1073741824", "bytes of files one user may have "
          + "stored, uploaded and sent together; beyond it uploads are refused (403)"),
      new Option("min-free-disk-bytes", "536870912", "bytes the disk holding uploaded files "
          + "must keep free; uploads that would take it below are refused (507)"),
      new Option("max-frame-bytes", "65536", "largest request frame, fragments counted together"),
      new Option("max-text-chars", "4000", "longest message text, in characters"),
      new Option("history-max", "200", "largest page a history request may ask for"),
      new Option("send-per-second", "10", "sustained sends per second per user"),
      new Option("send-burst", "30", "burst of sends per user (token bucket size)"),
      new Option("auth-timeout-ms", "10000", "time a new connection has to log in"),
      new Option("requests-per-second", "50", "frames per second per connection before it is "
          + "closed as a flood"),
      new Option("request-burst", "100", "burst of frames per connection"),
      new Option("token-ttl-days", "30", "days a login token stays valid"),
      new Option("password-iterations", "600000", "PBKDF2-HMAC-SHA256 iterations for new "
          + "password hashes (lower only for tests and benchmarks)"),
      new Option("log-format", "text", "text: readable lines; json: one JSON object per line "
          + "(time, level, logger, message, and connection and user fields where known), for "
          + "log shippers"),
      new Option("ports-file", null, "after start, write the bound ports as JSON to this file "
          + "(for supervisors and tests that use port 0)"));

  private final Map<String, String> values;

  private ServerOptions(Map<String, String> values) {
    this.values = values;
  }

  /** Whether the arguments ask for help instead of a server. */
  static boolean wantsHelp(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  static ServerOptions parse(String[] args, Map<String, String> env) throws OptionsException {
    Map<String, Option> byName = new LinkedHashMap<>();
    Map<String, String> values = new LinkedHashMap<>();
    for (Option o : OPTIONS) {
      byName.put(o.name(), o);
      String fromEnv = env.get(o.env());
      values.put(o.name(), fromEnv != null ? fromEnv : o.defaultValue());
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new OptionsException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!byName.containsKey(name)) {
        throw new OptionsException("unknown option --" + name);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new OptionsException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      values.put(name, value);
    }
    ServerOptions options = new ServerOptions(values);
    options.validate();
    return options;
  }

  private void validate() throws OptionsException {
    port("http-port");
    port("port");
    if (store().equals("postgres")) {
      postgresUrl();
    }
    postgresPoolSize();
    redisUrl();
    nodeId();
    chatConfig();
    pingIntervalSeconds();
    maxOutboundBytes();
    ioThreads();
    maxConnections();
    maxConnectionsPerIp();
    maxHttpConnections();
    maxHttpConnectionsPerIp();
    maxUploadsPerIp();
    allowedOrigins();
    trustedProxies();
    logFormat();
    metricsAccess();
  }

  /** text or json; {@link chat.server.log.JsonLogProvider#selectIfAsked} acts on it. */
  String logFormat() throws OptionsException {
    String format = values.get("log-format");
    if (!format.equals("text") && !format.equals("json")) {
      throw new OptionsException("--log-format must be text or json, not '" + format + "'");
    }
    return format;
  }

  /** The --trusted-proxies entries; checked by the transport's parser. */
  List<String> trustedProxies() throws OptionsException {
    List<String> list = commaList("trusted-proxies");
    try {
      chat.transport.ws.WsConfig.loopback().withTrustedProxies(list);
    } catch (IllegalArgumentException e) {
      throw new OptionsException("--trusted-proxies: " + e.getMessage());
    }
    return list;
  }

  /** Who may read /metrics: loopback, --trusted-proxies and --metrics-allow. */
  MetricsAccess metricsAccess() throws OptionsException {
    List<String> proxies = trustedProxies();
    try {
      return new MetricsAccess(proxies, commaList("metrics-allow"));
    } catch (IllegalArgumentException e) {
      throw new OptionsException("--metrics-allow: " + e.getMessage());
    }
  }

  private List<String> commaList(String name) {
    List<String> list = new ArrayList<>();
    for (String part : values.get(name).split(",")) {
      if (!part.isBlank()) {
        list.add(part.strip());
      }
    }
    return list;
  }

  String host() {
    return values.get("host");
  }

  int httpPort() throws OptionsException {
    return port("http-port");
  }

  int wsPort() throws OptionsException {
    return port("port");
  }

  Path dataDir() {
    return Path.of(values.get("data-dir"));
  }

  String store() throws OptionsException {
    String store = values.get("store");
    if (!store.equals("sqlite") && !store.equals("memory") && !store.equals("postgres")) {
      throw new OptionsException("--store must be sqlite, postgres or memory, not '" + store
          + "'");
    }
    return store;
  }

  /** The JDBC URL of --store postgres; checked only when that is the store. */
  String postgresUrl() throws OptionsException {
    String url = values.get("postgres-url");
    if (url == null || url.isBlank()) {
      throw new OptionsException("--store postgres needs --postgres-url "
          + "jdbc:postgresql://HOST:PORT/DB?user=USER");
    }
    if (!url.startsWith("jdbc:postgresql://")) {
      throw new OptionsException("--postgres-url must start with jdbc:postgresql://");
    }
    return url.strip();
  }

  /** The database password, or null for none. */
  String postgresPassword() {
    String password = values.get("postgres-password");
    return password == null || password.isEmpty() ? null : password;
  }

  /** The Redis of a cluster, or null for a server alone; only with --store postgres. */
  String redisUrl() throws OptionsException {
    String url = values.get("redis-url");
    if (url == null || url.isBlank()) {
      return null;
    }
    if (!store().equals("postgres")) {
      throw new OptionsException("--redis-url needs --store postgres: the nodes of a cluster "
          + "share one PostgreSQL database (--store " + store() + " is this process's alone)");
    }
    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new OptionsException("--redis-url must start with redis:// or rediss://");
    }
    return url.strip();
  }

  /** The password of --redis-url's Redis, or null for none (or the one in the URL). */
  String redisPassword() {
    String password = values.get("redis-password");
    return password == null || password.isEmpty() ? null : password;
  }

  /** This node's name in the cluster: --node-id, or host name and process id. */
  String nodeId() throws OptionsException {
    String id = values.get("node-id");
    if (id == null || id.isBlank()) {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "node";
      }
      return (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
    }
    if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new OptionsException("--node-id: 1 to 64 letters, digits, '.', '_' or '-'");
    }
    return id;
  }

  int postgresPoolSize() throws OptionsException {
    return (int) number("postgres-pool-size", 1, 1_000);
  }

  /** The explicit allow-list, or null for the default (the server's own web origins). */
  Set<String> allowedOrigins() throws OptionsException {
    String list = values.get("allowed-origins");
    if (list == null) {
      return null;
    }
    Set<String> origins = new LinkedHashSet<>();
    for (String part : list.split(",")) {
      String origin = part.strip();
      if (!origin.isEmpty()) {
        if (!origin.matches("(?i)https?://[^/?#@\\s]+")) {
          throw new OptionsException("--allowed-origins: '" + origin
              + "' is not an origin (scheme://host[:port], no path)");
        }
        origins.add(origin);
      }
    }
    return origins;
  }

  String publicWsUrl() {
    return values.get("public-ws-url");
  }

  Path webDir() {
    String dir = values.get("web-dir");
    return dir == null ? null : Path.of(dir);
  }

  Path tlsKeystore() {
    String path = values.get("tls-keystore");
    return path == null || path.isEmpty() ? null : Path.of(path);
  }

  String tlsKeystorePassword() {
    return values.get("tls-keystore-password");
  }

  Path portsFile() {
    String path = values.get("ports-file");
    return path == null ? null : Path.of(path);
  }

  int pingIntervalSeconds() throws OptionsException {
    return (int) number("ping-interval-seconds", 1, 3_600);
  }

  long maxOutboundBytes() throws OptionsException {
    return number("max-outbound-bytes", 1_024, 1L << 32);
  }

  int ioThreads() throws OptionsException {
    return (int) number("io-threads", 1, 64);
  }

  int maxConnections() throws OptionsException {
    return (int) number("max-connections", 1, 10_000_000);
  }

  int maxConnectionsPerIp() throws OptionsException {
    return (int) number("max-connections-per-ip", 1, 10_000_000);
  }

  int maxHttpConnections() throws OptionsException {
    return (int) number("max-http-connections", 1, 10_000_000);
  }

  int maxHttpConnectionsPerIp() throws OptionsException {
    return (int) number("max-http-connections-per-ip", 1, 10_000_000);
  }

  int maxUploadsPerIp() throws OptionsException {
    return (int) number("max-uploads-per-ip", 1, 1_000_000);
  }

  ChatConfig chatConfig() throws OptionsException {
    try {
      return ChatConfig.builder()
          .maxFrameBytes((int) number("max-frame-bytes", 256, 16 << 20))
          .maxTextChars((int) number("max-text-chars", 1, 1_000_000))
          .historyMax((int) number("history-max", 1, 10_000))
          .sendPerSecond((int) number("send-per-second", 1, 1_000_000))
          .sendBurst((int) number("send-burst", 1, 1_000_000))
          .authTimeoutMs(number("auth-timeout-ms", 100, 3_600_000))
          .requestsPerSecond((int) number("requests-per-second", 1, 1_000_000))
          .requestBurst((int) number("request-burst", 1, 1_000_000))
          .tokenTtl(Duration.ofDays(number("token-ttl-days", 1, 3_650)))
          .passwordIterations((int) number("password-iterations", 1_000, 10_000_000))
          .maxUploadBytes(number("max-upload-bytes", 1, 1L << 40))
          .files(new ChatConfig.Files(
              (int) number("max-uploads-per-user", 1, 10_000),
              (int) number("max-uploads", 1, 100_000),
              (int) number("uploads-per-minute", 1, 1_000_000),
              ChatConfig.Files.DEFAULTS.uploadBurst(),
              (int) number("max-pending-files-per-user", 1, 1_000_000),
              Duration.ofHours(number("pending-file-hours", 1, 8_760)),
              Duration.ofSeconds(number("upload-timeout-seconds", 1, 86_400)),
              number("max-file-bytes-per-user", 1, 1L << 50),
              number("min-free-disk-bytes", 0, 1L << 60)))
          .safety(new ChatConfig.Safety(
              (int) number("login-failures-per-user", 1, 1_000_000),
              (int) number("login-failures-per-ip", 1, 1_000_000),
              Duration.ofMinutes(number("login-window-minutes", 1, 10_080)),
              (int) number("registrations-per-ip-per-hour", 1, 1_000_000),
              (int) number("max-rooms-per-user", 1, 1_000_000),
              (int) number("room-creates-per-hour", 1, 1_000_000),
              ChatConfig.Safety.DEFAULTS.roomCreateBurst(),
              (int) number("typing-per-second", 1, 1_000),
              ChatConfig.Safety.DEFAULTS.typingBurst(),
              (int) number("searches-per-minute", 1, 1_000_000),
              ChatConfig.Safety.DEFAULTS.searchBurst(),
              (int) number("max-memberships-per-user", 1, 10_000_000)))
          .passwordLimits(new ChatConfig.PasswordLimits(
              (int) number("password-sign-ins-per-minute", 1, 1_000_000),
              (int) number("password-checks-burst", 1, 1_000_000),
              (int) number("password-checks-per-hour", 1, 1_000_000)))
          .userLimits(new ChatConfig.UserLimits(
              (int) number("read-events-per-second", 1, 1_000_000),
              ChatConfig.UserLimits.DEFAULTS.readEventBurst(),
              (int) number("presence-changes-per-minute", 1, 1_000_000),
              ChatConfig.UserLimits.DEFAULTS.presenceChangeBurst(),
              (int) number("joins-per-minute", 1, 1_000_000),
              ChatConfig.UserLimits.DEFAULTS.joinBurst(),
              (int) number("user-requests-per-second", 1, 1_000_000),
              ChatConfig.UserLimits.DEFAULTS.requestBurst(),
              (int) number("room-read-deliveries-per-second", 1, 100_000_000),
              (int) number("moderation-actions-per-minute", 1, 1_000_000),
              ChatConfig.UserLimits.DEFAULTS.moderationBurst()))
          .build();
    } catch (IllegalArgumentException e) {
      throw new OptionsException(e.getMessage());
    }
  }

  private int port(String name) throws OptionsException {
    return (int) number(name, 0, 65_535);
  }

  private long number(String name, long min, long max) throws OptionsException {
    String text = values.get(name);
    long value;
    try {
      value = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new OptionsException("--" + name + " must be a whole number, not '" + text + "'");
    }
    if (value < min || value > max) {
      throw new OptionsException("--" + name + " must be from " + min + " to " + max
          + ", not " + value);
    }
    return value;
  }

  /** The text of {@code --help}. */
  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("Usage: java -jar chat-server.jar [--option value]...\n\n")
        .append("Runs the chat server: the web client on http://HOST:HTTP-PORT/ and the ")
        .append("WebSocket protocol on ws://HOST:PORT/ws.\n")
        .append("Every option can also be set by an environment variable CHAT_<OPTION> ")
        .append("(e.g. CHAT_HTTP_PORT=8080); the command line wins.\n\nOptions:\n");
    List<String> lines = new ArrayList<>();
    for (Option o : OPTIONS) {
      lines.add("  --" + o.name() + (o.defaultValue() == null || o.defaultValue().isEmpty()
          ? "" : " (default " + o.defaultValue() + ")") + "  [" + o.env() + "]\n      "
          + o.help() + "\n");
    }
    lines.forEach(b::append);
    b.append("  --help\n      print this and exit\n\n")
        .append("Operator commands (list users and rooms, reset a password, disable, delete): ")
        .append("java -jar chat-server.jar admin --help\n\n")
        .append("Moving a store from SQLite to PostgreSQL: ")
        .append("java -jar chat-server.jar migrate --help\n\n")
        .append("Backing up a running SQLite store: ")
        .append("java -jar chat-server.jar backup --help\n\n")
        .append("Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT), 1 if the server ")
        .append("cannot start, 2 for a bad option.\n");
    return b.toString();
  }
}
