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
 * The example of docs/sdk.md compiles against the SDK, runs against the packaged server, and
 * prints exactly what the doc says it prints.
 */
class SdkDocIT {
  private static final Path DOC = Path.of("..", "docs", "sdk.md");

  @TempDir Path tmp;

  @Test
  void theFirstProgramOfTheGuideCompilesRunsAndPrintsWhatTheGuideSays() throws Exception {
    String doc = Files.readString(DOC);
    String source = block(doc, "java");
    String expected = block(doc, "text");
    Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
    assertTrue(name.find(), "the example declares a public class");
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    Path file = tmp.resolve(name.group(1) + ".java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = Jars.location(ChatClient.class) + File.pathSeparator
        + Jars.location(Event.class);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, null, diagnostics, "-Xlint:all", "-Werror", "-classpath",
        classpath, "-d", classes.toString(), file.toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      String output = runMain(classes, name.group(1), server.wsUri().toString());
      assertEquals(expected.strip(), output.strip());
    }
  }

  private static String runMain(Path classes, String className, String arg) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        SdkDocIT.class.getClassLoader())) {
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {arg});
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** The first fenced block of the given language. */
  private static String block(String markdown, String language) {
    Matcher m = Pattern.compile("(?ms)^```" + Pattern.quote(language) + "\\n(.*?)^```$")
        .matcher(markdown);
    assertTrue(m.find(), "no ```" + language + " block in " + DOC);
    return m.group(1);
  }
}
