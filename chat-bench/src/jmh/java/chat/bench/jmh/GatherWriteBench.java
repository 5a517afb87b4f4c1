package chat.bench.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One write of {@code frames} queued frames of 100 bytes to a loopback socket (a thread reads
 * and drops them), the two ways the transport's loop could make it: NIO's gathering write of the
 * heap frames (NIO copies each into a temporary direct buffer from a per-thread cache), or the
 * frames copied into one direct buffer first and written from it (what {@code WsConnection}
 * does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GatherWriteBench {
  @Param({"1", "8", "256"})
  public int frames;

  private ServerSocketChannel listener;
  private SocketChannel client;
  private SocketChannel server;
  private Thread drain;
  private final ByteBuffer frame = ByteBuffer.allocate(100);
  private ByteBuffer[] queued;
  private final ByteBuffer staging = ByteBuffer.allocateDirect(256 * 1024);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    client = SocketChannel.open(listener.getLocalAddress());
    server = listener.accept();
    drain = new Thread(() -> {
      ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
      try {
        while (server.read(b) >= 0) {
          b.clear();
        }
      } catch (IOException e) {
        // closed at tear-down
      }
    }, "drain");
    drain.setDaemon(true);
    drain.start();
    queued = new ByteBuffer[frames];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    client.close();
    server.close();
    listener.close();
  }

  /** Each receiver's view of a shared frame, as a fan-out queues them. */
  private void queue() {
    for (int i = 0; i < frames; i++) {
      queued[i] = frame.duplicate();
    }
  }

  @Benchmark
  public long gatheringWriteOfHeapFrames() throws IOException {
    queue();
    long left = (long) frames * frame.capacity();
    while (left > 0) {
      left -= client.write(queued, 0, frames);
    }
    return left;
  }

  @Benchmark
  public long copiedIntoOneDirectBuffer() throws IOException {
    queue();
    staging.clear();
    for (int i = 0; i < frames; i++) {
      ByteBuffer b = queued[i];
      staging.put(staging.position(), b, b.position(), b.remaining());
      staging.position(staging.position() + b.remaining());
    }
    staging.flip();
    long wrote = 0;
    while (staging.hasRemaining()) {
      wrote += client.write(staging);
    }
    return wrote;
  }
}
