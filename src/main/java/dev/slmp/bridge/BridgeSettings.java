package dev.slmp.bridge;

import dev.slmp.config.BridgeRules;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link BridgeVerticle} needs of the configuration (built by {@code
 * node.VerticleSettings}).
 *
 * @param host address it listens on
 * @param port its port
 * @param inbound addresses a client may send or publish to
 * @param outbound addresses a client may register on
 * @param maxFrameBytes the largest frame (JSON bytes) a client may send
 * @param tokenFile the file of the token clients present ({@code dataDir/bridge.token}), created on
 *     first start
 */
public record BridgeSettings(
    String host,
    int port,
    List<BridgeRules.Permitted> inbound,
    List<BridgeRules.Permitted> outbound,
    int maxFrameBytes,
    Path tokenFile) {
  /** The token's file name, in the data directory. */
  public static final String TOKEN_FILE = "bridge.token";

  public BridgeSettings {
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
  }
}
