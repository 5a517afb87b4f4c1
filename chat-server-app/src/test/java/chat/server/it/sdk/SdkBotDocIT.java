package chat.server.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.client.ChatClient;
import chat.protocol.Event;
import chat.server.it.ServerProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot of docs/sdk.md that reacts to and edits messages compiles against the SDK, runs
 * against the packaged server, and prints exactly the changes the guide says it prints.
 */
class SdkBotDocIT {
  private static final Path DOC = Path.of("..", "docs", "sdk.md");
  private static final String CLASS = "AckBot";

  @TempDir Path tmp;

  @Test
  void theBotOfTheGuideCompilesRunsAndPrintsWhatTheGuideSays() throws Exception {
    String doc = Files.readString(DOC);
    String source = null;
    Matcher java = Pattern.compile("(?ms)^```java\\n(.*?)^```$").matcher(doc);
    while (source == null && java.find()) {
      if (java.group(1).contains("public class " + CLASS + " ")) {
        source = java.group(1);
      }
    }
    assertTrue(source != null, "no ```java block with class " + CLASS + " in " + DOC);
    Matcher expected = Pattern.compile("(?ms)^```text\\n(.*?)^```$").matcher(doc);
    assertTrue(expected.find(java.end()), "no ```text block after the example in " + DOC);
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    Path file = tmp.resolve(CLASS + ".java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = Jars.location(ChatClient.class) + File.pathSeparator
        + Jars.location(Event.class);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, null, diagnostics, "-encoding", "UTF-8", "-Xlint:all",
        "-Werror", "-classpath", classpath, "-d", classes.toString(), file.toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      String output = runMain(classes, server.wsUri().toString());
      assertEquals(expected.group(1).strip(), output.strip());
    }
  }

  private static String runMain(Path classes, String arg) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        SdkBotDocIT.class.getClassLoader())) {
      Method main = loader.loadClass(CLASS).getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {arg});
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
