package chat.core;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import java.time.Clock;

/** Binds the {@link ChatConfig}, the wall {@link Clock} (message timestamps) and the {@link Ticker}. */
public final class ConfigModule extends AbstractModule {
  private final ChatConfig config;
  private final Clock clock;
  private final Ticker ticker;

  public ConfigModule(ChatConfig config) {
    this(config, Clock.systemUTC(), Ticker.SYSTEM);
  }

  public ConfigModule(ChatConfig config, Clock clock, Ticker ticker) {
    this.config = requireNonNull(config, "config is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.ticker = requireNonNull(ticker, "ticker is null");
  }

  @Override
  protected void configure() {
    bind(ChatConfig.class).toInstance(config);
    bind(Clock.class).toInstance(clock);
    bind(Ticker.class).toInstance(ticker);
  }
}
