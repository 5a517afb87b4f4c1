package chat.server.log;

import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NormalizedParameters;
import org.slf4j.spi.LoggingEventAware;
import org.slf4j.spi.MDCAdapter;

/**
 * One logger of {@link JsonLogProvider}: formats the message as SLF4J does and hands it to
 * {@link JsonLines} with the event's key-value pairs (the fluent API's {@code addKeyValue}, used
 * for connection and user fields) and the MDC.
 */
final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
  private static final long serialVersionUID = 1L;

  private final int level;
  private final transient JsonLines out;
  private final transient MDCAdapter mdc;

  JsonLogger(String name, int level, JsonLines out, MDCAdapter mdc) {
    this.name = name;
    this.level = level;
    this.out = out;
    this.mdc = mdc;
  }

  private boolean enabled(Level l) {
    return l.toInt() >= level;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled(Level.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled(Level.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled(Level.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled(Level.ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level l, Marker marker, String pattern,
      Object[] arguments, Throwable throwable) {
    write(l, pattern, arguments, throwable, List.of());
  }

  /** The fluent API's way in, the only one that carries key-value pairs. */
  @Override
  public void log(LoggingEvent event) {
    if (!enabled(event.getLevel())) {
      return;
    }
    NormalizedParameters p = NormalizedParameters.normalize(event);
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    write(event.getLevel(), p.getMessage(), p.getArguments(), p.getThrowable(),
        pairs == null ? List.of() : pairs);
  }

  private void write(Level l, String pattern, Object[] arguments, Throwable throwable,
      List<KeyValuePair> pairs) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    out.write(l, name, message, pairs, mdc.getCopyOfContextMap(), throwable);
  }
}
