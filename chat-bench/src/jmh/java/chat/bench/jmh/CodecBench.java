package chat.bench.jmh;

import chat.protocol.DecodeResult;
import chat.protocol.Event;
import chat.protocol.FrameCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Frame decode (a client's send request) and event encode (a message event): the codec's hot path. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  private final FrameCodec codec = new FrameCodec();
  private final String sendFrame = "{\"type\":\"send\",\"id\":\"s12345\",\"to\":\"#general\","
      + "\"text\":\"hello there, this is a sixty-four byte message for the benchmark!\","
      + "\"cid\":\"c-1732400000123-42\"}";
  private final Event.Message message = new Event.Message("#general", 4242L, "alice",
      "hello there, this is a sixty-four byte message for the benchmark!", 1732400000123L,
      "c-1732400000123-42");

  @Benchmark
  public DecodeResult decodeSendFrame() {
    return codec.decodeRequest(sendFrame);
  }

  @Benchmark
  public String encodeMessageEvent() {
    return codec.encode(message);
  }
}
