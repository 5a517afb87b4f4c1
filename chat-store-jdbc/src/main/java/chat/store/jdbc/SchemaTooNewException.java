package chat.store.jdbc;

/**
 * The database was migrated by a newer release than this one: it is refused rather than
 * misread. Restarting cannot fix that; running the newer release, or restoring a backup taken
 * before the upgrade, can.
 */
public final class SchemaTooNewException extends IllegalStateException {
  SchemaTooNewException(String message) {
    super(message);
  }
}
