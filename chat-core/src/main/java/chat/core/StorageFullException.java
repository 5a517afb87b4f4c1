package chat.core;

import chat.protocol.ErrorCode;

/**
 * An upload refused, or stopped, because the disk holding the files is down to its floor
 * ({@link ChatConfig.Files#minFreeDiskBytes()}): the server's condition, not the client's fault,
 * so its code is {@code internal}; over HTTP it is {@code 507 Insufficient Storage}.
 */
public final class StorageFullException extends ChatException {
  StorageFullException() {
    super(ErrorCode.INTERNAL, "the server's disk is nearly full: uploads are refused until an"
        + " operator frees space");
  }
}
