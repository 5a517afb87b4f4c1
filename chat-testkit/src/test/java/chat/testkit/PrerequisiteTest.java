package chat.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PrerequisiteTest {
  private static final String REQUIRED = "chat.testkit.test.required";
  private static final String MISSING = "tool was not found (in the PATH)";

  @AfterEach
  void clearProperty() {
    System.clearProperty(REQUIRED);
  }

  @Test
  void whatIsFoundIsReturned() {
    assertEquals("here", Prerequisite.require(Optional.of("here"), MISSING, "Tool", REQUIRED));
  }

  @Test
  void missingSkipsTheTestAndSaysHowToMakeItFail() {
    TestAbortedException e = assertThrows(TestAbortedException.class,
        () -> Prerequisite.require(Optional.empty(), MISSING, "Tool", REQUIRED));
    assertEquals("tool was not found (in the PATH): Tool tests skipped "
        + "(-Dchat.testkit.test.required=true makes this a failure)", e.getMessage());
  }

  @Test
  void missingFailsWhenRequired() {
    System.setProperty(REQUIRED, "true");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Prerequisite.require(Optional.empty(), MISSING, "Tool", REQUIRED));
    assertEquals("tool was not found (in the PATH), and chat.testkit.test.required is true",
        e.getMessage());
  }
}
