package chat.transport.ws;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionCapsTest {
  private final InetAddress a = InetAddress.getLoopbackAddress();
  private final InetAddress b = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});

  ConnectionCapsTest() throws Exception {}

  @Test
  void anAddressIsCappedAndAReleaseMakesRoomAgain() {
    ConnectionCaps caps = new ConnectionCaps(100, 2);
    assertNull(caps.admit(a, 0));
    assertNull(caps.admit(a, 1));
    assertNotNull(caps.admit(a, 2), "a third from one address");
    assertNull(caps.admit(b, 2), "another address is counted apart");
    caps.release(a);
    assertNull(caps.admit(a, 2));
    assertNotNull(caps.admit(a, 3), "the refused one was not counted");
  }

  @Test
  void theTotalIsCappedWhateverTheAddress() {
    ConnectionCaps caps = new ConnectionCaps(3, 100);
    assertNull(caps.admit(a, 2));
    assertNotNull(caps.admit(b, 3));
  }
}
