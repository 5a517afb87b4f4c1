package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the example of docs/embedding.md, and checks it prints what the doc says. */
class EmbeddingDocTest {
  private static final Path DOC = Paths.get("..", "docs", "embedding.md");

  @Test
  void theEmbeddingExampleCompilesRunsAndPrintsWhatTheDocSays(@TempDir Path dir) throws Exception {
    String doc = Files.readString(DOC);
    String source = block(doc, "java");
    String expectedOutput = block(doc, "text");
    Path file = dir.resolve("EmbeddedChat.java");
    Files.writeString(file, source);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classpath = location(ChatCore.class) + java.io.File.pathSeparator
        + location(Request.class);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, null, diagnostics, "-classpath", classpath, "-d",
        dir.toString(), file.toString());
    assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

    String output = runMain(dir);

    assertEquals(expectedOutput.strip(), output.strip());
  }

  private static String runMain(Path classes) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        EmbeddingDocTest.class.getClassLoader())) {
      Method main = loader.loadClass("EmbeddedChat").getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
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

  private static String location(Class<?> type) throws URISyntaxException {
    return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
