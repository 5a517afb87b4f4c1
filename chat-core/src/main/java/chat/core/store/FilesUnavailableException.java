package chat.core.store;

/**
 * An append named a file that cannot be attached: no such file, someone else's, or attached to
 * a message already (perhaps by a send that won a race). Nothing was stored. A caller's mistake,
 * not a store fault.
 */
public final class FilesUnavailableException extends RuntimeException {
  private final String fileId;

  public FilesUnavailableException(String fileId) {
    super("file " + fileId + " is not an unsent upload of the sender", null, false, false);
    this.fileId = fileId;
  }

  public String fileId() {
    return fileId;
  }
}
