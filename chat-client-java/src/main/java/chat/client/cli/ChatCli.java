package chat.client.cli;

import chat.client.ChatClient;
import chat.client.ChatErrorException;
import chat.client.ChatListener;
import chat.protocol.Event;
import chat.protocol.FileInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command-line client: one command per run, plain output for scripts, or {@code listen} for
 * an interactive session. Exit codes: 0 done, 1 the server refused (its error code is printed),
 * 2 bad usage, 3 cannot connect or log in (or the connection was lost for good).
 */
public final class ChatCli {
  static final int OK = 0;
  static final int REFUSED = 1;
  static final int USAGE_ERROR = 2;
  static final int UNAVAILABLE = 3;

  static final String USAGE = String.join("\n",
      "Usage: java -jar chat-client.jar [options] COMMAND [ARGS]",
      "",
      "Commands:",
      "  send TO TEXT...        send TEXT to @user or #room; prints the message's seq",
      "  upload PATH TO [TEXT...]",
      "                         upload the file PATH and send it to @user or #room, with",
      "                         TEXT; prints the message's seq, then the file's URL",
      "  reply CONV SEQ TEXT... send TEXT to CONV as an answer to its message SEQ; prints",
      "                         the new message's seq",
      "  edit CONV SEQ TEXT...  replace the text of your message SEQ; prints the change's rev",
      "  delete CONV SEQ        delete message SEQ (yours, or as a room's owner or",
      "                         moderator); prints the change's rev",
      "  react CONV SEQ EMOJI   react to message SEQ with EMOJI; prints the rev",
      "  unreact CONV SEQ EMOJI take your reaction EMOJI back; prints the rev",
      "  history CONV [LIMIT]   print the latest messages of @user or #room, oldest first,",
      "                         one per line: CONV SEQ TIME FROM: TEXT, with [reply to N],",
      "                         [edited], [deleted], [EMOJI USER,USER] and [file NAME SIZE",
      "                         URL] where they apply",
      "  updates CONV [AFTER_REV]",
      "                         print the changes to CONV's messages after AFTER_REV (default",
      "                         0), one per line: CONV REV ACTION SEQ BY[: TEXT or reactions]",
      "  search WORDS...        print the messages, newest first, that have words starting",
      "                         with each of WORDS, in every conversation you can read; one",
      "                         per line as in history (at most 100 lines)",
      "  search-in CONV WORDS...",
      "                         the same, in one conversation",
      "  conversations          print your conversations: CONV LAST_SEQ READ_SEQ",
      "  rooms [QUERY...]       print the rooms you can see (those whose name starts with",
      "                         QUERY or whose topic has its words): ROOM MEMBERS joined|- TOPIC",
      "  create ROOM [TOPIC]    create a public room",
      "  join ROOM              join a public room",
      "  leave ROOM             leave a room",
      "  topic ROOM [TOPIC...]  set a room's topic (owner or moderator)",
      "  ban ROOM USER          remove USER from a room and keep them out (owner or moderator)",
      "  unban ROOM USER        let USER in again",
      "  bans ROOM              print the users banned from a room, one per line",
      "  role ROOM USER ROLE    give USER the role owner, moderator or member (owner only;",
      "                         giving owner hands the room over)",
      "  delete-room ROOM       delete a room you own, with its history",
      "  block USER             stop direct messages, typing and presence between you and USER",
      "  unblock USER           undo block",
      "  blocked                print the users you blocked, one per line",
      "  token                  log in and print a token for --token / CHAT_TOKEN",
      "  password               change your password to the first line of standard input",
      "                         (needs the current one); ends your other logins; prints the",
      "                         new token",
      "  logout                 revoke the token in use (--token / CHAT_TOKEN)",
      "  logout-all             revoke every token of yours: log out everywhere",
      "  delete-account USER    delete your account for good (needs the password); USER is",
      "                         your user name, as confirmation",
      "  listen                 print messages and changes (as in history and updates) as",
      "                         they arrive; lines typed as",
      "                         '@user text' or '#room text' are sent; end of input quits",
      "",
      "Options (or environment variables):",
      "  --server URL           WebSocket URL [CHAT_SERVER] (default ws://localhost:8081/ws)",
      "  --user NAME            [CHAT_USER]",
      "  --password PASSWORD    [CHAT_PASSWORD] (prefer the variable: arguments show in ps)",
      "  --token TOKEN          [CHAT_TOKEN] instead of user and password",
      "  --http URL             the server's HTTP origin, for files [CHAT_HTTP] (default:",
      "                         the --server host and port, as http or https)",
      "  --register             create the account if it does not exist",
      "",
      "Exit codes: 0 done, 1 refused by the server, 2 bad usage, 3 cannot connect or log in.",
      "");
  private static final long TIMEOUT_SECONDS = Commands.TIMEOUT_SECONDS;

  private ChatCli() {}

