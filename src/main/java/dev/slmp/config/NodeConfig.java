package dev.slmp.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A node's configuration: the value of every key of {@link Keys}, read once at start through Vert.x
 * config and checked, then read typed with {@code config.get(Keys.PORT)}. Later layers win: the
 * built-in defaults; {@code conf/config.json} (or the launcher's {@code -conf}, which takes its
 * place); environment variables {@code SLMP_<KEY>} ({@code limits.maxConnections} → {@code
 * SLMP_LIMITS_MAX_CONNECTIONS}); system properties {@code -Dslmp.<key>}. An unknown key, a wrong
 * type or a value out of range fails the start with a message naming the key. Immutable.
 */
public final class NodeConfig {
  public static final String DEFAULT_FILE = "conf/config.json";

  /** A key a JSON object does not hold (a JSON {@code null} is a value, of the wrong type). */
  private static final Object ABSENT = new Object();

  /** Each key's typed value. */
  private final Map<Setting<?>, Object> values;

  /** Each key's JSON value, for {@link #toString()}. */
  private final Map<Setting<?>, Object> json;

  private NodeConfig(Map<Setting<?>, Object> values, Map<Setting<?>, Object> json) {
    this.values = values;
    this.json = json;
  }

  /** The value of a key, typed. */
  public <T> T get(Setting<T> setting) {
    if (!values.containsKey(setting)) {
      throw new IllegalArgumentException("'" + setting.key() + "' is not declared in Keys");
    }
    @SuppressWarnings("unchecked")
    T v = (T) values.get(setting);
    return v;
  }

  /**
   * Every key with its default value, nested at the dots: the content of {@code conf/config.json}.
   */
  public static JsonObject defaults() {
    JsonObject o = new JsonObject();
    for (Setting<?> s : Keys.all()) {
      put(o, s.key(), s.defaultJson());
    }
    return o;
  }

  /**
   * Reads the layers; {@code launcherConf} is the {@code -conf} JSON (empty when none was given).
   */
  public static Future<NodeConfig> load(Vertx vertx, JsonObject launcherConf) {
    return load(vertx, launcherConf, System.getenv());
  }

