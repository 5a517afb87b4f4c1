package chat.client;

import chat.client.ChatClientException.NotConnectedException;
import chat.protocol.ErrorCode;
import chat.protocol.FileInfo;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /files} with the login token (PROTOCOL.md "Files and images"), on the JDK's HTTP
 * client: the answer becomes a {@link FileInfo} whose URL is absolute (the file is served there
 * once sent), a refusal a {@link ChatErrorException} with the server's code ({@code too_large}
 * for 413, {@code unauthorized} for 401, {@code rate_limited} with its wait for 429, …). The
 * body streams from its publisher: a file is never read into memory whole.
 *
 * <p>Unless given one, uploads use one JDK {@link HttpClient} shared by every {@link ChatClient}
 * of the JVM, made at the first upload: Java 17's client cannot be closed, and its selector
 * thread (a daemon) lives as long as the client, so one per {@link ChatClient} would outlive
 * {@link ChatClient#close()}.
 */
final class Uploader {
  /** The most of an answer's body read: the server's answers are a few hundred bytes. */
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  private final HttpClient http; // null: the shared one
  private final FileUrls urls;
  private final Duration timeout;

  Uploader(HttpClient http, FileUrls urls, Duration timeout) {
    this.http = http;
    this.urls = urls;
    this.timeout = timeout;
  }

  /** The shared client, made on first use (the holder idiom). */
  private static final class Shared {
    static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  CompletableFuture<FileInfo> upload(String token, HttpRequest.BodyPublisher body, String name,
      String type) {
    if (token == null) {
      return CompletableFuture.failedFuture(new NotConnectedException());
    }
    HttpRequest request = HttpRequest.newBuilder(urls.origin().resolve("/files"))
        .timeout(timeout)
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", type)
        .header("X-File-Name", URLEncoder.encode(name, StandardCharsets.UTF_8)
            .replace("+", "%20"))
        .POST(body)
        .build();
    // The request's timeout stops counting once the answer's headers are in (Java 17): the
    // whole exchange has the same bound here, so a server trickling its answer cannot hold the
    // caller forever.
    return (http != null ? http : Shared.HTTP)
        .sendAsync(request, info -> new BoundedText(MAX_ANSWER_BYTES))
        .thenApply(this::answer)
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * An answer's body as UTF-8 text, refused (the exchange cancelled) once it passes {@code max}
   * bytes: a broken or hostile server, or anyone on an http:// path, could otherwise send an
   * endless one into memory.
   */
  static final class BoundedText implements HttpResponse.BodySubscriber<String> {
    private final int max;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedText(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<String> getBody() {
      return text;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        if (text.isDone()) {
          return;
        }
        if (bytes.size() + b.remaining() > max) {
          subscription.cancel();
          text.completeExceptionally(new ChatClientException(
              "upload: the server's answer passed " + max + " bytes"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable failure) {
      text.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      text.complete(bytes.toString(StandardCharsets.UTF_8));
    }
  }

  private FileInfo answer(HttpResponse<String> response) {
    JsonObject body;
    try {
      body = JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new ChatClientException("upload: HTTP " + response.statusCode()
          + " without a JSON answer (is " + urls.origin() + " the chat server's HTTP origin?)");
    }
    try {
      if (response.statusCode() == 201) {
        String id = body.get("file").getAsString();
        return new FileInfo(id, body.get("name").getAsString(), body.get("size").getAsLong(),
            body.get("type").getAsString(), urls.resolve(FileInfo.path(id)));
      }
      ErrorCode code = ErrorCode.fromWire(body.get("code").getAsString());
      Long retryAfterMs = body.has("retryAfterMs") ? body.get("retryAfterMs").getAsLong() : null;
      throw new ChatErrorException(code, body.get("message").getAsString(), retryAfterMs);
    } catch (RuntimeException e) {
      if (e instanceof ChatClientException) {
        throw e;
      }
      throw new ChatClientException("upload: malformed answer (HTTP " + response.statusCode()
          + "): " + e.getMessage(), e);
    }
  }
}
