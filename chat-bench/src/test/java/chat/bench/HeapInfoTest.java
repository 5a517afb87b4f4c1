package chat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The connections scenario reads the heap's used size from {@code jcmd GC.heap_info}, whose
 * wording differs by collector (outputs below as JDK 17 prints them), and never takes
 * Metaspace's figure for the heap's.
 */
class HeapInfoTest {
  private static final String METASPACE = String.join("\n",
      " Metaspace       used 14251K, committed 14656K, reserved 1114112K",
      "  class space    used 1788K, committed 1984K, reserved 1048576K", "");

  @Test
  void g1() {
    assertEquals(11641, Target.heapUsedKib(String.join("\n",
        "31820:",
        " garbage-first heap   total 262144K, used 11641K [0x00000000f0000000, 0x0000000100000000)",
        "  region size 1024K, 7 young (7168K), 4 survivors (4096K)", METASPACE)));
  }

  @Test
  void zgc() {
    assertEquals(46 << 10, Target.heapUsedKib(String.join("\n",
        "31878:",
        " ZHeap           used 46M, capacity 256M, max capacity 256M", METASPACE)));
  }

  @Test
  void shenandoah() {
    assertEquals(42419, Target.heapUsedKib(String.join("\n",
        "31680:",
        "Shenandoah Heap",
        " 256M max, 256M soft max, 256M committed, 42419K used",
        " 1024 x 256K regions",
        "Status: not cancelled", METASPACE)));
  }

  @Test
  void metaspaceAloneIsNoHeapFigure() {
    assertEquals(-1, Target.heapUsedKib("12345:\nsome new collector\n" + METASPACE));
  }
}
