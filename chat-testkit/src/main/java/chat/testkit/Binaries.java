package chat.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the executables a private server runs: named by a system property ({@code -D}) where the
 * machine's are not the ones wanted, else looked up on the {@code PATH}.
 */
public final class Binaries {
  private Binaries() {}

  /**
   * The binary {@code -Dproperty} names when it is set: nothing if that is not executable (a wrong
   * setting is reported as missing, never replaced by another binary). Unset (or empty): the
   * first {@code name} on the {@code PATH}.
   */
  public static Optional<Path> find(String property, String name) {
    Optional<Path> configured = configured(property);
    if (configured.isPresent()) {
      return configured.filter(Files::isExecutable);
    }
    return onPath(name);
  }

  /** The path a system property holds; nothing when it is unset or empty. */
  public static Optional<Path> configured(String property) {
    String value = System.getProperty(property, "");
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /** The executable {@code name} in the first folder of the {@code PATH} that has one. */
  public static Optional<Path> onPath(String name) {
    return folderOn(systemPath(), List.of(name)).map(folder -> folder.resolve(name));
  }

  /** The first folder of the {@code PATH} that holds every one of {@code names}, executable. */
  public static Optional<Path> folderOnPath(List<String> names) {
    return folderOn(systemPath(), names);
  }

  /** Whether {@code folder} holds every one of {@code names} as an executable. */
  public static boolean holdAll(Path folder, List<String> names) {
    return names.stream().allMatch(name -> Files.isExecutable(folder.resolve(name)));
  }

  /** The first folder of {@code searchPath} (a PATH-style list) holding all {@code names}. */
  static Optional<Path> folderOn(String searchPath, List<String> names) {
    for (String folder : searchPath.split(File.pathSeparator)) {
      if (!folder.isEmpty() && holdAll(Path.of(folder), names)) {
        return Optional.of(Path.of(folder));
      }
    }
    return Optional.empty();
  }

  private static String systemPath() {
    return System.getenv().getOrDefault("PATH", "");
  }
}