  public static void main(String[] args) {
    System.setProperty("slf4j.internal.verbosity", "ERROR"); // no logging binding: stay quiet
    System.exit(run(args, System.getenv(), System.in, System.out, System.err));
  }

  /** Runs one command; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out,
      PrintStream err) {
    String server = env.getOrDefault("CHAT_SERVER", "ws://localhost:8081/ws");
    String user = env.get("CHAT_USER");
    String password = env.get("CHAT_PASSWORD");
    String token = env.get("CHAT_TOKEN");
    String http = env.get("CHAT_HTTP");
    boolean register = false;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      boolean takesValue = List.of("--server", "--user", "--password", "--token", "--http")
          .contains(arg);
      if (takesValue && i + 1 >= args.length) {
        err.println("chat-client: " + arg + " needs a value");
        return USAGE_ERROR;
      }
      switch (arg) {
        case "--server" -> server = args[++i];
        case "--user" -> user = args[++i];
        case "--password" -> password = args[++i];
        case "--token" -> token = args[++i];
        case "--http" -> http = args[++i];
        case "--register" -> register = true;
        case "--help", "-h" -> {
          out.print(USAGE);
          return OK;
        }
        default -> {
          if (arg.startsWith("--")) {
            err.println("chat-client: unknown option " + arg);
            return USAGE_ERROR;
          }
          rest.add(arg);
        }
      }
    }
    if (rest.isEmpty()) {
      err.print(USAGE);
      return USAGE_ERROR;
    }
    String command = rest.get(0);
    List<String> params = rest.subList(1, rest.size());
    String usage = Commands.checkParams(command, params);
    if (usage != null) {
      err.println("chat-client: " + usage);
      return USAGE_ERROR;
    }
    if (token == null && (user == null || password == null)) {
      err.println("chat-client: give --user and --password (or CHAT_TOKEN)");
      return USAGE_ERROR;
    }
    if (password == null && Commands.NEED_PASSWORD.contains(command)) {
      err.println("chat-client: " + command + " needs your current password: give --password "
          + "(or CHAT_PASSWORD)");
      return USAGE_ERROR;
    }
    String newPassword = null;
    if (command.equals("password")) {
      newPassword = firstLine(in);
      if (newPassword == null || newPassword.isEmpty()) {
        err.println("chat-client: password: give the new password on the first line of "
            + "standard input");
        return USAGE_ERROR;
      }
    }
    ChatClient.Builder builder;
    try {
      builder = ChatClient.builder(URI.create(server));
    } catch (IllegalArgumentException e) {
      err.println("chat-client: bad --server: " + e.getMessage());
      return USAGE_ERROR;
    }
    if (http != null) {
      try {
        builder = builder.httpOrigin(URI.create(http));
      } catch (IllegalArgumentException e) {
        err.println("chat-client: bad --http: " + e.getMessage());
        return USAGE_ERROR;
      }
    }
    if (user != null && password != null) {
      builder = register ? builder.register(user, password) : builder.login(user, password);
    }
    if (token != null) {
      builder = builder.token(token);
    }
    CliListener listener = new CliListener(out, command.equals("listen"));
    try (ChatClient client = builder.listener(listener).build()) {
      CompletableFuture<Object> ready = CompletableFuture.anyOf(
          client.connect(), listener.firstDisconnect);
      try {
        ready.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        err.println("chat-client: cannot log in to " + server + ": " + message(e));
        return UNAVAILABLE;
      }
      if (listener.firstDisconnect.isDone()) {
        err.println("chat-client: cannot connect to " + server + ": "
            + listener.firstDisconnect.join());
        return UNAVAILABLE;
      }
      if (command.equals("listen")) {
        return listen(client, in, err, listener);
      }
      return Commands.execute(client, command, params, password, newPassword, out, err);
    } catch (ExecutionException e) {
      err.println("chat-client: " + message(e));
      return e.getCause() instanceof ChatErrorException ? REFUSED : UNAVAILABLE;
    } catch (TimeoutException e) {
      err.println("chat-client: no answer from the server within " + TIMEOUT_SECONDS + " s");
      return UNAVAILABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNAVAILABLE;
    }
  }

  /** The first line of {@code in} (without its line end), or null at once end of input. */
  private static String firstLine(InputStream in) {
    try {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      return null;
    }
  }

