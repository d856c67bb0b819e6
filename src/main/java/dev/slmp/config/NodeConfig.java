package dev.slmp.config;

import dev.slmp.crypto.Suite;
import dev.slmp.handshake.ServerSettings;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration, read once at start through Vert.x config. Later layers win: built-in
 * {@link #defaults()}; {@code conf/config.json} (or the launcher's {@code -conf}, which takes its place);
 * environment variables {@code SLMP_<KEY>} ({@code limits.maxConnections} → {@code SLMP_LIMITS_MAX_CONNECTIONS});
 * system properties {@code -Dslmp.<key>}. Every key must be one of the defaults' keys with the same type, or
 * start-up fails with a message naming the key.
 */
public final class NodeConfig {
  public static final String DEFAULT_FILE = "conf/config.json";
  private final JsonObject json;

  private NodeConfig(JsonObject json) {
    this.json = json;
  }

  /** Every key with its default value: the schema of the configuration. */
  public static JsonObject defaults() {
    return new JsonObject()
        .put("host", "0.0.0.0")
        .put("port", 9999)
        .put("dataDir", "data")
        .put("suites", new JsonArray().add(1).add(2).add(3))
        .put("maxBody", 65536)
        .put("deviceMaxBody", 1024)
        .put("handshakeTimeoutMs", 10000)
        .put("keepaliveSeconds", 60)
        .put("session", new JsonObject().put("lifetimeSeconds", 86400).put("maxSessions", 1_000_000))
        .put("limits", new JsonObject()
            .put("maxConnections", 10000)
            .put("maxHandshakes", 1000)
            .put("failedAuthPerMinute", 20)
            .put("failedAuthBlockSeconds", 60))
        .put("verticles", new JsonObject().put("gateway", 1).put("handshake", 1).put("auth", 1).put("crypto", 0)
            .put("handshakeOnWorker", false).put("p256HandshakeOnWorker", true))
        .put("delivery", new JsonObject().put("timeoutMs", 10000).put("publishIn", true))
        .put("deploy", new JsonArray())
        .put("bridge", new JsonObject().put("enabled", false).put("host", "127.0.0.1").put("port", 7000)
            .put("inbound", new JsonArray().add(new JsonObject().put("addressRegex", "slmp\\.out\\..+")))
            .put("outbound", new JsonArray().add("slmp.in").add("slmp.deliver")))
        .put("cluster", new JsonObject().put("expectedSize", 1).put("storeTimeoutMs", 2000))
        .put("legacy", new JsonObject().put("enabled", false).put("secret", "").put("maxTokenBytes", 4096))
        .put("inbox", new JsonObject().put("enabled", true).put("file", "inbox.jsonl").put("print", true)
            .put("maxBatch", 256));
  }

  /** Reads the layers; {@code launcherConf} is the {@code -conf} JSON (empty when none was given). */
  public static Future<NodeConfig> load(Vertx vertx, JsonObject launcherConf) {
    JsonObject defaults = defaults();
    List<String> leaves = new ArrayList<>();
    collectLeaves(defaults, "", leaves);
    ConfigRetrieverOptions opts = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    opts.addStore(new ConfigStoreOptions().setType("json").setConfig(defaults));
    if (launcherConf != null && !launcherConf.isEmpty()) {
      opts.addStore(new ConfigStoreOptions().setType("json").setConfig(launcherConf));
    } else {
      opts.addStore(new ConfigStoreOptions().setType("file").setOptional(true).setConfig(new JsonObject().put("path", DEFAULT_FILE)));
    }
    JsonArray envKeys = new JsonArray();
    leaves.forEach(k -> envKeys.add(envName(k)));
    opts.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("keys", envKeys).put("raw-data", true)));
    // System properties are read by a store of their own: only their "slmp." subtree is configuration.
    ConfigRetriever sysRetriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions().setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("hierarchical", true).put("cache", false))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, opts);
    Future<JsonObject> sysProps = sysRetriever.getConfig().eventually(sysRetriever::close);
    Future<JsonObject> layers = retriever.getConfig().eventually(retriever::close);
    return Future.all(layers, sysProps).map(all -> {
      JsonObject merged = layers.result().copy();
      // Environment variables and system properties arrive as text under their own names: move them to their keys.
      JsonObject sys = sysProps.result().getValue("slmp") instanceof JsonObject o ? o : new JsonObject();
      for (String key : leaves) {
        Object env = merged.remove(envName(key));
        if (env != null) {
          put(merged, key, fromText(key, env.toString(), get(defaults, key)));
        }
      }
      for (String key : leaves) {
        Object v = get(sys, key);
        if (v != null) {
          put(merged, key, fromText(key, v.toString(), get(defaults, key)));
        }
      }
      return validate(merged);
    });
  }

  /** Checks every key against the defaults' schema; the message names the offending key. */
  public static NodeConfig validate(JsonObject json) {
    JsonObject defaults = defaults();
    checkKnown(json, defaults, "");
    JsonObject merged = defaults.copy().mergeIn(json, true);
    NodeConfig c = new NodeConfig(merged);
    c.range("port", 0, 65535);
    c.range("maxBody", 1024, 0xFFFFFF);
    c.range("deviceMaxBody", 1024, 0xFFFFFF);
    c.range("handshakeTimeoutMs", 1, 3_600_000);
    c.range("keepaliveSeconds", 0, 65535);
    c.range("session.lifetimeSeconds", 0, 0xFFFFFFFFL);
    c.range("session.maxSessions", 1, Integer.MAX_VALUE);
    c.range("limits.maxConnections", 1, Integer.MAX_VALUE);
    c.range("limits.maxHandshakes", 1, Integer.MAX_VALUE);
    c.range("limits.failedAuthPerMinute", 1, Integer.MAX_VALUE);
    c.range("limits.failedAuthBlockSeconds", 0, 86400);
    c.range("verticles.gateway", 0, 64);
    c.range("verticles.handshake", 0, 64);
    c.range("cluster.expectedSize", 1, 1000);
    c.range("cluster.storeTimeoutMs", 1, 600_000);
    if (c.integer("verticles.gateway") > 0 && c.integer("verticles.handshake") == 0) {
      // Handshake and crypto work on per-connection secrets, which never leave the node holding the connection.
      throw new IllegalArgumentException("config key 'verticles.handshake' must be at least 1 on a node with gateways");
    }
    c.range("verticles.auth", 0, 64);
    c.range("verticles.crypto", 0, 64);
    c.range("delivery.timeoutMs", 1, 3_600_000);
    c.range("inbox.maxBatch", 1, 100_000);
    c.range("legacy.maxTokenBytes", 256, 1 << 20);
    if (c.bool("legacy.enabled") && c.string("legacy.secret").isEmpty()) {
      throw new IllegalArgumentException("config key 'legacy.secret' (SLMP_LEGACY_SECRET) must be set when legacy.enabled is true");
    }
    c.range("bridge.port", 1, 65535);
    dev.slmp.polyglot.DeployList.parse(c.json.getJsonArray("deploy"));
    BridgeRules.permitted(c.json.getJsonObject("bridge").getJsonArray("inbound"), "bridge.inbound");
    BridgeRules.permitted(c.json.getJsonObject("bridge").getJsonArray("outbound"), "bridge.outbound");
    if (c.suites().isEmpty()) {
      throw new IllegalArgumentException("config key 'suites' must name at least one suite (1, 2 or 3)");
    }
    if (c.string("dataDir").isBlank()) {
      throw new IllegalArgumentException("config key 'dataDir' must not be empty");
    }
    return c;
  }

  private static void checkKnown(JsonObject json, JsonObject schema, String prefix) {
    for (Map.Entry<String, Object> e : json) {
      String key = prefix + e.getKey();
      if (!schema.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown config key '" + key + "'");
      }
      Object want = schema.getValue(e.getKey());
      Object got = e.getValue();
      if (want instanceof JsonObject w) {
        if (!(got instanceof JsonObject g)) {
          throw new IllegalArgumentException("config key '" + key + "' must be an object");
        }
        checkKnown(g, w, key + ".");
      } else if (!sameType(want, got)) {
        throw new IllegalArgumentException("config key '" + key + "' must be " + typeName(want) + ", was "
            + (key.equals("legacy.secret") ? "(hidden)" : describe(got)));
      }
    }
  }

  private static boolean sameType(Object want, Object got) {
    if (want instanceof Number) {
      return got instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
    }
    return want.getClass().isInstance(got);
  }

  private static String typeName(Object v) {
    return v instanceof Number ? "a whole number" : v instanceof Boolean ? "true or false" : v instanceof JsonArray ? "a list" : "a string";
  }

  private static String describe(Object v) {
    return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }

  private static Object fromText(String key, String text, Object like) {
    String t = text.trim();
    try {
      if (like instanceof Number) {
        return Long.parseLong(t);
      }
      if (like instanceof Boolean) {
        if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
          throw new IllegalArgumentException();
        }
        return Boolean.parseBoolean(t);
      }
      if (like instanceof JsonArray l && !(l.size() > 0 && l.getValue(0) instanceof Number)) {
        // A list of names (deploy, bridge.*): JSON, or comma-separated strings.
        return t.startsWith("[") ? new JsonArray(t) : new JsonArray(new ArrayList<Object>(java.util.Arrays.stream(t.split(","))
            .map(String::trim).filter(x -> !x.isEmpty()).toList()));
      }
      if (like instanceof JsonArray) {
        JsonArray a = new JsonArray();
        for (String part : t.replace("[", "").replace("]", "").split(",")) {
          if (!part.isBlank()) {
            a.add(Long.parseLong(part.trim()));
          }
        }
        return a;
      }
      return text;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("config key '" + key + "' (" + envName(key) + " or -Dslmp." + key + ") must be "
          + typeName(like) + ", was \"" + text + "\"");
    }
  }

  static String envName(String key) {
    StringBuilder b = new StringBuilder("SLMP_");
    for (char ch : key.toCharArray()) {
      if (ch == '.') {
        b.append('_');
      } else if (Character.isUpperCase(ch)) {
        b.append('_').append(ch);
      } else {
        b.append(Character.toUpperCase(ch));
      }
    }
    return b.toString();
  }

  private static void collectLeaves(JsonObject o, String prefix, List<String> out) {
    for (Map.Entry<String, Object> e : o) {
      if (e.getValue() instanceof JsonObject child) {
        collectLeaves(child, prefix + e.getKey() + ".", out);
      } else {
        out.add(prefix + e.getKey());
      }
    }
  }

  private static Object get(JsonObject o, String key) {
    String[] parts = key.split("\\.");
    Object cur = o;
    for (String p : parts) {
      if (!(cur instanceof JsonObject j)) {
        return null;
      }
      cur = j.getValue(p);
    }
    return cur;
  }

  private static void put(JsonObject o, String key, Object value) {
    String[] parts = key.split("\\.");
    JsonObject cur = o;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = cur.getValue(parts[i]);
      if (!(next instanceof JsonObject)) {
        next = new JsonObject();
        cur.put(parts[i], next);
      }
      cur = (JsonObject) next;
    }
    cur.put(parts[parts.length - 1], value);
  }

  private void range(String key, long min, long max) {
    long v = ((Number) get(json, key)).longValue();
    if (v < min || v > max) {
      throw new IllegalArgumentException("config key '" + key + "' must be " + min + ".." + max + ", was " + v);
    }
  }

  // ---- typed access ------------------------------------------------------------------------------------

  public JsonObject json() {
    return json.copy();
  }

  public String string(String key) {
    return (String) get(json, key);
  }

  public int integer(String key) {
    return ((Number) get(json, key)).intValue();
  }

  public long longValue(String key) {
    return ((Number) get(json, key)).longValue();
  }

  public boolean bool(String key) {
    return (Boolean) get(json, key);
  }

  public String host() {
    return string("host");
  }

  public int port() {
    return integer("port");
  }

  public String dataDir() {
    return string("dataDir");
  }

  public Set<Suite> suites() {
    Set<Suite> s = EnumSet.noneOf(Suite.class);
    for (Object o : json.getJsonArray("suites")) {
      Suite suite = o instanceof Number n ? Suite.byId(n.intValue()) : null;
      if (suite == null) {
        throw new IllegalArgumentException("config key 'suites': unknown suite " + o + " (known: 1, 2, 3)");
      }
      s.add(suite);
    }
    return s;
  }

  public ServerSettings serverSettings() {
    return new ServerSettings(suites(), longValue("session.lifetimeSeconds"), integer("keepaliveSeconds"), integer("maxBody"),
        integer("deviceMaxBody"));
  }

  /**
   * One whole-number key read before Vert.x starts (the cluster manager needs {@code cluster.expectedSize}),
   * with the same precedence as {@link #load}: system property, environment, {@code -conf} (or
   * {@code conf/config.json}), default.
   */
  public static long peekLong(JsonObject launcherConf, String key) {
    Object like = get(defaults(), key);
    String sys = System.getProperty("slmp." + key);
    if (sys != null) {
      return ((Number) fromText(key, sys, like)).longValue();
    }
    String env = System.getenv(envName(key));
    if (env != null) {
      return ((Number) fromText(key, env, like)).longValue();
    }
    JsonObject conf = launcherConf;
    if (conf == null || conf.isEmpty()) {
      try {
        java.nio.file.Path file = java.nio.file.Path.of(DEFAULT_FILE);
        conf = java.nio.file.Files.isRegularFile(file) ? new JsonObject(java.nio.file.Files.readString(file)) : new JsonObject();
      } catch (java.io.IOException | RuntimeException e) {
        conf = new JsonObject();
      }
    }
    Object v = get(conf, key);
    return v instanceof Number n ? n.longValue() : ((Number) like).longValue();
  }

  @Override
  public String toString() {
    JsonObject shown = json.copy();
    if (shown.getValue("legacy") instanceof JsonObject legacy && legacy.containsKey("secret")) {
      legacy.put("secret", "(hidden)"); // never in a log line
    }
    return "NodeConfig" + shown.encode();
  }
}
