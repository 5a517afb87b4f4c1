package chat.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Whether a Redis server on loopback is ready: it answers {@code PING}. A listening socket alone
 * is not enough, since Redis accepts connections while it is still loading.
 */
public final class RedisPing {
  private static final int TIMEOUT_MS = 1000;
  private static final String PONG = "+PONG\r\n";
  private static final String OK = "+OK\r\n";

  private RedisPing() {}

  /**
   * True once the server on {@code 127.0.0.1:port} answers {@code PING} with {@code PONG} (within
   * a second); false while nothing listens, or it answers anything else (e.g. {@code -LOADING}).
   */
  public static boolean answers(int port) {
    return answers(port, null);
  }

  /**
   * As {@link #answers(int)}, for a server that asks for {@code password} ({@code requirepass};
   * null: none): it must take the password ({@code AUTH}) and then answer {@code PING}. The
   * password is sent as an inline command: letters and digits only.
   */
  public static boolean answers(int port, String password) {
    String expected = (password == null ? "" : OK) + PONG;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      OutputStream out = s.getOutputStream();
      out.write(((password == null ? "" : "AUTH " + password + "\r\n") + "PING\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] reply = s.getInputStream().readNBytes(expected.length());
      return new String(reply, StandardCharsets.US_ASCII).equals(expected);
    } catch (IOException e) {
      return false; // not listening yet, or closed on us
    }
  }
}
