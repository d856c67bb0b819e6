package dev.slmp.admin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.io.IOException;
import java.io.InputStream;

/**
 * The admin HTTP server of a node: {@code /metrics} (Prometheus text), {@code /health/live} and
 * {@code /health/ready}, the admin API under {@code /api} (bearer token, {@link AdminApi}), and the
 * status page at {@code /}. Probes and metrics carry no token (load balancers and Prometheus call
 * them, and they reveal no device); the server listens on loopback unless TLS is configured.
 */
public final class AdminVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(AdminVerticle.class.getName());
  static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final AdminSettings settings;
  private final AdminContext node;
  private HttpServer server;

  public AdminVerticle(AdminSettings settings, AdminContext node) {
    this.settings = settings;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    return vertx
        .executeBlocking(
            () -> new Object[] {AdminToken.loadOrCreate(settings.dataDir()), statusPage()})
        .compose(
            loaded -> {
              Router router = Router.router(vertx);
              router
                  .route()
                  .handler(
                      ctx -> {
                        ctx.response()
                            .putHeader("X-Content-Type-Options", "nosniff")
                            .putHeader("Cache-Control", "no-store");
                        ctx.next();
                      });
              router.get("/metrics").handler(this::metrics);
              router
                  .get("/health/live")
                  .handler(HealthCheckHandler.createWithHealthChecks(Probes.live(vertx)));
              router
                  .get("/health/ready")
                  .handler(
                      HealthCheckHandler.createWithHealthChecks(
                          Probes.ready(vertx, settings, node)));
              Buffer page = (Buffer) loaded[1];
              String csp = contentSecurityPolicy(page.toString());
              router.get("/").handler(ctx -> statusPage(ctx, page, csp));
              new AdminApi(vertx, settings, node, (AdminToken) loaded[0]).mount(router);
              HttpServerOptions opts =
                  new HttpServerOptions().setHost(settings.host()).setPort(settings.port());
              if (settings.keyStore() != null) {
                opts.setSsl(true)
                    .setKeyCertOptions(
                        new PfxOptions()
                            .setPath(settings.keyStore().toString())
                            .setPassword(settings.keyStorePassword()));
              } else if (settings.certFile() != null) {
                opts.setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(settings.certFile().toString())
                            .setKeyPath(settings.keyFile().toString()));
              }
              server = vertx.createHttpServer(opts).requestHandler(router);
              return server.listen();
            })
        .onSuccess(
            s ->
                LOG.log(
                    System.Logger.Level.INFO,
                    "admin server on "
                        + (settings.tls() ? "https://" : "http://")
                        + settings.host()
                        + ":"
                        + s.actualPort()
                        + " (token in "
                        + settings.dataDir().resolve(AdminToken.FILE)
                        + ")"));
  }

  /** The port the admin server listens on (useful with {@code admin.port} 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private void metrics(RoutingContext ctx) {
    // Gauges such as slmp_sessions may ask Hazelcast: off the event loop.
    vertx
        .executeBlocking(() -> node.metrics().scrape(), false)
        .onSuccess(text -> ctx.response().putHeader("Content-Type", PROMETHEUS_TYPE).end(text))
        .onFailure(ctx::fail);
  }

  private static Buffer statusPage() throws IOException {
    try (InputStream in = AdminVerticle.class.getResourceAsStream("/admin/status.html")) {
      if (in == null) {
        throw new IOException("admin/status.html is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  /**
   * The page runs its own inline script and nothing else: the script is allowed by its SHA-256, so
   * anything injected into the page (a device id that slipped past textContent) cannot run and read
   * the token from session storage. It may fetch from this server only.
   */
  static String contentSecurityPolicy(String html) {
    int open = html.indexOf("<script>");
    int close = html.indexOf("</script>", open);
    if (open < 0 || close < 0) {
      throw new IllegalStateException("admin/status.html has no inline script");
    }
    String script = html.substring(open + "<script>".length(), close);
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "default-src 'none'; script-src 'sha256-"
          + java.util.Base64.getEncoder().encodeToString(digest)
          + "'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:;"
          + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void statusPage(RoutingContext ctx, Buffer page, String csp) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", csp)
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .end(page);
  }
}
