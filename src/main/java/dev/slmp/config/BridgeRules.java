package dev.slmp.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The TCP bridge's permitted-address lists ({@code bridge.inbound}, {@code bridge.outbound}). */
public final class BridgeRules {
  private BridgeRules() {}

  /**
   * Reads a permitted list ({@code bridge.inbound} or {@code bridge.outbound}, named by {@code configKey}): each
   * entry an address (a string), {@code {"address": a}} or {@code {"addressRegex": r}} (the whole address must
   * match). Fails naming the entry; the bridge verticle and NodeConfig's validation both read it.
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

}
