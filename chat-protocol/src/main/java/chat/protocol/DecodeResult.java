package chat.protocol;

import static java.util.Objects.requireNonNull;

/** What {@link FrameCodec#decodeRequest} made of a text frame: a request, or why it is none. */
public sealed interface DecodeResult {

  record Valid(Request request) implements DecodeResult {
    public Valid { requireNonNull(request, "request is null"); }
  }

  /**
   * The frame is not a valid request. {@code re} is the frame's id when one could be read (so the
   * error reply can name it), else null; {@code message} says precisely what is wrong.
   */
  record Invalid(String re, String message) implements DecodeResult {
    public Invalid { requireNonNull(message, "message is null"); }
  }
}
