package dev.slmp.polyglot;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The config key {@code deploy}: application verticles a node deploys after its own, in order. Each entry is a
 * verticle name ({@code "groovy:path/Consumer.groovy"}, {@code "com.acme.KotlinConsumer"}, any name a Vert.x
 * {@code VerticleFactory} understands) or an object {@code {"name": …, "instances": n, "config": {…}}}.
 */
public final class DeployList {
  public static final String KEY = "deploy";
  private static final Set<String> FIELDS = Set.of("name", "instances", "config");
  private static final System.Logger LOG = System.getLogger(DeployList.class.getName());

  /** One entry; {@code label} is how messages name it: {@code deploy[i] <name>}. */
  public record Entry(int index, String name, int instances, JsonObject config) {
    public String label() {
      return KEY + "[" + index + "] " + name;
    }
  }

  private DeployList() {}

  /** Checks and reads the list; a bad entry fails with a message naming {@code deploy[i]}. */
  public static List<Entry> parse(JsonArray deploy) {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < deploy.size(); i++) {
      Object v = deploy.getValue(i);
      String key = KEY + "[" + i + "]";
      if (v instanceof String name) {
        out.add(new Entry(i, checkName(key, name), 1, new JsonObject()));
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
        if (!(n instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue()) || num.longValue() < 1
            || num.longValue() > 64) {
          throw bad(key, "\"instances\" must be a whole number 1..64, was " + n);
        }
        Object config = o.getValue("config", new JsonObject());
        if (!(config instanceof JsonObject c)) {
          throw bad(key, "\"config\" must be an object, was " + config);
        }
        out.add(new Entry(i, checkName(key, name), num.intValue(), c));
      } else {
        throw bad(key, "must be a verticle name or an object {\"name\", \"instances\", \"config\"}, was " + v);
      }
    }
    return out;
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

  /**
   * Deploys the entries one after the other, from the caller's verticle (so they are its children and go
   * with it); the first failure stops, with a message naming the entry.
   */
  public static Future<Void> deployAll(Vertx vertx, List<Entry> entries) {
    Future<Void> chain = Future.succeededFuture();
    for (Entry e : entries) {
      chain = chain.compose(v -> deploy(vertx, e));
    }
    return chain;
  }

  private static Future<Void> deploy(Vertx vertx, Entry e) {
    DeploymentOptions opts = new DeploymentOptions().setInstances(e.instances()).setConfig(e.config().copy());
    return vertx.deployVerticle(e.name(), opts)
        .<Void>map(id -> {
          LOG.log(System.Logger.Level.INFO, "deployed " + e.label() + (e.instances() > 1 ? " (" + e.instances() + " instances)" : ""));
          return null;
        })
        .recover(err -> Future.failedFuture(new IllegalStateException(e.label() + " failed: " + describe(err), err)));
  }

  private static String describe(Throwable err) {
    if (err instanceof ClassNotFoundException) {
      return "no class " + err.getMessage() + " on the classpath";
    }
    if (err instanceof ClassCastException) {
      return "not a verticle (" + err.getMessage() + ")";
    }
    return err.getMessage() != null ? err.getMessage() : err.toString();
  }
}
