package chat.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port that nothing listens on, for a private server bound to the loopback address. */
public final class FreePort {
  private FreePort() {}

  /**
   * A port the kernel just handed out on loopback and that is free again on return. Another
   * process may take it before the server binds it: callers retry a failed start on a new one.
   */
  public static int onLoopback() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
