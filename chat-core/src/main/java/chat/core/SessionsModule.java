package chat.core;

import com.google.inject.AbstractModule;

/** Binds {@link ChatService}: connections, the session registry, request dispatch, core threads. */
public final class SessionsModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(ChatService.class).to(ChatServiceImpl.class);
    bind(SessionRegistry.class);
    bind(RequestHandler.class);
    bind(CoreExecutors.class);
  }
}
