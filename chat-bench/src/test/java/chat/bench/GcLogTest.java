package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed scenario reads GC pauses from G1's, ZGC's and Shenandoah's logs, from a given
 * offset on.
 */
class GcLogTest {
  @TempDir
  Path dir;

  @Test
  void longestPauseOfG1AndZgcLines() throws Exception {
    String early = "[1.0s][info][gc          ] GC(1) Pause Young (Normal) (G1 Evacuation Pause)"
        + " 51M->7M(1024M) 56.738ms\n";
    String later = String.join("\n",
        "[54.9s][info][gc,phases   ] GC(10)   Evacuate Collection Set: 110.1ms",
        "[54.9s][info][gc          ] GC(10) Pause Young (Normal) (G1 Evacuation Pause)"
            + " 81M->42M(1024M) 13.076ms",
        "[55.0s][info][gc,phases   ] GC(11) Pause Mark Start 0.012ms",
        "[55.1s][info][gc,phases   ] GC(11) Pause Relocate Start 0.250ms",
        "[55.1s][info][gc          ] GC(11) Garbage Collection (Warmup) 102M(10%)->44M(4%)",
        "");
    Path log = dir.resolve("gc.log");
    Files.writeString(log, early + later);

    long from = early.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(56.738, Mixed.maxPause(log, 0), 1e-9);
    // From the offset on: the G1 pause, not the phase line (which is no pause) nor earlier ones.
    assertEquals(13.076, Mixed.maxPause(log, from), 1e-9);
    Files.writeString(log, early + later.replace("13.076ms", "0.1ms"));
    assertEquals(0.25, Mixed.maxPause(log, from), 1e-9, "ZGC's pauses count too");
  }

  @Test
  void longestPauseOfShenandoahLines() throws Exception {
    Files.writeString(dir.resolve("gc.log"), String.join("\n",
        "[1.695s][info][gc] GC(0) Pause Init Mark (unload classes) 0.060ms",
        "[1.700s][info][gc] GC(0) Concurrent marking (unload classes) 12M->13M(256M) 27.812ms",
        "[1.724s][info][gc] GC(0) Pause Final Mark (unload classes) 0.265ms",
        "[1.771s][info][gc] GC(0) Pause Init Update Refs 0.008ms",
        "[1.780s][info][gc] GC(0) Pause Final Update Refs 0.020ms",
        ""));
    // The concurrent phase runs beside the application: not a pause.
    assertEquals(0.265, Mixed.maxPause(dir.resolve("gc.log"), 0), 1e-9);
  }
}
