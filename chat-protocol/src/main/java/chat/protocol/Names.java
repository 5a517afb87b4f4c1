package chat.protocol;

import java.util.Locale;
import java.util.regex.Pattern;

/** The naming rules of PROTOCOL.md, shared by the server and clients. */
public final class Names {

  public static final Pattern USER = Pattern.compile("^[a-z0-9][a-z0-9_.-]{2,31}$");
  public static final Pattern ROOM = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");
  public static final int MIN_PASSWORD_CHARS = 8;
  public static final int MAX_PASSWORD_CHARS = 256;
  public static final int MAX_CID_CHARS = 64;

  private Names() {}

  /** Case-folds a user name as the server does before checking or storing it. */
  public static String foldUser(String user) {
    return user.toLowerCase(Locale.ROOT);
  }

  /**
   * Normalises a room name as given in create/join/…: a leading {@code #} is dropped and it is
   * case-folded, so {@code "#General"} names the room {@code general}.
   */
  public static String foldRoom(String room) {
    String name = room.startsWith("#") ? room.substring(1) : room;
    return name.toLowerCase(Locale.ROOT);
  }

  public static boolean isValidUser(String folded) {
    return USER.matcher(folded).matches();
  }

  public static boolean isValidRoom(String folded) {
    return ROOM.matcher(folded).matches();
  }
}
