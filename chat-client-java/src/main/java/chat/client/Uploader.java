package chat.client;

import chat.client.ChatClientException.NotConnectedException;
import chat.protocol.ErrorCode;
import chat.protocol.FileInfo;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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
    return (http != null ? http : Shared.HTTP)
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(this::answer);
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
