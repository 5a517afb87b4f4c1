package chat.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.ChatCore;
import chat.protocol.Request;
import com.google.inject.Guice;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of docs/embedding.md: each {@code java} block is a whole program, compiled
 * against chat-core, chat-protocol, this module and Guice, run, and checked to print exactly the
 * {@code text} block that follows it. Here rather than in chat-core because the examples use
 * {@link SqliteStoreModule}.
 */
class EmbeddingDocTest {
  private static final Path DOC = Paths.get("..", "docs", "embedding.md");
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(java|text)\\n(.*?)^```$");
  private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

  @TempDir Path tmp;

  private record Example(String className, String source, String output) {}

  @TestFactory
  Stream<DynamicTest> everyExampleCompilesRunsAndPrintsWhatTheDocSays() throws Exception {
    List<Example> examples = examples(Files.readString(DOC));
    assertFalse(examples.isEmpty(), "no example in " + DOC);
    return examples.stream().map(e -> DynamicTest.dynamicTest(e.className(), () -> {
      Path classes = Files.createDirectories(tmp.resolve(e.className()));
      Path file = classes.resolve(e.className() + ".java");
      Files.writeString(file, e.source());
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
      int status = javac.run(null, null, diagnostics, "-Xlint:all", "-Werror", "-classpath",
          classpath(), "-d", classes.toString(), file.toString());
      assertEquals(0, status, diagnostics.toString(StandardCharsets.UTF_8));

      assertEquals(e.output().strip(), runMain(classes, e.className()).strip());
    }));
  }

  /** Each java block with the text block after it (before the next java block). */
  private static List<Example> examples(String markdown) {
    List<Example> examples = new ArrayList<>();
    Matcher m = BLOCK.matcher(markdown);
    String source = null;
    while (m.find()) {
      if (m.group(1).equals("java")) {
        assertTrue(source == null, "a java block without a text block of its output:\n" + source);
        source = m.group(2);
      } else if (source != null) {
        Matcher name = CLASS.matcher(source);
        assertTrue(name.find(), "an example declares a public class:\n" + source);
        examples.add(new Example(name.group(1), source, m.group(2)));
        source = null;
      }
    }
    assertTrue(source == null, "a java block without a text block of its output:\n" + source);
    return examples;
  }

  private static String classpath() throws URISyntaxException {
    List<String> jars = new ArrayList<>();
    for (Class<?> type : List.of(ChatCore.class, Request.class, SqliteStoreModule.class,
        Guice.class, jakarta.inject.Inject.class)) {
      jars.add(Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString());
    }
    return jars.stream().distinct().collect(Collectors.joining(File.pathSeparator));
  }

  private static String runMain(Path classes, String className) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        EmbeddingDocTest.class.getClassLoader())) {
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
