package dev.slmp.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The TCP bridge's permitted-address lists ({@code bridge.inbound}, {@code bridge.outbound}). */
public final class BridgeRules {
  private BridgeRules() {}

  /** One permitted address: exact, or a regular expression the whole address must match. */
  public record Permitted(String address, boolean regex) {}

  /**
   * Reads a permitted list ({@code bridge.inbound} or {@code bridge.outbound}, named by {@code
   * configKey}): each entry an address (a string), {@code {"address": a}} or {@code
   * {"addressRegex": r}} (the whole address must match). Fails naming the entry; read once, with
   * the rest of the configuration.
   */
  public static List<Permitted> permitted(JsonArray list, String configKey) {
    List<Permitted> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String key = configKey + "[" + i + "]";
      Object v = list.getValue(i);
      if (v instanceof String address && !address.isBlank()) {
        out.add(new Permitted(address, false));
      } else if (v instanceof JsonObject o
          && o.size() == 1
          && o.getValue("address") instanceof String a
          && !a.isBlank()) {
        out.add(new Permitted(a, false));
      } else if (v instanceof JsonObject o
          && o.size() == 1
          && o.getValue("addressRegex") instanceof String r) {
        try {
          Pattern.compile(r);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "config key '" + key + "': bad addressRegex: " + e.getDescription() + " in " + r);
        }
        out.add(new Permitted(r, true));
      } else {
        throw new IllegalArgumentException(
            "config key '"
                + key
                + "' must be an address, {\"address\": a} or {\"addressRegex\": r}, was "
                + v);
      }
    }
    for (int i = 0; i < out.size(); i++) {
      Permitted p = out.get(i);
      for (String internal : NODE_ONLY) {
        boolean matches =
            p.regex() ? Pattern.matches(p.address(), internal) : p.address().equals(internal);
        if (matches
            || (!p.regex()
                && (p.address().startsWith("slmp.internal.")
                    || p.address().startsWith("__vertx.")))) {
          throw new IllegalArgumentException(
              "config key '"
                  + configKey
                  + "["
                  + i
                  + "]' would let bridge clients reach node-only addresses (slmp.internal.* or"
                  + " the reply addresses __vertx.*), e.g. "
                  + internal);
        }
      }
    }
    return List.copyOf(out);
  }

  /** Samples of the addresses only nodes may use: a rule that permits any of them is refused. */
  private static final List<String> NODE_ONLY =
      List.of(
          "slmp.internal.auth.verify",
          "slmp.internal.auth.revoked",
          "slmp.internal.connected",
          "slmp.internal.handshake",
          "slmp.internal.crypto.0",
          "slmp.internal.x",
          "__vertx.reply.1",
          "__vertx.reply.0f8fad5b-d9cb-469f-a165-70867728950e",
          "__vertx.x");
}
