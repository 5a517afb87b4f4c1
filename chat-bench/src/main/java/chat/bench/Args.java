package chat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} / {@code --name=value} flags; every flag read is echoed into the result. */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  final Map<String, String> used = new LinkedHashMap<>();

  Args(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + a);
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = "true";
      }
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String str(String name, String def) {
    List<String> v = values.get(name);
    String s = v == null ? def : v.get(v.size() - 1);
    if (s != null) {
      used.put(name, s);
    }
    return s;
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  int integer(String name, int def) {
    return Integer.parseInt(str(name, String.valueOf(def)).replace("_", "").replace("k", "000"));
  }

  double dbl(String name, double def) {
    return Double.parseDouble(str(name, String.valueOf(def)));
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(str(name, "false"));
  }

  /** {@code 20s}, {@code 500ms}, {@code 2m}, or plain seconds. */
  Duration duration(String name, String def) {
    String s = str(name, def).trim();
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
    }
    if (s.endsWith("m")) {
      return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
    }
    return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
  }

  List<String> list(String name, String def) {
    String s = str(name, def);
    List<String> out = new ArrayList<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    for (String p : s.split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out;
  }
}
