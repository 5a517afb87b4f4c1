package chat.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a file may be called and typed as. A name is only ever shown (and sent back in
 * Content-Disposition): it never names anything on disk, where a file is stored under its id.
 */
final class FileNames {
  static final int MAX_NAME_CHARS = 255;
  static final String OCTET_STREAM = "application/octet-stream";

  /** type/subtype, RFC 6838 restricted names, lower case. */
  private static final Pattern MEDIA_TYPE = Pattern.compile(
      "[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}");
  /** A file id: url-safe base64, as {@link FileServiceImpl#newId} makes them. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22,64}");

  private FileNames() {}

  /**
   * {@code name} if it is acceptable: 1 to {@value #MAX_NAME_CHARS} characters, not only spaces,
   * not {@code .} or {@code ..}, without path separators, control characters, line breaks,
   * characters that reverse text direction (which could make {@code evil.exe} look like a
   * picture) or other invisible format characters (a zero-width space, a byte order mark: two
   * names that look the same), but for the joiners and tags that emoji and some scripts need.
   */
  static String checkName(String name) throws ChatException {
    if (name == null || name.isBlank()) {
      throw ChatException.badRequest("X-File-Name: required");
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw ChatException.badRequest("X-File-Name: at most " + MAX_NAME_CHARS + " characters");
    }
    if (name.equals(".") || name.equals("..")) {
      throw ChatException.badRequest("X-File-Name: not a file name");
    }
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int type = Character.getType(cp);
      if (cp == '/' || cp == '\\' || type == Character.CONTROL
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.UNASSIGNED || type == Character.SURROGATE
          || cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
          || (cp >= 0x2066 && cp <= 0x2069) || (type == Character.FORMAT && !joinerOrTag(cp))) {
        throw ChatException.badRequest(String.format("X-File-Name: character U+%04X is not "
            + "allowed (path separator, control, line break, text direction or invisible)",
            cp));
      }
      i += Character.charCount(cp);
    }
    return name;
  }

  /**
   * The format characters a name may hold: zero-width non-joiner and joiner (emoji sequences,
   * Persian and Indic text) and the tags of emoji flag sequences.
   */
  private static boolean joinerOrTag(int cp) {
    return cp == 0x200C || cp == 0x200D || (cp >= 0xE0020 && cp <= 0xE007F);
  }

  /**
   * The media type of a Content-Type ({@code type/subtype}, lower case, parameters dropped), or
   * {@value #OCTET_STREAM} when it is missing or not a plain media type.
   */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return OCTET_STREAM;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip().toLowerCase(Locale.ROOT);
    return MEDIA_TYPE.matcher(type).matches() ? type : OCTET_STREAM;
  }

  /** Whether {@code id} could be a file id at all (checked before any store lookup). */
  static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
