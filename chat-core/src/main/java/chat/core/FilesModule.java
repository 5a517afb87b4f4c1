package chat.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * Binds {@link FileService} (uploads and downloads over HTTP) and adds the {@link Managed} that
 * erases uploads never sent. Needs a {@code FileStore}.
 */
public final class FilesModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(FileService.class).to(FileServiceImpl.class);
    bind(FileServiceImpl.class);
    Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(FileExpiry.class);
  }
}
