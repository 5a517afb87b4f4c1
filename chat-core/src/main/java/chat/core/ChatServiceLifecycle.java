package chat.core;

import jakarta.inject.Inject;

/** Starts and stops the {@link ChatService} as part of the application's {@link Lifecycle}. */
final class ChatServiceLifecycle implements Managed {
  private final ChatService service;

  @Inject
  ChatServiceLifecycle(ChatService service) {
    this.service = service;
  }

  @Override
  public int phase() {
    return PHASE_CORE;
  }

  @Override
  public void start() {
    service.start();
  }

  @Override
  public void stop() {
    service.stop();
  }
}
