package chat.server;

import chat.core.ChatCoreModule;
import chat.core.ChatMetrics;
import chat.core.ChatService;
import chat.core.FileService;
import chat.core.Lifecycle;
import chat.core.Managed;
import chat.core.memory.InMemoryStoreModule;
import chat.core.cluster.NodeBus;
import chat.core.store.StoreHealth;
import chat.store.jdbc.PostgresPool;
import chat.store.jdbc.PostgresStoreModule;
import chat.store.jdbc.SqliteStoreModule;
import chat.transport.ws.TrustedProxies;
import chat.transport.ws.WebSocketTransport;
import chat.transport.ws.WebSocketTransportModule;
import chat.transport.ws.WsConfig;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The whole server, assembled from its options: a store module, the core, the WebSocket
 * transport and the web server, started and stopped by one {@link Lifecycle}.
 */
public final class ChatServer {
  private final Injector injector;
  private final Lifecycle lifecycle;
  private final Path portsFile;
  /** The default origins, for when they depend on the HTTP port bound at start; or null. */
  private final Supplier<Set<String>> originsForBoundPort;
  private final ServerMetrics metrics;

  ChatServer(ServerOptions options) throws OptionsException, IOException {
    SSLContext tls = options.tlsKeystore() == null ? null
        : loadTls(options.tlsKeystore(), options.tlsKeystorePassword());
    Set<String> origins = options.allowedOrigins();
    boolean defaultOrigins = origins == null;
    if (defaultOrigins) {
      // With --http-port 0 the page's port is known only once bound: see start().
      origins = options.httpPort() == 0 ? Set.of()
          : defaultOrigins(options.host(), options.httpPort(), tls != null);
    }
    WsConfig ws = WsConfig.builder().host(options.host()).port(options.wsPort())
        .allowedOrigins(origins).pingIntervalSeconds(options.pingIntervalSeconds())
        .handshakeTimeoutMs(options.chatConfig().limits().authTimeoutMs())
        .maxOutboundBytes(options.maxOutboundBytes())
        .decoderThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
        .ioThreads(options.ioThreads()).tls(tls)
        .connectionLimits(options.maxConnections(), options.maxConnectionsPerIp())
        .trustedProxies(options.trustedProxies()).build();
    Module store = storeModule(options);
    StaticFiles files = new StaticFiles(options.webDir());
    ServerMetrics serverMetrics = new ServerMetrics(options.redisUrl() != null);
    WebServer.MetricsPage metricsPage =
        new WebServer.MetricsPage(serverMetrics::scrape, options.metricsAccess());
    Module web = new AbstractModule() {
      @Override
      protected void configure() {
        Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(WebServer.class);
        OptionalBinder.newOptionalBinder(binder(), ChatMetrics.class).setBinding()
            .toInstance(serverMetrics);
      }

      @Provides
      @Singleton
      WebServer webServer(WebSocketTransport transport, ChatService chat, StoreHealth store,
          NodeBus bus, FileService uploads) throws OptionsException {
        TrustedProxies proxies = TrustedProxies.parse(options.trustedProxies());
        FileEndpoint endpoint = new FileEndpoint(uploads, transport::isAllowedOrigin,
            options.chatConfig().files().uploadTimeout().toMillis(), options.maxUploadsPerIp(),
            proxies, options.chatConfig().limits().maxUploadBytes());
        return new WebServer(options.host(), options.httpPort(), files, options.publicWsUrl(),
            tls != null, transport, chat, store, bus, endpoint, metricsPage,
            WebServer.Limits.DEFAULT.withConnections(options.maxHttpConnections(),
                options.maxHttpConnectionsPerIp()),
            proxies);
      }
    };
    List<Module> modules = new java.util.ArrayList<>(List.of(
        store, new ChatCoreModule(options.chatConfig()), new WebSocketTransportModule(ws), web));
    if (options.redisUrl() != null) {
      modules.add(new ClusterModule(options.redisUrl(), options.redisPassword(),
          options.nodeId(), serverMetrics));
    }
    this.injector = Guice.createInjector(modules);
    serverMetrics.watch(injector.getInstance(ChatService.class),
        injector.getInstance(WebSocketTransport.class));
    serverMetrics.watch(injector.getInstance(WebServer.class));
    if (options.store().equals("postgres")) {
      serverMetrics.watch(injector.getInstance(PostgresPool.class));
    }
    this.metrics = serverMetrics;
    this.lifecycle = injector.getInstance(Lifecycle.class);
    this.portsFile = options.portsFile();
    this.originsForBoundPort = defaultOrigins && options.httpPort() == 0
        ? () -> defaultOrigins(options.host(), httpPort(), tls != null) : null;
  }

  /** Opens the store, starts the core, binds the ports. */
  public void start() throws Exception {
    lifecycle.start();
    if (originsForBoundPort != null) {
      injector.getInstance(WebSocketTransport.class).allowOrigins(originsForBoundPort.get());
    }
    if (portsFile != null) {
      Path tmp = portsFile.resolveSibling(portsFile.getFileName() + ".tmp");
      Files.writeString(tmp, "{\"http\":" + httpPort() + ",\"ws\":" + wsPort() + "}\n");
      Files.move(tmp, portsFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Stops accepting, closes every session with 1001, closes the store. Idempotent. */
  public void stop() {
    lifecycle.stop();
    metrics.close();
  }

  public int wsPort() {
    return injector.getInstance(WebSocketTransport.class).port();
  }

  public int httpPort() {
    return injector.getInstance(WebServer.class).port();
  }

  /** The server's own web client, as a browser would name it. */
  static Set<String> defaultOrigins(String host, int httpPort, boolean tls) {
    String scheme = tls ? "https://" : "http://";
    Set<String> origins = new LinkedHashSet<>();
    origins.add(scheme + "localhost:" + httpPort);
    origins.add(scheme + "127.0.0.1:" + httpPort);
    if (!host.equals("0.0.0.0") && !host.equals("::") && !host.contains(":")) {
      origins.add(scheme + host + ":" + httpPort);
    }
    return origins;
  }

  /** The store {@code --store} names, as its Guice module (the server's and admin's). */
  static Module storeModule(ServerOptions options) throws OptionsException {
    return switch (options.store()) {
      case "memory" -> new InMemoryStoreModule();
      case "postgres" -> new PostgresStoreModule(options.postgresUrl(),
          options.postgresPassword(), options.postgresPoolSize());
      default -> new SqliteStoreModule(options.dataDir());
    };
  }

  private static SSLContext loadTls(Path keystore, String password) throws IOException {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use TLS keystore " + keystore + ": " + e.getMessage(), e);
    }
  }
}
