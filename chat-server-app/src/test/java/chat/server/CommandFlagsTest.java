package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandFlagsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private CommandFlags parse(String... args) {
    return CommandFlags.parse("backup", "HELP\n", Set.of("--to", "--data-dir"), args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void takesBothSpellingsAndLeavesTheRestToTheirDefaults() {
    CommandFlags f = parse("--to", "/b", "--data-dir=/d");
    assertFalse(f.done());
    assertEquals("/b", f.get("--to", null));
    assertEquals("/d", f.get("--data-dir", "./data"));
    assertEquals("x", parse().get("--to", "x"));
    assertEquals("", err());
  }

  @Test
  void helpAndMistakesStopWithTheirExitCodesAndOneLine() {
    CommandFlags help = parse("--to", "/b", "--help");
    assertTrue(help.done());
    assertEquals(0, help.exitCode());
    assertEquals("HELP\n", out.toString(StandardCharsets.UTF_8));

    assertEquals(2, parse("--from", "x").exitCode());
    assertEquals("backup: unknown option --from; see backup --help\n", err());
    err.reset();
    assertEquals(2, parse("--to").exitCode());
    assertEquals("backup: unexpected '--to'; see backup --help\n", err());
    err.reset();
    assertEquals(2, parse("stray", "word").exitCode());
    assertEquals("backup: unexpected 'stray'; see backup --help\n", err());
  }
}
