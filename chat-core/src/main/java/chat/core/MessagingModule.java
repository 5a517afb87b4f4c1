package chat.core;

import com.google.inject.AbstractModule;

/** Binds messaging (send, history, read markers, typing) and the router. Needs a {@code MessageStore}. */
public final class MessagingModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(MessagingService.class);
    bind(Router.class);
  }
}
