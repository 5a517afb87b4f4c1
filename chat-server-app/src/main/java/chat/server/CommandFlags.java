package chat.server;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The flags of a one-shot sub-command of the jar ({@code backup}, {@code migrate}): each
 * {@code --name value} or {@code --name=value}, only names the command knows; {@code --help}
 * prints its help. Parsing stops at the first problem, which is said on one line.
 */
final class CommandFlags {
  private final Map<String, String> values;
  private final int exitCode;

  private CommandFlags(Map<String, String> values, int exitCode) {
    this.values = values;
    this.exitCode = exitCode;
  }

  /**
   * Reads {@code args} of {@code command}; {@code known} are its flag names, with their dashes.
   * On {@code --help} the help goes to {@code out} (exit 0); on a problem one line goes to
   * {@code err} (exit 2).
   */
  static CommandFlags parse(String command, String help, Set<String> known, String[] args,
      PrintStream out, PrintStream err) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(help);
        return new CommandFlags(values, 0);
      }
      int eq = arg.indexOf('=');
      String name = eq >= 0 ? arg.substring(0, eq) : arg;
      String value = eq >= 0 ? arg.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
      if (value == null || !name.startsWith("--")) {
        err.println(command + ": unexpected '" + arg + "'; see " + command + " --help");
        return new CommandFlags(values, 2);
      }
      if (!known.contains(name)) {
        err.println(command + ": unknown option " + name + "; see " + command + " --help");
        return new CommandFlags(values, 2);
      }
      values.put(name, value);
    }
    return new CommandFlags(values, -1);
  }

  /** Whether the command should stop now, with {@link #exitCode}: help, or a bad flag. */
  boolean done() {
    return exitCode >= 0;
  }

  int exitCode() {
    return exitCode;
  }

  /** The flag's value, or {@code fallback} when not given. */
  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
