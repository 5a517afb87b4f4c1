package chat.client;

import chat.protocol.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends not yet acknowledged by the server, in the order they were made, each keyed by its
 * {@code cid}. A send stays here across reconnects until an {@code ok} (or a final error) takes
 * it out; {@link #next()} hands out the oldest one not currently on the wire. Bounded: {@link
 * #isFull()} says when a new send must be refused. Only accessed by the client's state thread.
 */
final class SendQueue {

  /** One send; {@code inFlight} while a transmission of it awaits its reply. */
  static final class Pending {
    final String to;
    final String text;
    final String cid;
    final Long replyTo; // the seq this message answers, or null
    final List<String> files; // ids of uploaded files to attach
    final CompletableFuture<Result.Sent> future;
    boolean inFlight;

    Pending(String to, String text, String cid, CompletableFuture<Result.Sent> future) {
      this(to, text, cid, null, List.of(), future);
    }

    Pending(String to, String text, String cid, Long replyTo, List<String> files,
        CompletableFuture<Result.Sent> future) {
      this.to = to;
      this.text = text;
      this.cid = cid;
      this.replyTo = replyTo;
      this.files = List.copyOf(files);
      this.future = future;
    }
  }

  private final int capacity;
  private final LinkedHashMap<String, Pending> byCid = new LinkedHashMap<>();
  private int inFlight;

  SendQueue(int capacity) {
    this.capacity = capacity;
  }

  int capacity() {
    return capacity;
  }

  boolean isFull() {
    return byCid.size() >= capacity;
  }

  int size() {
    return byCid.size();
  }

  /** Sends transmitted on the current connection and not yet answered. */
  int inFlight() {
    return inFlight;
  }

  Pending find(String cid) {
    return byCid.get(cid);
  }

  boolean contains(Pending send) {
    return byCid.get(send.cid) == send;
  }

  void add(Pending send) {
    if (isFull()) {
      throw new IllegalStateException("queue full");
    }
    if (byCid.putIfAbsent(send.cid, send) != null) {
      throw new IllegalStateException("cid " + send.cid + " is already queued");
    }
  }

  /** The oldest send not on the wire, or null. */
  Pending next() {
    for (Pending p : byCid.values()) {
      if (!p.inFlight) {
        return p;
      }
    }
    return null;
  }

  void transmitted(Pending send) {
    if (!send.inFlight) {
      send.inFlight = true;
      inFlight++;
    }
  }

  /** A reply (of any kind) came for this send's transmission. */
  void answered(Pending send) {
    if (send.inFlight) {
      send.inFlight = false;
      inFlight--;
    }
  }

  void remove(Pending send) {
    if (contains(send)) {
      answered(send);
      byCid.remove(send.cid);
    }
  }

  /** The connection is gone: nothing is on the wire any more; everything is sent again later. */
  void connectionLost() {
    for (Pending p : byCid.values()) {
      p.inFlight = false;
    }
    inFlight = 0;
  }

  /** Empties the queue, returning what was in it (oldest first). */
  List<Pending> drain() {
    List<Pending> all = new ArrayList<>(byCid.values());
    byCid.clear();
    inFlight = 0;
    return all;
  }
}
