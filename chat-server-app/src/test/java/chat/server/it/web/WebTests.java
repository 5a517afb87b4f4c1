package chat.server.it.web;

import chat.server.it.ServerProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the browser tests share: how they start the server. */
final class WebTests {
  static final String PASSWORD = "correct horse battery";

  private WebTests() {}

  /**
   * The packaged server on loopback with a fixed, free HTTP port. Not port 0: the server
   * derives its default allowed Origins from the configured HTTP port, so with port 0 it would
   * refuse its own page's WebSocket (origin http://127.0.0.1:0 is allowed, the real one not).
   */
  static ServerProcess startServer(Path dataDir, String... extraArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("--http-port", String.valueOf(freePort())));
    args.addAll(List.of(extraArgs));
    return ServerProcess.start(dataDir, args.toArray(new String[0]));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
