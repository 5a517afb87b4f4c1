package chat.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;

/**
 * Binds {@link PasswordHasher} (PBKDF2-HMAC-SHA256 at {@link ChatConfig#passwordIterations()})
 * and the registration/login service. Needs an {@code AccountStore}.
 */
public final class AccountsModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(AuthService.class);
  }

  @Provides
  @Singleton
  PasswordHasher passwordHasher(ChatConfig config) {
    return new Pbkdf2PasswordHasher(config.passwordIterations());
  }
}
