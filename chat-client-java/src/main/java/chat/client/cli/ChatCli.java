package chat.client.cli;

import chat.client.ChatClient;
import chat.client.ChatClientException;
import chat.client.ChatErrorException;
import chat.client.ChatListener;
import chat.protocol.Event;
import chat.protocol.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command-line client. Plain output for scripts; exit codes: 0 done, 1 the server refused
 * (its error code is printed), 2 bad usage, 3 cannot connect or log in.
 */
public final class ChatCli {
  static final String USAGE = String.join("\n",
      "Usage: java -jar chat-client.jar [options] COMMAND [ARGS]",
      "",
      "Commands:",
      "  send TO TEXT...        send TEXT to @user or #room; prints the message's seq",
      "  history CONV [LIMIT]   print the latest messages of @user or #room (oldest first)",
      "  join ROOM              join a public room",
      "  create ROOM [TOPIC]    create a public room",
      "  rooms                  list the rooms you can see",
      "  token                  log in and print a token for CHAT_TOKEN",
      "  listen                 print messages as they arrive; lines typed as",
      "                         '@user text' or '#room text' are sent; Ctrl-D quits",
      "",
      "Options (or environment variables):",
      "  --server URL           WebSocket URL [CHAT_SERVER] (default ws://localhost:8081/ws)",
      "  --user NAME            [CHAT_USER]",
      "  --password PASSWORD    [CHAT_PASSWORD] (prefer the variable: arguments are visible in ps)",
      "  --token TOKEN          [CHAT_TOKEN] instead of user and password",
      "  --register             create the account if it does not exist",
      "",
      "Exit codes: 0 done, 1 refused by the server, 2 bad usage, 3 cannot connect or log in.",
      "");
  private static final long TIMEOUT_SECONDS = 15;

  private ChatCli() {}

  public static void main(String[] args) {
    System.setProperty("slf4j.internal.verbosity", "ERROR"); // no logging binding: stay quiet
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String server = env.getOrDefault("CHAT_SERVER", "ws://localhost:8081/ws");
    String user = env.get("CHAT_USER");
    String password = env.get("CHAT_PASSWORD");
    String token = env.get("CHAT_TOKEN");
    boolean register = false;
    List<String> rest = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--server" -> server = args[++i];
          case "--user" -> user = args[++i];
          case "--password" -> password = args[++i];
          case "--token" -> token = args[++i];
          case "--register" -> register = true;
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          default -> {
            if (args[i].startsWith("--")) {
              err.println("chat-client: unknown option " + args[i]);
              return 2;
            }
            rest.add(args[i]);
          }
        }
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      err.println("chat-client: " + args[args.length - 1] + " needs a value");
      return 2;
    }
    if (rest.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    ChatClient.Builder builder;
    try {
      builder = ChatClient.builder(URI.create(server));
    } catch (IllegalArgumentException e) {
      err.println("chat-client: " + e.getMessage());
      return 2;
    }
    if (user != null && password != null) {
      builder = register ? builder.register(user, password) : builder.login(user, password);
    }
    if (token != null) {
      builder = builder.token(token);
    }
    if (token == null && (user == null || password == null)) {
      err.println("chat-client: give --user and --password (or CHAT_TOKEN)");
      return 2;
    }
    String command = rest.get(0);
    List<String> params = rest.subList(1, rest.size());
    PrintListener listener = new PrintListener(out, command.equals("listen"));
    try (ChatClient client = builder.listener(listener).build()) {
      try {
        await(client.connect());
      } catch (ExecutionException | TimeoutException e) {
        err.println("chat-client: cannot connect to " + server + ": " + cause(e).getMessage());
        return 3;
      }
      return execute(client, command, params, out, err);
    } catch (ExecutionException e) {
      Throwable cause = cause(e);
      err.println("chat-client: " + cause.getMessage());
      return cause instanceof ChatErrorException ? 1 : 3;
    } catch (TimeoutException e) {
      err.println("chat-client: no answer from the server");
      return 3;
    } catch (IOException e) {
      err.println("chat-client: " + e.getMessage());
      return 3;
    } catch (NumberFormatException e) {
      err.println("chat-client: not a number: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 3;
    }
  }

  private static int execute(ChatClient client, String command, List<String> params,
      PrintStream out, PrintStream err)
      throws ExecutionException, TimeoutException, InterruptedException, IOException {
    switch (command) {
      case "send" -> {
        if (params.size() < 2) {
          err.println("chat-client: send TO TEXT");
          return 2;
        }
        Result.Sent sent = await(client.send(params.get(0),
            String.join(" ", params.subList(1, params.size()))));
        out.println(sent.seq());
        return 0;
      }
      case "history" -> {
        if (params.isEmpty()) {
          err.println("chat-client: history CONV [LIMIT]");
          return 2;
        }
        Integer limit = params.size() > 1 ? Integer.valueOf(params.get(1)) : null;
        for (Event.Message m : await(client.history(params.get(0), null, null, limit))
            .messages()) {
          out.println(format(m));
        }
        return 0;
      }
      case "join" -> {
        Result.Joined joined = await(client.join(params.get(0)));
        out.println(joined.conv());
        return 0;
      }
      case "create" -> {
        Result.Created created = await(client.createRoom(params.get(0),
            params.size() > 1 ? String.join(" ", params.subList(1, params.size())) : "", false));
        out.println(created.room());
        return 0;
      }
      case "rooms" -> {
        for (Result.RoomInfo r : await(client.rooms()).rooms()) {
          out.println(r.room() + "\t" + r.members() + "\t" + (r.joined() ? "joined" : "-")
              + "\t" + r.topic());
        }
        return 0;
      }
      case "token" -> {
        out.println(client.token());
        return 0;
      }
      case "listen" -> {
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          int space = line.indexOf(' ');
          if (space > 1 && (line.startsWith("@") || line.startsWith("#"))) {
            try {
              await(client.send(line.substring(0, space), line.substring(space + 1)));
            } catch (ExecutionException e) {
              err.println("chat-client: " + cause(e).getMessage());
            }
          } else if (!line.isBlank()) {
            err.println("chat-client: type '@user text' or '#room text'");
          }
        }
        return 0;
      }
      default -> {
        err.println("chat-client: unknown command " + command);
        return 2;
      }
    }
  }

  /** {@code #general 12 2026-11-24T10:00:00Z alice: hi} */
  static String format(Event.Message m) {
    return m.conv() + " " + m.seq() + " " + Instant.ofEpochMilli(m.ts()) + " " + m.from() + ": "
        + m.text().replace("\n", "\n  ");
  }

  private static <T> T await(Future<T> f)
      throws ExecutionException, TimeoutException, InterruptedException {
    return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable cause(Exception e) {
    return e.getCause() == null ? e : e.getCause();
  }

  /** Prints live messages in {@code listen} mode. */
  private static final class PrintListener extends ChatListener {
    private final PrintStream out;
    private final boolean live;

    PrintListener(PrintStream out, boolean live) {
      this.out = out;
      this.live = live;
    }

    @Override
    public void onMessage(ChatClient client, Event.Message m) {
      if (live) {
        out.println(format(m));
        out.flush();
      }
    }
  }
}
