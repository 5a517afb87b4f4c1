package chat.transport.ws;

import static java.util.Objects.requireNonNull;

import chat.core.Managed;
import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Binds the {@link WsConfig} and the {@link WebSocketTransport}, and adds the transport to the
 * {@link Managed} set so the application starts it after the core and stops it first.
 */
public final class WebSocketTransportModule extends AbstractModule {
  private final WsConfig config;

  public WebSocketTransportModule(WsConfig config) {
    this.config = requireNonNull(config, "config is null");
  }

  @Override
  protected void configure() {
    bind(WsConfig.class).toInstance(config);
    bind(WebSocketTransport.class);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(WebSocketTransport.class);
  }
}
