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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/sdk.md compiles against the SDK, runs against the packaged server, and
 * prints exactly what the doc says it prints; every other Java sample of the guide compiles.
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
    compile(classes, file);

    try (ServerProcess server = ServerProcess.start(tmp.resolve("data"))) {
      String output = runMain(classes, name.group(1), server.wsUri().toString());
      assertEquals(expected.strip(), output.strip());
    }
  }

  /**
   * Every ```java block of the guide compiles against the SDK alone, with all warnings as
   * errors: a whole program as it stands; a fragment as the body of a method that has a
   * connected {@code ChatClient client} and may throw, its {@code import} lines (which the guide
   * shows, so that a reader knows every type's package) lifted to the top of the file.
   */
  @Test
  void everyJavaSampleOfTheGuideCompiles() throws Exception {
    Matcher java = Pattern.compile("(?ms)^```java\\n(.*?)^```$").matcher(Files.readString(DOC));
    List<Path> files = new ArrayList<>();
    int fragments = 0;
    while (java.find()) {
      String sample = java.group(1);
      Matcher program = Pattern.compile("public class (\\w+)").matcher(sample);
      if (program.find()) {
        files.add(write(program.group(1), sample));
        continue;
      }
      StringBuilder imports = new StringBuilder();
      StringBuilder body = new StringBuilder();
      for (String line : sample.split("\n", -1)) {
        (line.startsWith("import ") ? imports : body).append(line).append('\n');
      }
      String name = "Fragment" + (++fragments);
      files.add(write(name, imports + "\nclass " + name + " {\n"
          + "  static void run(chat.client.ChatClient client) throws Exception {\n"
          + body + "  }\n}\n"));
    }
    assertTrue(files.size() >= 5, "the guide's samples: " + files);
    assertTrue(fragments >= 3, "the guide's fragments: " + fragments);
    compile(Files.createDirectories(tmp.resolve("classes")), files.toArray(Path[]::new));
  }

  private Path write(String className, String source) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("src").resolve(className));
    return Files.writeString(dir.resolve(className + ".java"), source);
  }

  /** Compiles against the SDK and the protocol only, all warnings as errors. */
  private static void compile(Path classes, Path... sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = Jars.location(ChatClient.class) + File.pathSeparator
        + Jars.location(Event.class);
    List<String> args = new ArrayList<>(List.of("-encoding", "UTF-8", "-Xlint:all", "-Werror",
        "-classpath", classpath, "-d", classes.toString()));
    for (Path source : sources) {
      args.add(source.toString());
    }
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, null, diagnostics, args.toArray(String[]::new));
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));
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
