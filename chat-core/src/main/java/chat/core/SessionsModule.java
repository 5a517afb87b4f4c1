package chat.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Binds {@link ChatService}: connections, the session registry, request dispatch, core threads;
 * and adds the service to the {@link Managed} set, so a {@link Lifecycle} starts and stops it.
 */
public final class SessionsModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(ChatService.class).to(ChatServiceImpl.class);
    bind(SessionRegistry.class);
    bind(RequestHandler.class);
    bind(CoreExecutors.class);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(ChatServiceLifecycle.class);
  }
}
