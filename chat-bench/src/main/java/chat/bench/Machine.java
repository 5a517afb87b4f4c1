package chat.bench;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a result was measured on. */
final class Machine {
  private Machine() {}

  static JsonObject describe() {
    JsonObject o = new JsonObject();
    o.addProperty("cores", Runtime.getRuntime().availableProcessors());
    o.addProperty("cpu", cpuModel());
    o.addProperty("java", System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version"));
    o.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    o.addProperty("loadAverageAtStart", read("/proc/loadavg").trim());
    return o;
  }

  private static String cpuModel() {
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown";
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (Exception e) {
      return "";
    }
  }
}