  /** Prints messages (from the listener) and sends typed lines until input ends. */
  private static int listen(ChatClient client, InputStream in, PrintStream err,
      CliListener listener) throws InterruptedException, TimeoutException {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>(100);
    String endOfInput = new String("end of input"); // compared by identity
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lines.put(line);
        }
      } catch (IOException | InterruptedException e) {
        // treated as the end of input
      }
      lines.offer(endOfInput);
    }, "chat-cli-stdin");
    reader.setDaemon(true); // a read of stdin cannot be interrupted; must not keep the JVM up
    reader.start();
    err.println("chat-client: listening as " + client.user() + "; end of input quits");
    while (true) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (listener.failure.isDone()) {
        err.println("chat-client: " + listener.failure.join());
        return UNAVAILABLE;
      }
      if (line == null) {
        continue;
      }
      if (line == endOfInput) {
        return OK;
      }
      int space = line.indexOf(' ');
      if (space > 1 && (line.startsWith("@") || line.startsWith("#"))) {
        try {
          await(client.send(line.substring(0, space), line.substring(space + 1)));
        } catch (ExecutionException e) {
          err.println("chat-client: " + message(e));
        }
      } else if (!line.isBlank()) {
        err.println("chat-client: type '@user text' or '#room text'");
      }
    }
  }

  /**
   * {@code #general 12 2026-11-24T10:00:00Z alice: hi}; continuation lines are indented. A
   * reply starts with {@code [reply to N]}; an edited message ends with {@code [edited]}, a
   * deleted one reads {@code [deleted]}; reactions follow as {@code [👍 alice,bob]}, then each
   * file as {@code [file cat.png 48213 http://…/files/ID]}.
   */
  static String format(Event.Message m) {
    StringBuilder line = new StringBuilder().append(m.conv()).append(' ').append(m.seq())
        .append(' ').append(Instant.ofEpochMilli(m.ts())).append(' ').append(m.from())
        .append(':');
    if (m.replyTo() != null) {
      line.append(" [reply to ").append(m.replyTo()).append(']');
    }
    if (m.deleted()) {
      line.append(" [deleted]");
    } else {
      line.append(' ').append(printable(m.text()).replace("\n", "\n  "));
    }
    if (m.edited() != null && !m.deleted()) {
      line.append(" [edited]");
    }
    line.append(reactions(m));
    for (FileInfo f : m.files()) {
      line.append(" [file ").append(f.name()).append(' ').append(f.size()).append(' ')
          .append(f.url()).append(']');
    }
    return line.toString();
  }

  /**
   * {@code #general 5 react 12 carol: [👍 alice,carol]}: the conversation, rev, action, the
   * message's seq and who changed it; then the new text of an edit, the reactions after a
   * reaction, nothing after a deletion.
   */
  static String format(Event.Update u) {
    String head = u.conv() + " " + u.rev() + " " + u.action() + " " + u.seq() + " " + u.by();
    return switch (u.action()) {
      case "edit" -> head + ": " + printable(u.message().text()).replace("\n", "\n  ");
      case "react" -> head + ":" + reactions(u.message());
      default -> head;
    };
  }

  /**
   * {@code text} safe for a terminal: control characters other than the line break (escape
   * sequences could move the cursor, retitle the window, or on some terminals write the
   * clipboard) and text-direction controls (which reorder what follows them on the line) become
   * {@code ?}. Other users choose the text of their messages.
   */
  static String printable(String text) {
    StringBuilder s = new StringBuilder(text.length());
    text.codePoints().forEach(c -> s.appendCodePoint(c == '\n' ? c
        : Character.isISOControl(c) || c == 0x061C || c == 0x200E || c == 0x200F
            || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ? '?' : c));
    return s.toString();
  }

  private static String reactions(Event.Message m) {
    StringBuilder s = new StringBuilder();
    m.reactions().forEach((emoji, users) ->
        s.append(" [").append(emoji).append(' ').append(String.join(",", users)).append(']'));
    return s.toString();
  }

  private static <T> T await(Future<T> f)
      throws ExecutionException, TimeoutException, InterruptedException {
    return Commands.await(f);
  }

  private static String message(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  /** Prints live messages in {@code listen} mode; notices failures. */
  private static final class CliListener extends ChatListener {
    final CompletableFuture<String> firstDisconnect = new CompletableFuture<>();
    final CompletableFuture<String> failure = new CompletableFuture<>();
    private final PrintStream out;
    private final boolean live;
    private volatile boolean connected;

    CliListener(PrintStream out, boolean live) {
      this.out = out;
      this.live = live;
    }

    @Override
    public void onStateChanged(ChatClient client, ChatClient.State state) {
      if (state == ChatClient.State.CONNECTED) {
        connected = true;
      }
    }

    @Override
    public void onDisconnected(ChatClient client, int code, String reason) {
      if (!connected) {
        firstDisconnect.complete(reason); // a script wants to know now, not after retries
      }
    }

    @Override
    public void onFailure(ChatClient client, Throwable e) {
      failure.complete(e.getMessage());
    }

    @Override
    public void onClosed(ChatClient client) {
      failure.complete("connection closed");
    }

    @Override
    public void onMessage(ChatClient client, Event.Message m) {
      if (live) {
        out.println(format(m));
        out.flush();
      }
    }

    @Override
    public void onUpdate(ChatClient client, Event.Update u) {
      if (live) {
        out.println(format(u));
        out.flush();
      }
    }
  }
}
