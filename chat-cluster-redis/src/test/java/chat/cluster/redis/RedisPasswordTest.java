package chat.cluster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that asks for a password ({@code requirepass}, as ElastiCache's AUTH token does): a
 * client given it, as an argument or in the URL, works; one without it or with a wrong one
 * fails at start and says why, and its password never shows in what it logs.
 */
class RedisPasswordTest {
  private static final String PASSWORD = "s3cretToken0fTheStack";
  @RegisterExtension static final PrivateRedis server = new PrivateRedis(PASSWORD);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static void exchangesAMessage(Redis redis) throws Exception {
    RecordingListener a = new RecordingListener();
    RecordingListener b = new RecordingListener();
    RedisNodeBus busA = new RedisNodeBus(redis, "test:password");
    RedisNodeBus busB = new RedisNodeBus(redis, "test:password");
    busA.start(a);
    busB.start(b);
    try {
      busA.publish("hello");
      assertEquals("msg:hello", a.next(WAIT));
      assertEquals("msg:hello", b.next(WAIT));
    } finally {
      busA.stop();
      busB.stop();
    }
  }

  @Test
  void theRightPasswordAsAnArgumentOrInTheUrlSignsIn() throws Exception {
    try (Redis redis = Redis.create(server.url(), PASSWORD, Redis.DEFAULT_COMMAND_TIMEOUT)) {
      exchangesAMessage(redis);
      assertFalse(redis.toString().contains(PASSWORD), redis.toString());
    }
    String inUrl = "redis://:" + PASSWORD + "@127.0.0.1:" + server.port();
    try (Redis redis = Redis.create(inUrl)) {
      exchangesAMessage(redis);
      assertFalse(redis.toString().contains(PASSWORD), redis.toString());
    }
  }

  @Test
  void noPasswordOrAWrongOneFailsAtStartAndSaysWhy() {
    for (String password : new String[] {null, "not the token"}) {
      try (Redis redis = Redis.create(server.url(), password, Redis.DEFAULT_COMMAND_TIMEOUT)) {
        RedisNodeBus bus = new RedisNodeBus(redis, "test:password");
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> bus.start(new RecordingListener()));
        String why = String.valueOf(e.getMessage()) + " / " + e.getCause();
        assertTrue(why.contains("NOAUTH") || why.contains("WRONGPASS"), why);
        assertFalse(why.contains("not the token"), why);
      }
    }
  }
}
