package chat.core;

import com.google.inject.AbstractModule;

/** Binds the room service and the access rules for rooms and conversations. */
public final class RoomsModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(RoomService.class);
    bind(Access.class);
  }
}
