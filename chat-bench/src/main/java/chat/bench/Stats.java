package chat.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.ConcurrentHistogram;

/** Histogram and spread helpers; latencies are recorded in nanoseconds and reported in ms. */
final class Stats {
  private Stats() {}

  static ConcurrentHistogram histogram() {
    return new ConcurrentHistogram(1_000L, 120_000_000_000L, 3);
  }

  static void record(AbstractHistogram h, long nanos) {
    h.recordValue(Math.max(1_000L, Math.min(nanos, 120_000_000_000L)));
  }

  static JsonObject latency(AbstractHistogram h) {
    JsonObject o = new JsonObject();
    o.addProperty("count", h.getTotalCount());
    o.addProperty("p50Ms", ms(h.getValueAtPercentile(50)));
    o.addProperty("p99Ms", ms(h.getValueAtPercentile(99)));
    o.addProperty("p999Ms", ms(h.getValueAtPercentile(99.9)));
    o.addProperty("maxMs", ms(h.getMaxValue()));
    o.addProperty("meanMs", ms((long) h.getMean()));
    return o;
  }

  static String latencyText(AbstractHistogram h) {
    return String.format("p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms (n=%d)",
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), h.getTotalCount());
  }

  static double ms(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }

  /** median, min, max and the values themselves, for a figure measured over several runs. */
  static JsonObject spread(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    JsonObject o = new JsonObject();
    o.addProperty("median", median(v));
    o.addProperty("min", v.length == 0 ? 0 : v[0]);
    o.addProperty("max", v.length == 0 ? 0 : v[v.length - 1]);
    JsonArray all = new JsonArray();
    values.forEach(all::add);
    o.add("runs", all);
    return o;
  }

  static double median(double[] sorted) {
    if (sorted.length == 0) {
      return 0;
    }
    double[] v = sorted.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double median(List<Double> values) {
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static String spreadText(List<Double> values, String fmt) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return "n/a";
    }
    if (v.length == 1) {
      return String.format(fmt, v[0]);
    }
    return String.format(fmt + " [" + fmt + ".." + fmt + ", %d runs]", median(v), v[0],
        v[v.length - 1], v.length);
  }

  /** CPU time this JVM (the load generator) has used, in ms. */
  static long ownCpuMillis() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime() / 1_000_000;
    }
    return -1;
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