  /**
   * {@link #load(Vertx, JsonObject)} with the environment given (tests cannot set the process's
   * own).
   */
  static Future<NodeConfig> load(Vertx vertx, JsonObject launcherConf, Map<String, String> env) {
    ConfigRetrieverOptions opts = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    if (launcherConf != null && !launcherConf.isEmpty()) {
      opts.addStore(new ConfigStoreOptions().setType("json").setConfig(launcherConf));
    } else {
      opts.addStore(
          new ConfigStoreOptions()
              .setType("file")
              .setOptional(true)
              .setConfig(new JsonObject().put("path", DEFAULT_FILE)));
    }
    // System properties are read by a store of their own: only their "slmp." subtree is
    // configuration.
    ConfigRetriever sysRetriever =
        ConfigRetriever.create(
            vertx,
            new ConfigRetrieverOptions()
                .setIncludeDefaultStores(false)
                .addStore(
                    new ConfigStoreOptions()
                        .setType("sys")
                        .setConfig(
                            new JsonObject().put("hierarchical", true).put("cache", false))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, opts);
    Future<JsonObject> sysProps = sysRetriever.getConfig().eventually(sysRetriever::close);
    Future<JsonObject> file = retriever.getConfig().eventually(retriever::close);
    return Future.all(file, sysProps)
        .map(
            all -> {
              JsonObject merged = file.result().copy();
              // Environment variables and system properties arrive as text: each key's setting
              // reads its own.
              JsonObject sys =
                  sysProps.result().getValue("slmp") instanceof JsonObject o ? o : new JsonObject();
              for (Setting<?> s : Keys.all()) {
                String text = env.get(s.envName());
                if (text != null) {
                  put(merged, s.key(), s.parseText(text));
                }
              }
              for (Setting<?> s : Keys.all()) {
                Object v = lookup(sys, s.key());
                if (v != ABSENT && v != null && !(v instanceof JsonObject)) {
                  put(merged, s.key(), s.parseText(v.toString()));
                }
              }
              return validate(merged);
            });
  }

  /**
   * Checks a configuration (keys missing from it keep their default): unknown keys, then each key's
   * type and allowed values in declaration order, then the rules that tie keys together. The
   * message names the key.
   */
  public static NodeConfig validate(JsonObject config) {
    checkKnown(config, defaults(), "");
    Map<Setting<?>, Object> values = new IdentityHashMap<>();
    Map<Setting<?>, Object> json = new IdentityHashMap<>();
    for (Setting<?> s : Keys.all()) {
      Object raw = lookup(config, s.key());
      Object v = raw == ABSENT ? s.defaultJson() : raw;
      values.put(s, s.read(v));
      json.put(s, v);
    }
    NodeConfig c = new NodeConfig(values, json);
    Keys.checkTogether(c);
    return c;
  }

  private static void checkKnown(JsonObject config, JsonObject schema, String prefix) {
    for (Map.Entry<String, Object> e : config) {
      String key = prefix + e.getKey();
      if (!schema.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown config key '" + key + "'");
      }
      boolean opaque =
          Keys.all().stream().anyMatch(s -> s instanceof MapSetting && s.key().equals(key));
      if (!opaque && schema.getValue(e.getKey()) instanceof JsonObject w) {
        if (!(e.getValue() instanceof JsonObject g)) {
          throw new IllegalArgumentException("config key '" + key + "' must be an object");
        }
        checkKnown(g, w, key + ".");
      }
    }
  }

  /**
   * One key read before Vert.x starts (the cluster manager needs {@code cluster.expectedSize}),
   * with the same precedence as {@link #load}: system property, environment, {@code -conf} (or
   * {@code conf/config.json}), default. A file value of the wrong type is left to {@link #load} to
   * report.
   */
  public static <T> T peek(JsonObject launcherConf, Setting<T> setting) {
    return peek(launcherConf, setting, System.getenv());
  }

  static <T> T peek(JsonObject launcherConf, Setting<T> setting, Map<String, String> env) {
    String sys = System.getProperty(setting.sysProp());
    if (sys != null) {
      return setting.read(setting.parseText(sys));
    }
    String text = env.get(setting.envName());
    if (text != null) {
      return setting.read(setting.parseText(text));
    }
    JsonObject conf = launcherConf;
    if (conf == null || conf.isEmpty()) {
      try {
        Path file = Path.of(DEFAULT_FILE);
        conf =
            Files.isRegularFile(file) ? new JsonObject(Files.readString(file)) : new JsonObject();
      } catch (IOException | RuntimeException e) {
        conf = new JsonObject();
      }
    }
    Object v = lookup(conf, setting.key());
    try {
      return v == ABSENT ? setting.defaultValue() : setting.read(v);
    } catch (IllegalArgumentException e) {
      return setting.defaultValue();
    }
  }

  private static Object lookup(JsonObject o, String key) {
    String[] parts = key.split("\\.");
    JsonObject cur = o;
    for (int i = 0; i < parts.length - 1; i++) {
      if (!(cur.getValue(parts[i]) instanceof JsonObject next)) {
        return ABSENT;
      }
      cur = next;
    }
    String last = parts[parts.length - 1];
    return cur.containsKey(last) ? cur.getValue(last) : ABSENT;
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

  /**
   * The whole configuration as JSON; secrets are shown as {@code (hidden)}, so it can go into a log
   * line.
   */
  @Override
  public String toString() {
    JsonObject shown = new JsonObject();
    for (Setting<?> s : Keys.all()) {
      put(shown, s.key(), s.secret() ? "(hidden)" : json.get(s));
    }
    return "NodeConfig" + shown.encode();
  }
}
