package chat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import chat.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

/** Which file names are taken as they are and which are refused. */
class FileNamesTest {

  @Test
  void invisibleFormatCharactersAreRefused() {
    for (String name : new String[] {"evil\u200B.png", "\uFEFFa.txt", "a\u2060b.txt",
        "soft\u00ADhyphen.pdf", "a\u180Eb", "x\u202Egnp.exe", "a/b", "a\nb"}) {
      ChatException e = assertThrows(ChatException.class, () -> FileNames.checkName(name),
          name);
      assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }
  }

  @Test
  void namesInAnyScriptAndWithEmojiSequencesAreTaken() throws ChatException {
    for (String name : new String[] {"résumé.pdf", "\uD83D\uDC69\u200D\uD83D\uDCBB notes.txt",
        "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.txt",
        "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F.png",
        "猫の写真.jpg", "cat 🐱.png"}) {
      assertEquals(name, FileNames.checkName(name));
    }
  }
}
