package chat.server.log;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.event.Level;

/**
 * The level of each logger, read from slf4j-simple's settings ({@code simplelogger.properties}
 * on the class path, then {@code org.slf4j.simpleLogger.*} system properties, which win) and
 * applied as slf4j-simple does: a logger's own setting, else its nearest parent's, else the
 * default. One set of settings serves both log formats.
 */
final class LogLevels {
  static final String PREFIX = "org.slf4j.simpleLogger.";
  private static final String DEFAULT_KEY = PREFIX + "defaultLogLevel";
  private static final String LOGGER_PREFIX = PREFIX + "log.";
  /** Above every level: nothing is logged. */
  static final int OFF = Level.ERROR.toInt() + 10;

  private final int defaultLevel;
  private final Map<String, Integer> byLogger;

  private LogLevels(int defaultLevel, Map<String, Integer> byLogger) {
    this.defaultLevel = defaultLevel;
    this.byLogger = byLogger;
  }

  static LogLevels load(ClassLoader loader) {
    Properties settings = new Properties();
    try (InputStream in = loader.getResourceAsStream("simplelogger.properties")) {
      if (in != null) {
        settings.load(in);
      }
    } catch (IOException e) {
      // Unreadable: the defaults, as slf4j-simple does.
    }
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(PREFIX)) {
        settings.setProperty(key, System.getProperty(key));
      }
    }
    return from(settings);
  }

  static LogLevels from(Properties settings) {
    Map<String, Integer> byLogger = new HashMap<>();
    for (String key : settings.stringPropertyNames()) {
      if (key.startsWith(LOGGER_PREFIX)) {
        byLogger.put(key.substring(LOGGER_PREFIX.length()), parse(settings.getProperty(key)));
      }
    }
    return new LogLevels(parse(settings.getProperty(DEFAULT_KEY, "info")), byLogger);
  }

  /** The lowest level logger {@code name} logs at ({@link #OFF}: none). */
  int of(String name) {
    String n = name;
    while (true) {
      Integer level = byLogger.get(n);
      if (level != null) {
        return level;
      }
      int dot = n.lastIndexOf('.');
      if (dot < 0) {
        return defaultLevel;
      }
      n = n.substring(0, dot);
    }
  }

  /** A level's name as slf4j-simple reads it; an unknown one is info, as there. */
  private static int parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "trace" -> Level.TRACE.toInt();
      case "debug" -> Level.DEBUG.toInt();
      case "warn" -> Level.WARN.toInt();
      case "error" -> Level.ERROR.toInt();
      case "off" -> OFF;
      default -> Level.INFO.toInt();
    };
  }
}
