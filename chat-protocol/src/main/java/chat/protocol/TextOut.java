package chat.protocol;

import java.io.Writer;

/**
 * Where the encoders write a frame's text: a {@link Writer} over a {@link StringBuilder},
 * without {@link java.io.StringWriter}'s lock on every call (its buffer is a StringBuffer).
 * One per frame, used by one thread.
 */
final class TextOut extends Writer {
  private final StringBuilder text;

  TextOut(int capacity) {
    this.text = new StringBuilder(capacity);
  }

  @Override
  public void write(int c) {
    text.append((char) c);
  }

  @Override
  public void write(char[] chars, int offset, int length) {
    text.append(chars, offset, length);
  }

  @Override
  public void write(String s) {
    text.append(s);
  }

  @Override
  public void write(String s, int offset, int length) {
    text.append(s, offset, offset + length);
  }

  @Override
  public TextOut append(CharSequence s) {
    text.append(s);
    return this;
  }

  @Override
  public TextOut append(CharSequence s, int start, int end) {
    text.append(s, start, end);
    return this;
  }

  @Override
  public TextOut append(char c) {
    text.append(c);
    return this;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  @Override
  public String toString() {
    return text.toString();
  }
}
