package chat.server.it.sdk;

import chat.client.cli.ChatCli;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the SDK's classes and its runnable jar are, as the build laid them out. */
final class Jars {
  private Jars() {}

  static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The shaded command-line jar built beside the SDK's classes: {@code chat-client.jar} in
   * the module's build folder, or the {@code -cli} artifact in a Maven repository.
   */
  static Optional<Path> cliJar() {
    Path sdk = location(ChatCli.class);
    Path folder = sdk.getParent(); // of target/classes or of the module's jar
    List<Path> candidates = new ArrayList<>(List.of(folder.resolve("chat-client.jar")));
    String name = sdk.getFileName().toString();
    if (name.endsWith(".jar")) {
      candidates.add(folder.resolve(name.replaceFirst("\\.jar$", "-cli.jar")));
    }
    return candidates.stream().filter(Files::isRegularFile).findFirst();
  }

  /** A class path for running SDK programs in another JVM: the CLI jar, else the pieces. */
  static String sdkClassPath() {
    Optional<Path> jar = cliJar();
    if (jar.isPresent()) {
      return jar.get().toString();
    }
    List<String> parts = new ArrayList<>();
    for (Class<?> c : List.of(ChatCli.class, chat.protocol.Event.class,
        com.google.gson.Gson.class, org.java_websocket.client.WebSocketClient.class,
        org.slf4j.LoggerFactory.class)) {
      parts.add(location(c).toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
