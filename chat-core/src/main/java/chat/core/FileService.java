package chat.core;

import chat.core.store.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The HTTP side of files (PROTOCOL.md "Files and images"): who may upload, what, how much and
 * how often; and which files may be downloaded. The transport (the app's web server) streams the
 * bytes; every decision is made here. Thread-safe.
 *
 * <p>Limits ({@link ChatConfig.Files}): a file is at most {@code limits.maxUploadBytes}; a user
 * may have a few uploads in progress and all users together a few more; uploads per user are
 * rate-limited; a user may have only so many uploaded files not yet sent, and such a file is
 * erased after {@link ChatConfig.Files#pendingTtl()}; a user's files, sent and not, may take at
 * most {@link ChatConfig.Files#maxBytesPerUser()} bytes.
 */
public interface FileService {

  /**
   * The user a login token signs in, for {@code Authorization: Bearer}.
   *
   * @throws ChatException {@code unauthorized} for an unknown, expired or revoked token, or an
   *     account that may not sign in
   */
  String authenticate(String token) throws ChatException;

  /**
   * Starts an upload by {@code user}. {@code name} is the file's name as the user gave it;
   * {@code type} the Content-Type (anything that is not a plain media type becomes {@code
   * application/octet-stream}); {@code declaredBytes} the Content-Length, or -1 if not known.
   *
   * @throws ChatException {@code too_large} when the declared size is over the limit, {@code
   *     bad_request} for a name that is not acceptable, {@code rate_limited} (with {@code
   *     retryAfterMs}) for too many uploads in progress or too many too fast, {@code forbidden}
   *     when the user has too many files uploaded and not sent, {@link StorageFullException}
   *     when the declared size would take the files' disk below its floor
   */
  Upload begin(String user, String name, String type, long declaredBytes) throws ChatException;

  /**
   * One upload in progress: holds its slot until {@link #finish} or {@link #abort}. Not
   * thread-safe: one caller writes, in order.
   */
  interface Upload {
    /**
     * Appends the buffer's remaining bytes.
     *
     * @throws ChatException {@code too_large} once the upload passes the limit, {@link
     *     StorageFullException} once the disk is down to its floor (looked at every MiB); either
     *     way the upload is aborted
     */
    void write(ByteBuffer bytes) throws ChatException, IOException;

    /** Stores the file (durably), a pending file of its uploader, and frees the slot. */
    StoredFile finish() throws IOException;

    /** Drops the upload and frees its slot; does nothing after {@link #finish}. Idempotent. */
    void abort();
  }

  /** A file attached to a message, with its bytes (to be closed). */
  record Download(StoredFile file, InputStream bytes) {}

  /**
   * The file with this id and its bytes, if it is attached to a message; empty for an unknown
   * id, a file not yet sent, and a file whose message or conversation was deleted.
   */
  Optional<Download> download(String id) throws IOException;
}
