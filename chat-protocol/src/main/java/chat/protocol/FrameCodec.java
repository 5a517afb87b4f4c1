package chat.protocol;

/**
 * Turns text frames into {@link Request}s and {@link Event}s into text frames, and the reverse for
 * clients. Thread-safe and stateless.
 *
 * <p>{@link #decodeRequest} is for untrusted input: it never throws; it returns {@link
 * DecodeResult.Invalid} with a precise reason for anything that is not a well-formed request
 * (not JSON, not an object, trailing data, nesting deeper than {@link #MAX_NESTING}, duplicate
 * fields, unknown {@code type}, missing or mistyped fields). Unknown fields are ignored, so
 * clients may send fields from later protocol versions.
 */
public final class FrameCodec {

  /** Deepest nesting of arrays and objects accepted in a request frame. */
  public static final int MAX_NESTING = 16;

  public DecodeResult decodeRequest(String frame) {
    return RequestDecoder.decode(frame);
  }

  public String encode(Event event) {
    return EventEncoder.encode(event);
  }

  public String encode(Request request) {
    return RequestEncoder.encode(request);
  }

  /**
   * Decodes a server frame. The fields of an {@code ok} reply are read as the {@link Result} whose
   * distinguishing field they carry ({@code token}: {@link Result.Auth}, {@code messages}: {@link
   * Result.History}, …; none: {@link Result.Empty}). Unknown event types are reported as a
   * {@link MalformedFrameException} so a client can skip them.
   *
   * @throws MalformedFrameException if the frame is not a server frame of this protocol
   */
  public Event decodeEvent(String frame) {
    return EventDecoder.decode(frame);
  }
}
