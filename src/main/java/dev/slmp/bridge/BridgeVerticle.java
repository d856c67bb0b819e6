package dev.slmp.bridge;

import dev.slmp.config.BridgeRules;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP event-bus bridge (config {@code bridge.*}): programs outside the JVM speak 4-byte length
 * + JSON frames to it (docs/event-bus.md). {@code bridge.inbound} lists the addresses a client may
 * send or publish to, {@code bridge.outbound} those it may register on; replies to a message the
 * client received need no permission (the bridge tracks them). A client must present the token of
 * {@code dataDir/bridge.token} in its first frame ({@link BridgeGate}); frames are bounded by
 * {@code bridge.maxFrameBytes} and checked before the bridge acts on them ({@link
 * BridgeFrameReader}). The bridge has no TLS, so it listens on loopback only (a non-loopback {@code
 * bridge.host} is refused at start).
 */
public final class BridgeVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(BridgeVerticle.class.getName());
  private final BridgeSettings settings;
  private TcpEventBusBridge bridge;

  public BridgeVerticle(BridgeSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    BridgeOptions options = new BridgeOptions();
    settings.inbound().forEach(p -> options.addInboundPermitted(options(p)));
    settings.outbound().forEach(p -> options.addOutboundPermitted(options(p)));
    String host = settings.host();
    int port = settings.port();
    return vertx
        .executeBlocking(() -> BridgeGate.of(settings.tokenFile()))
        .compose(
            gate -> {
              bridge =
                  TcpEventBusBridge.create(
                      FrameBound.vertx(vertx, settings.maxFrameBytes()),
                      options,
                      new NetServerOptions().setTcpNoDelay(true),
                      gate::handle);
              return bridge.listen(port, host);
            })
        .onSuccess(
            b ->
                LOG.log(
                    System.Logger.Level.INFO,
                    "event-bus bridge listening on "
                        + host
                        + ":"
                        + port
                        + ", inbound "
                        + describe(options.getInboundPermitteds())
                        + ", outbound "
                        + describe(options.getOutboundPermitteds())
                        + ", clients present the token of "
                        + settings.tokenFile()
                        + ", frames up to "
                        + settings.maxFrameBytes()
                        + " bytes"));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  private static PermittedOptions options(BridgeRules.Permitted p) {
    return p.regex()
        ? new PermittedOptions().setAddressRegex(p.address())
        : new PermittedOptions().setAddress(p.address());
  }

  private static String describe(List<PermittedOptions> list) {
    List<String> s = new ArrayList<>();
    for (PermittedOptions p : list) {
      s.add(p.getAddress() != null ? p.getAddress() : "/" + p.getAddressRegex() + "/");
    }
    return s.toString();
  }
}
