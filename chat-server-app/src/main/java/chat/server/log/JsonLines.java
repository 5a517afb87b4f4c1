package chat.server.log;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * Writes log events as JSON lines: {@code {"time":…,"level":…,"logger":…,"thread":…,
 * "message":…}}, then the event's fields (MDC entries, then key-value pairs; a name already
 * written is not written again) and, with a throwable, {@code "exception"}: its stack trace.
 * Every string is escaped and everything outside printable ASCII is written as {@code \\uXXXX},
 * so whatever a message holds (a user's text, line breaks, control characters, lone surrogates)
 * one event is exactly one line of valid JSON, in any output encoding.
 */
final class JsonLines {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private final PrintStream out;

  JsonLines(PrintStream out) {
    this.out = out;
  }

  void write(Level level, String logger, String message, List<KeyValuePair> pairs,
      Map<String, String> mdc, Throwable throwable) {
    StringBuilder b = new StringBuilder(160);
    Set<String> written = new HashSet<>(List.of("time", "level", "logger", "thread", "message",
        "exception"));
    b.append("{\"time\":");
    string(b, TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    b.append(",\"level\":");
    string(b, level.name());
    b.append(",\"logger\":");
    string(b, logger);
    b.append(",\"thread\":");
    string(b, Thread.currentThread().getName());
    b.append(",\"message\":");
    string(b, message);
    if (mdc != null) {
      for (Map.Entry<String, String> e : mdc.entrySet()) {
        field(b, written, e.getKey(), e.getValue());
      }
    }
    for (KeyValuePair pair : pairs) {
      field(b, written, pair.key, pair.value);
    }
    if (throwable != null) {
      StringWriter trace = new StringWriter();
      throwable.printStackTrace(new PrintWriter(trace));
      b.append(",\"exception\":");
      string(b, trace.toString());
    }
    b.append("}\n");
    String line = b.toString();
    synchronized (out) {
      out.print(line);
      out.flush();
    }
  }

  private static void field(StringBuilder b, Set<String> written, String key, Object value) {
    if (key == null || !written.add(key)) {
      return;
    }
    b.append(',');
    string(b, key);
    b.append(':');
    if (value == null) {
      b.append("null");
    } else if (value instanceof Boolean
        || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte) {
      b.append(value);
    } else {
      string(b, String.valueOf(value));
    }
  }

  /** {@code s} as a JSON string of printable ASCII. */
  static void string(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
