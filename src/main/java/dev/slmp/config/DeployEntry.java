package dev.slmp.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One entry of the config key {@code deploy}: an application verticle a node deploys after its own.
 * An entry is a verticle name ({@code "groovy:path/Consumer.groovy"}, {@code
 * "com.acme.KotlinConsumer"}, any name a Vert.x {@code VerticleFactory} understands) or an object
 * {@code {"name": …, "instances": n, "config": {…}}}. Read here, with the rest of the
 * configuration; {@code polyglot.DeployList} deploys the entries.
 */
public record DeployEntry(int index, String name, int instances, JsonObject config) {
  private static final String KEY = "deploy";
  private static final Set<String> FIELDS = Set.of("name", "instances", "config");

  public DeployEntry {
    config = config.copy();
  }

  /** A copy: the entry stays as configured. */
  @Override
  public JsonObject config() {
    return config.copy();
  }

  /** How messages name it: {@code deploy[i] <name>}. */
  public String label() {
    return KEY + "[" + index + "] " + name;
  }

  /** Checks and reads the list; a bad entry fails with a message naming {@code deploy[i]}. */
  public static List<DeployEntry> list(JsonArray deploy) {
    List<DeployEntry> out = new ArrayList<>();
    for (int i = 0; i < deploy.size(); i++) {
      Object v = deploy.getValue(i);
      String key = KEY + "[" + i + "]";
      if (v instanceof String name) {
        out.add(new DeployEntry(i, checkName(key, name), 1, new JsonObject()));
      } else if (v instanceof JsonObject o) {
        for (String f : o.fieldNames()) {
          if (!FIELDS.contains(f)) {
            throw bad(key, "has unknown field '" + f + "' (known: name, instances, config)");
          }
        }
        if (!(o.getValue("name") instanceof String name)) {
          throw bad(key, "needs \"name\", a verticle name");
        }
        Object n = o.getValue("instances", 1);
        if (!(n instanceof Number num)
            || num.doubleValue() != Math.rint(num.doubleValue())
            || num.longValue() < 1
            || num.longValue() > 64) {
          throw bad(key, "\"instances\" must be a whole number 1..64, was " + n);
        }
        Object config = o.getValue("config", new JsonObject());
        if (!(config instanceof JsonObject c)) {
          throw bad(key, "\"config\" must be an object, was " + config);
        }
        out.add(new DeployEntry(i, checkName(key, name), num.intValue(), c));
      } else {
        throw bad(
            key,
            "must be a verticle name or an object {\"name\", \"instances\", \"config\"}, was " + v);
      }
    }
    return List.copyOf(out);
  }

  private static String checkName(String key, String name) {
    if (name.isBlank()) {
      throw bad(key, "has an empty verticle name");
    }
    return name.trim();
  }

  private static IllegalArgumentException bad(String key, String what) {
    return new IllegalArgumentException("config key '" + key + "' " + what);
  }
}
