package chat.core;

import chat.core.store.Account;
import chat.core.store.AccountStore;
import chat.core.store.ConvId;
import chat.core.store.FileStore;
import chat.core.store.StoredFile;
import chat.core.store.TokenRecord;
import chat.protocol.ErrorCode;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** See {@link FileService}; the names and types it accepts are {@link FileNames}' rules. */
@Singleton
final class FileServiceImpl implements FileService {
  private static final Logger log = LoggerFactory.getLogger(FileServiceImpl.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Random bytes of a file id: 192 bits, 32 url-safe characters. */
  private static final int ID_BYTES = 24;
  /** Told to a client refused for uploads in progress: about when one may have ended. */
  private static final long BUSY_RETRY_MS = 1_000;
  /** Bytes an upload writes between two looks at the disk's free space. */
  static final long DISK_LOOK_BYTES = 1L << 20;
  /** How often a full disk is told to the log, at most. */
  private static final long DISK_WARN_MS = 60_000;

  private final FileStore files;
  private final AccountStore accounts;
  private final ChatConfig config;
  private final Clock clock;
  private final LocalLimits buckets;
  private final Object slots = new Object();
  private final Map<String, Integer> inProgress = new HashMap<>(); // by user; guarded by slots
  private int inProgressTotal; // guarded by slots
  private final AtomicLong diskWarnedAt = new AtomicLong(Long.MIN_VALUE);

  @Inject
  FileServiceImpl(FileStore files, AccountStore accounts, ChatConfig config, Clock clock,
      LocalLimits buckets) {
    this.buckets = buckets;
    this.files = files;
    this.accounts = accounts;
    this.config = config;
    this.clock = clock;
  }

  @Override
  public String authenticate(String token) throws ChatException {
    Optional<TokenRecord> record = token == null || token.isEmpty()
        ? Optional.empty() : accounts.token(Tokens.hash(token));
    if (record.isEmpty() || record.get().expiresAt() <= clock.millis()
        || accounts.status(record.get().user()).orElse(null) != Account.Status.ACTIVE) {
      throw new ChatException(ErrorCode.UNAUTHORIZED, "token expired or revoked");
    }
    return record.get().user();
  }

  @Override
  public Upload begin(String user, String name, String type, long declaredBytes)
      throws ChatException {
    long max = config.limits().maxUploadBytes();
    if (declaredBytes > max) {
      throw tooLarge(max);
    }
    String checkedName = FileNames.checkName(name);
    String checkedType = FileNames.mediaType(type);
    ChatConfig.Files limits = config.files();
    requireDiskFor(Math.max(0, declaredBytes));
    // What the user's files may still take: the file is cut off there. Uploads running at once
    // each see the same room, so together they may pass it by at most their own sizes.
    long room = limits.maxBytesPerUser() - files.storedBytes(user);
    if (room <= 0 || declaredBytes > room) {
      throw ChatException.forbidden("your files may take at most " + limits.maxBytesPerUser()
          + " bytes, and " + Math.max(0, room) + " are left; delete messages with files to make"
          + " room");
    }
    synchronized (slots) {
      int mine = inProgress.getOrDefault(user, 0);
      if (mine >= limits.maxUploadsPerUser()) {
        throw new ChatException(ErrorCode.RATE_LIMITED,
            "at most " + limits.maxUploadsPerUser() + " uploads at once", BUSY_RETRY_MS);
      }
      if (inProgressTotal >= limits.maxUploads()) {
        throw new ChatException(ErrorCode.RATE_LIMITED, "the server is busy with uploads",
            BUSY_RETRY_MS);
      }
      // Uploads in progress count as pending: parallel uploads cannot pass the cap together.
      if (files.pendingCount(user) + mine >= limits.maxPendingPerUser()) {
        throw ChatException.forbidden("at most " + limits.maxPendingPerUser()
            + " uploaded files may wait to be sent; send them, or wait until they expire");
      }
      long waitMs = buckets.tryTake("upload", user,
          limits.uploadsPerMinute() / (double) TimeUnit.MINUTES.toSeconds(1),
          limits.uploadBurst());
      ChatException.refuseIfWaiting(waitMs, "uploading too fast");
      inProgress.merge(user, 1, Integer::sum);
      inProgressTotal++;
    }
    String id = newId();
    try {
      return new SlotUpload(user, files.create(id, user, checkedName, checkedType,
          clock.millis()), Math.min(max, room));
    } catch (IOException | RuntimeException e) {
      release(user);
      log.error("cannot start storing upload {} of {}", id, user, e);
      throw new ChatException(ErrorCode.INTERNAL, "server fault; nothing was stored");
    }
  }

  @Override
  public Optional<Download> download(String id) throws IOException {
    if (!FileNames.isId(id)) {
      return Optional.empty();
    }
    Optional<StoredFile> file = files.file(id);
    if (file.isEmpty() || !file.get().attached()) {
      return Optional.empty();
    }
    ConvId conv = file.get().conv();
    if (conv.isRoom() && accounts.room(conv.roomName()).isEmpty()) {
      // A deleted room's history still being erased (a big one goes after the deletion is
      // answered, and one cut short by a stop when the name is next created): gone already.
      return Optional.empty();
    }
    Optional<InputStream> bytes = files.open(id);
    return bytes.map(in -> new Download(file.get(), in));
  }

  /** Erases the files uploaded longer than the pending time ago and never sent. */
  void expire() {
    int erased = files.expirePending(
        clock.millis() - config.files().pendingTtl().toMillis());
    if (erased > 0) {
      log.info("erased {} uploaded files that were never sent", erased);
    }
  }

  private void release(String user) {
    synchronized (slots) {
      inProgress.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
      inProgressTotal--;
    }
  }

  /**
   * Throws {@link StorageFullException} if writing {@code bytes} more would take the files' disk
   * below its floor (which a full disk would not let the message store write either).
   */
  private void requireDiskFor(long bytes) throws StorageFullException {
    long floor = config.files().minFreeDiskBytes();
    if (floor == 0) {
      return;
    }
    long free = files.freeBytes();
    if (free - bytes >= floor) {
      return;
    }
    long now = clock.millis();
    long warned = diskWarnedAt.get();
    if ((warned == Long.MIN_VALUE || now - warned >= DISK_WARN_MS)
        && diskWarnedAt.compareAndSet(warned, now)) {
      log.warn("refusing uploads: the files' disk has {} bytes free, and keeps at least {}"
          + " (--min-free-disk-bytes)", free, floor);
    }
    throw new StorageFullException();
  }

  private static ChatException tooLarge(long max) {
    return new ChatException(ErrorCode.TOO_LARGE, "a file may have at most " + max + " bytes");
  }

  static String newId() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * An upload holding one of its user's slots until it is finished or aborted. Synchronized: a
   * timeout may abort it on another thread than the one writing.
   */
  private final class SlotUpload implements Upload {
    private final String user;
    private final FileStore.Upload stored;
    private final long max;
    private long size;
    private long sizeAtDiskLook;
    private boolean done;

    SlotUpload(String user, FileStore.Upload stored, long max) {
      this.user = user;
      this.stored = stored;
      this.max = max;
    }

    @Override
    public synchronized void write(ByteBuffer bytes) throws ChatException, IOException {
      if (done) {
        throw new IllegalStateException("upload is finished");
      }
      size += bytes.remaining();
      if (size > max) {
        abort();
        throw tooLarge(max);
      }
      if (size - sizeAtDiskLook >= DISK_LOOK_BYTES) {
        sizeAtDiskLook = size;
        try {
          requireDiskFor(bytes.remaining());
        } catch (StorageFullException e) {
          abort();
          throw e;
        }
      }
      stored.write(bytes);
    }

    @Override
    public synchronized StoredFile finish() throws IOException {
      if (done) {
        throw new IllegalStateException("upload is finished");
      }
      done = true;
      try {
        return stored.commit();
      } catch (IOException | RuntimeException e) {
        stored.abort();
        throw e;
      } finally {
        release(user);
      }
    }

    @Override
    public synchronized void abort() {
      if (!done) {
        done = true;
        stored.abort();
        release(user);
      }
    }
  }
}
