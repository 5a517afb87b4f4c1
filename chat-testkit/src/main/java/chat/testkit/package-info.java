/**
 * The plumbing that private PostgreSQL and Redis servers share, whether a test starts them
 * (chat-store-jdbc's {@code PrivatePostgres}, chat-cluster-redis's {@code PrivateRedis}) or the
 * benchmark harness does (chat-bench's {@code BenchPostgres} and {@code BenchRedis}): a free
 * loopback port ({@link chat.testkit.FreePort}), a command run to its end within a timeout
 * ({@link chat.testkit.Commands}), {@code runuser} when the JVM runs as root
 * ({@link chat.testkit.WhenRoot}), finding binaries ({@link chat.testkit.Binaries},
 * {@link chat.testkit.PostgresBinaries}), a Redis liveness probe ({@link chat.testkit.RedisPing})
 * and deleting a server's folder ({@link chat.testkit.FileTrees}).
 *
 * <p>Everything here but {@link chat.testkit.Prerequisite} uses the JDK only, so the benchmark's
 * runnable jar can carry it without JUnit; {@code Prerequisite} (skip a test, or fail it when the
 * build says the binaries are required) is for tests only.
 */
package chat.testkit;
