package chat.server.log;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding of {@code --log-format json}: one JSON object per line on standard error
 * ({@link JsonLogger}), at the levels {@code simplelogger.properties} sets, so both formats log
 * the same events. slf4j-simple stays the binding of the default text format; this one is not
 * registered as a service, so SLF4J uses it only when {@link #selectIfAsked} names it before the
 * first logger is made.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  /** SLF4J's system property that names the provider to use instead of looking for one. */
  static final String PROVIDER_PROPERTY = "slf4j.provider";
  /** SLF4J's own messages: at WARN and above only (they are plain text). */
  static final String VERBOSITY_PROPERTY = "slf4j.internal.verbosity";

  private ILoggerFactory loggers;
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  /**
   * Makes SLF4J log JSON lines if {@code --log-format json} (or {@code --log-format=json}) is
   * among {@code args} or, without the flag, {@code CHAT_LOG_FORMAT} is {@code json}. Any other
   * value leaves the text format, and the option's own check reports it. Must run before the
   * first {@code LoggerFactory.getLogger}.
   */
  public static void selectIfAsked(String[] args, Map<String, String> env) {
    String format = env.get("CHAT_LOG_FORMAT");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        format = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        format = args[i].substring("--log-format=".length());
      }
    }
    if ("json".equals(format)) {
      System.setProperty(PROVIDER_PROPERTY, JsonLogProvider.class.getName());
      // SLF4J would say, in a line of its own text, that it loads the provider named here.
      if (System.getProperty(VERBOSITY_PROPERTY) == null) {
        System.setProperty(VERBOSITY_PROPERTY, "WARN");
      }
    }
  }

  @Override
  public void initialize() {
    markers = new BasicMarkerFactory();
    mdc = new BasicMDCAdapter();
    LogLevels levels = LogLevels.load(JsonLogProvider.class.getClassLoader());
    JsonLines out = new JsonLines(System.err);
    Map<String, JsonLogger> made = new ConcurrentHashMap<>();
    loggers = name -> made.computeIfAbsent(name,
        n -> new JsonLogger(n, levels.of(n), out, mdc));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
