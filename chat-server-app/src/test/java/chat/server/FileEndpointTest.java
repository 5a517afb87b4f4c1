package chat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.core.store.StoredFile;
import org.junit.jupiter.api.Test;

/** The header rules of {@link FileEndpoint}: names in and out, tokens, which files are inline. */
class FileEndpointTest {

  private static StoredFile file(String name, String type) {
    return new StoredFile("id0123456789abcdefghijk", "alice", name, 1, type, 0, null, 0);
  }

  @Test
  void namesArePercentDecodedStrictly() {
    assertEquals("cat 🐱+.png", FileEndpoint.percentDecode("cat%20%F0%9F%90%B1+.png"));
    assertEquals("plain.txt", FileEndpoint.percentDecode("plain.txt"));
    assertNull(FileEndpoint.percentDecode(null));
    for (String bad : new String[] {"%", "%2", "%zz", "%C3%28", "café", "%FF"}) {
      assertThrows(IllegalArgumentException.class, () -> FileEndpoint.percentDecode(bad), bad);
    }
  }

  @Test
  void onlyBearerTokensAreTaken() {
    assertEquals("abc", FileEndpoint.bearerToken("Bearer abc"));
    assertEquals("abc", FileEndpoint.bearerToken("bearer  abc "));
    assertNull(FileEndpoint.bearerToken("Basic abc"));
    assertNull(FileEndpoint.bearerToken("Bearer"));
    assertNull(FileEndpoint.bearerToken(null));
  }

  @Test
  void onlyPlainImagesAreInlineAndNamesAreEncoded() {
    for (String type : new String[] {"image/png", "image/jpeg", "image/gif", "image/webp"}) {
      assertTrue(FileEndpoint.contentDisposition(file("a.img", type)).startsWith("inline; "));
    }
    for (String type : new String[] {"image/svg+xml", "text/html", "application/pdf",
        "application/octet-stream", "text/plain", "application/xhtml+xml"}) {
      assertTrue(FileEndpoint.contentDisposition(file("a", type)).startsWith("attachment; "),
          type);
    }
    assertEquals("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%3B.pdf",
        FileEndpoint.contentDisposition(file("résumé \"final\";.pdf", "application/pdf")));
  }

  @Test
  void theFileCspIsASandboxAllowingNothing() {
    assertTrue(FileEndpoint.FILE_CSP.contains("sandbox"));
    assertTrue(FileEndpoint.FILE_CSP.contains("default-src 'none'"));
  }
}
