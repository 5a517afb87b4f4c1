package chat.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web client's files, from the copy inside the jar ({@code /web/} on the classpath) or from a
 * folder. Only plain relative paths of known file types are served: no {@code ..}, no hidden
 * files, no directory listings, and nothing under {@code /test/} (the web client's unit tests,
 * which {@code --web-dir web} would otherwise publish; the jar leaves them out).
 */
final class StaticFiles {
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json; charset=utf-8"),
      Map.entry("webmanifest", "application/manifest+json; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  /** The web client's own unit tests (web/test/): part of the folder, not of the site. */
  private static final String TESTS = "/test/";

  private final Path dir; // null: the classpath copy
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  StaticFiles(Path dir) {
    this.dir = dir;
  }

  record File(byte[] bytes, String contentType) {}

  /** The file at a request path such as {@code /} or {@code /app.js}, if it may be served. */
  Optional<File> get(String requestPath) throws IOException {
    String path = requestPath.equals("/") ? "/index.html" : requestPath;
    if (!isSafe(path)) {
      return Optional.empty();
    }
    String type = TYPES.get(extension(path));
    if (type == null) {
      return Optional.empty();
    }
    byte[] bytes = dir != null ? fromDir(path) : fromClasspath(path);
    return bytes == null ? Optional.empty() : Optional.of(new File(bytes, type));
  }

  static boolean isSafe(String path) {
    if (!path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
      return false;
    }
    if (path.toLowerCase(Locale.ROOT).startsWith(TESTS)) { // also /Test/ on macOS
      return false;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.startsWith(".")) {
        return false; // empty (//), ., .., and hidden files
      }
    }
    return true;
  }

  private byte[] fromDir(String path) throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    Path file = root.resolve(path.substring(1)).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      return null;
    }
    return Files.readAllBytes(file);
  }

  private byte[] fromClasspath(String path) throws IOException {
    byte[] cached = cache.get(path);
    if (cached != null) {
      return cached;
    }
    try (InputStream in = StaticFiles.class.getResourceAsStream("/web" + path)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      cache.put(path, bytes);
      return bytes;
    }
  }

  private static String extension(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
