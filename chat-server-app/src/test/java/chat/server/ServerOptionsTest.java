package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

  private static ServerOptions parse(Map<String, String> env, String... args) throws Exception {
    return ServerOptions.parse(args, env);
  }

  @Test
  void defaultsMatchTheDesign() throws Exception {
    ServerOptions o = parse(Map.of());

    assertEquals(8080, o.httpPort());
    assertEquals(8081, o.wsPort());
    assertEquals(Path.of("./data"), o.dataDir());
    assertEquals("sqlite", o.store());
    assertNull(o.allowedOrigins());
    assertEquals(10, o.chatConfig().limits().sendPerSecond());
    assertEquals(600_000, o.chatConfig().passwordIterations());
    assertEquals(1, o.ioThreads());
    assertEquals(3, parse(Map.of(), "--io-threads", "3").ioThreads());
  }

  @Test
  void environmentSetsOptionsAndFlagsWin() throws Exception {
    Map<String, String> env = Map.of("CHAT_PORT", "9001", "CHAT_SEND_BURST", "5",
        "CHAT_STORE", "memory");

    ServerOptions o = parse(env, "--port", "9002", "--history-max=50");

    assertEquals(9002, o.wsPort(), "flag wins over CHAT_PORT");
    assertEquals(5, o.chatConfig().limits().sendBurst(), "from CHAT_SEND_BURST");
    assertEquals(50, o.chatConfig().limits().historyMax(), "--name=value form");
    assertEquals("memory", o.store());
  }

  @Test
  void badOptionsAreRejectedWithAPreciseMessage() {
    assertMessage("unknown option --prot", "--prot", "1");
    assertMessage("--port needs a value", "--port");
    assertMessage("--port must be a whole number, not 'abc'", "--port", "abc");
    assertMessage("--port must be from 0 to 65535, not 70000", "--port", "70000");
    assertMessage("--send-per-second must be from 1", "--send-per-second", "0");
    assertMessage("--store must be sqlite, postgres or memory", "--store", "mongo");
    assertMessage("--store postgres needs --postgres-url", "--store", "postgres");
    assertMessage("--postgres-url must start with jdbc:postgresql://", "--store", "postgres",
        "--postgres-url", "postgres://db/chat");
    assertMessage("--postgres-pool-size must be from 1", "--postgres-pool-size", "0");
    assertMessage("--io-threads must be from 1", "--io-threads", "0");
    assertMessage("--redis-url needs --store postgres", "--redis-url", "redis://r:6379");
    assertMessage("--redis-url needs --store postgres", "--store", "memory", "--redis-url",
        "redis://r:6379");
    assertMessage("--redis-url must start with redis://", "--store", "postgres",
        "--postgres-url", "jdbc:postgresql://db/chat", "--redis-url", "http://r:6379");
    assertMessage("--node-id: 1 to 64 letters", "--node-id", "a b");
    assertMessage("unexpected argument 'serve'", "serve");
    assertMessage("is not an origin", "--allowed-origins", "https://ok.example,https://x.example/path");
  }

  private static void assertMessage(String expected, String... args) {
    OptionsException e = assertThrows(OptionsException.class, () -> parse(Map.of(), args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void postgresTakesItsUrlAndPasswordFromFlagsOrEnvironment() throws Exception {
    ServerOptions o = parse(Map.of("CHAT_POSTGRES_PASSWORD", "s3cret"), "--store", "postgres",
        "--postgres-url", "jdbc:postgresql://db:5432/chat?user=chat", "--postgres-pool-size", "4");

    assertEquals("postgres", o.store());
    assertEquals("jdbc:postgresql://db:5432/chat?user=chat", o.postgresUrl());
    assertEquals("s3cret", o.postgresPassword());
    assertEquals(4, o.postgresPoolSize());
    assertNull(parse(Map.of()).postgresPassword());
    assertEquals(8, parse(Map.of()).postgresPoolSize());
  }

  @Test
  void aClusterNodeTakesRedisAndItsNameFromFlagsOrEnvironment() throws Exception {
    ServerOptions o = parse(Map.of("CHAT_REDIS_URL", "rediss://cache:6380",
        "CHAT_REDIS_PASSWORD", "t0ken"), "--store",
        "postgres", "--postgres-url", "jdbc:postgresql://db/chat", "--node-id", "web-1");
    assertEquals("rediss://cache:6380", o.redisUrl());
    assertEquals("t0ken", o.redisPassword());
    assertNull(parse(Map.of()).redisPassword());
    assertEquals("web-1", o.nodeId());
    assertNull(parse(Map.of()).redisUrl());
    String byDefault = parse(Map.of()).nodeId();
    assertTrue(byDefault.endsWith("-" + ProcessHandle.current().pid()), byDefault);
  }

  @Test
  void safetyLimitsAndTrustedProxies() throws Exception {
    ServerOptions o = parse(Map.of("CHAT_TRUSTED_PROXIES", "127.0.0.1, ::1,10.0.0.0/8"),
        "--login-failures-per-user", "3", "--login-failures-per-ip", "9",
        "--login-window-minutes", "5", "--registrations-per-ip-per-hour", "2",
        "--max-rooms-per-user", "7", "--room-creates-per-hour", "30", "--typing-per-second", "2",
        "--searches-per-minute", "12", "--read-events-per-second", "4",
        "--presence-changes-per-minute", "20", "--joins-per-minute", "9",
        "--user-requests-per-second", "70", "--room-read-deliveries-per-second", "5000",
        "--moderation-actions-per-minute", "30", "--max-memberships-per-user", "50",
        "--password-sign-ins-per-minute", "100", "--password-checks-burst", "8",
        "--password-checks-per-hour", "40");

    assertEquals(java.util.List.of("127.0.0.1", "::1", "10.0.0.0/8"), o.trustedProxies());
    chat.core.ChatConfig.Safety s = o.chatConfig().safety();
    assertEquals(new chat.core.ChatConfig.Safety(3, 9, java.time.Duration.ofMinutes(5), 2, 7, 30,
        chat.core.ChatConfig.Safety.DEFAULTS.roomCreateBurst(), 2,
        chat.core.ChatConfig.Safety.DEFAULTS.typingBurst(), 12,
        chat.core.ChatConfig.Safety.DEFAULTS.searchBurst(), 50), s);
    chat.core.ChatConfig.UserLimits u = chat.core.ChatConfig.UserLimits.DEFAULTS;
    assertEquals(new chat.core.ChatConfig.UserLimits(4, u.readEventBurst(), 20,
        u.presenceChangeBurst(), 9, u.joinBurst(), 70, u.requestBurst(), 5_000, 30,
        u.moderationBurst()),
        o.chatConfig().userLimits());
    assertEquals(new chat.core.ChatConfig.PasswordLimits(100, 8, 40),
        o.chatConfig().passwordLimits());
    assertEquals(chat.core.ChatConfig.PasswordLimits.DEFAULTS,
        parse(Map.of()).chatConfig().passwordLimits());
    assertEquals(chat.core.ChatConfig.Safety.DEFAULTS, parse(Map.of()).chatConfig().safety());
    assertEquals(u, parse(Map.of()).chatConfig().userLimits());
    assertEquals(java.util.List.of(), parse(Map.of()).trustedProxies());
    assertMessage("--trusted-proxies: 'nginx.local' is not an IP address",
        "--trusted-proxies", "nginx.local");
    assertMessage("--login-failures-per-user must be from 1", "--login-failures-per-user", "0");
  }

  @Test
  void allowedOriginsAreAnExactCommaList() throws Exception {
    ServerOptions o = parse(Map.of(), "--allowed-origins",
        "https://chat.example.org, http://localhost:8080");

    assertEquals(Set.of("https://chat.example.org", "http://localhost:8080"), o.allowedOrigins());
  }

  @Test
  void defaultOriginsAreTheServersOwnWebClient() {
    assertEquals(Set.of("http://localhost:8080", "http://127.0.0.1:8080"),
        ChatServer.defaultOrigins("0.0.0.0", 8080, false));
    assertEquals(Set.of("https://localhost:443", "https://127.0.0.1:443",
        "https://chat.example.org:443"), ChatServer.defaultOrigins("chat.example.org", 443, true));
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    String help = ServerOptions.help();
    for (ServerOptions.Option option : ServerOptions.OPTIONS) {
      assertTrue(help.contains("--" + option.name()), option.name());
      assertTrue(help.contains(option.env()), option.env());
    }
  }

  @Test
  void configurationDocDescribesEveryOption() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    for (ServerOptions.Option option : ServerOptions.OPTIONS) {
      assertTrue(doc.contains("--" + option.name()), "docs/configuration.md lacks --" + option.name());
      assertTrue(doc.contains(option.env()), "docs/configuration.md lacks " + option.env());
    }
  }
}
