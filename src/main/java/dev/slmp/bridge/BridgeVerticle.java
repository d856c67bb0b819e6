package dev.slmp.bridge;

import dev.slmp.node.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The TCP event-bus bridge (config {@code bridge.*}): programs outside the JVM speak 4-byte length + JSON
 * frames to it (docs/event-bus.md). {@code bridge.inbound} lists the addresses a client may send or publish
 * to, {@code bridge.outbound} those it may register on; replies to a message the client received need no
 * permission (the bridge tracks them). The bridge does not authenticate clients: whoever reaches the port
 * can read every permitted message, so it listens on loopback unless told otherwise.
 */
public final class BridgeVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(BridgeVerticle.class.getName());
  private final NodeConfig config;
  private TcpEventBusBridge bridge;

  public BridgeVerticle(NodeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    BridgeOptions options = new BridgeOptions();
    JsonObject bridgeConf = config.json().getJsonObject("bridge");
    permitted(bridgeConf.getJsonArray("inbound"), "bridge.inbound").forEach(options::addInboundPermitted);
    permitted(bridgeConf.getJsonArray("outbound"), "bridge.outbound").forEach(options::addOutboundPermitted);
    String host = config.string("bridge.host");
    int port = config.integer("bridge.port");
    bridge = TcpEventBusBridge.create(vertx, options, new NetServerOptions().setTcpNoDelay(true));
    return bridge.listen(port, host).onSuccess(b -> LOG.log(System.Logger.Level.INFO, "event-bus bridge listening on "
        + host + ":" + port + ", inbound " + describe(options.getInboundPermitteds()) + ", outbound "
        + describe(options.getOutboundPermitteds())));
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }

  /**
   * Reads a permitted list ({@code bridge.inbound} or {@code bridge.outbound}, named by {@code configKey}): each
   * entry an address (a string), {@code {"address": a}} or {@code {"addressRegex": r}} (the whole address must
   * match). Fails naming the entry; NodeConfig calls it to validate.
   */
  public static List<PermittedOptions> permitted(JsonArray list, String configKey) {
    List<PermittedOptions> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String key = configKey + "[" + i + "]";
      Object v = list.getValue(i);
      if (v instanceof String address && !address.isBlank()) {
        out.add(new PermittedOptions().setAddress(address));
      } else if (v instanceof JsonObject o && o.size() == 1 && o.getValue("address") instanceof String a && !a.isBlank()) {
        out.add(new PermittedOptions().setAddress(a));
      } else if (v instanceof JsonObject o && o.size() == 1 && o.getValue("addressRegex") instanceof String r) {
        try {
          Pattern.compile(r);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("config key '" + key + "': bad addressRegex: " + e.getDescription() + " in " + r);
        }
        out.add(new PermittedOptions().setAddressRegex(r));
      } else {
        throw new IllegalArgumentException("config key '" + key + "' must be an address, {\"address\": a} or {\"addressRegex\": r}, was " + v);
      }
    }
    return out;
  }

  private static String describe(List<PermittedOptions> list) {
    List<String> s = new ArrayList<>();
    for (PermittedOptions p : list) {
      s.add(p.getAddress() != null ? p.getAddress() : "/" + p.getAddressRegex() + "/");
    }
    return s.toString();
  }
}
