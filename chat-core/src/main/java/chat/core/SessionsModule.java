package chat.core;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import chat.core.cluster.NodeBus;
import chat.core.cluster.Presence;
import chat.core.cluster.SharedLimits;

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
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(ChatServiceImpl.class);
    // One node alone by default; a cluster module sets the Redis ones (OptionalBinder.setBinding).
    OptionalBinder.newOptionalBinder(binder(), NodeBus.class).setDefault().toInstance(NodeBus.NONE);
    OptionalBinder.newOptionalBinder(binder(), Presence.class).setDefault().to(LocalPresence.class);
    OptionalBinder.newOptionalBinder(binder(), SharedLimits.class).setDefault()
        .to(LocalLimits.class);
    bind(LocalPresence.class).in(Singleton.class);
    bind(LocalLimits.class).in(Singleton.class);
  }
}
