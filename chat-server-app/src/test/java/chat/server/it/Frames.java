package chat.server.it;

import com.google.gson.JsonObject;

/** Builds request frames: {@code Frames.of("type", "send", "to", "@bob", "seq", 3)}. */
final class Frames {
  private Frames() {}

  static JsonObject of(Object... keysAndValues) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String key = (String) keysAndValues[i];
      Object value = keysAndValues[i + 1];
      if (value instanceof Number n) {
        o.addProperty(key, n);
      } else if (value instanceof Boolean b) {
        o.addProperty(key, b);
      } else {
        o.addProperty(key, (String) value);
      }
    }
    return o;
  }
}
