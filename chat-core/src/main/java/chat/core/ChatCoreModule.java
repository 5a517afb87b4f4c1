package chat.core;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import java.time.Clock;

/**
 * The whole core: {@link ConfigModule}, {@link AccountsModule}, {@link RoomsModule}, {@link
 * MessagingModule}, {@link FilesModule} and {@link SessionsModule}. Add one store module (e.g.
 * {@code InMemoryStoreModule}) to get a working {@link ChatService}.
 */
public final class ChatCoreModule extends AbstractModule {
  private final ConfigModule config;

  public ChatCoreModule(ChatConfig config) {
    this.config = new ConfigModule(config);
  }

  public ChatCoreModule(ChatConfig config, Clock clock, Ticker ticker) {
    this.config = new ConfigModule(requireNonNull(config, "config is null"), clock, ticker);
  }

  @Override
  protected void configure() {
    install(config);
    install(new AccountsModule());
    install(new RoomsModule());
    install(new MessagingModule());
    install(new FilesModule());
    install(new SessionsModule());
  }
}
