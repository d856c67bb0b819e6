package dev.slmp.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@code conf/config.json} and the README's configuration table from {@link Keys}, and finds
 * where they disagree with it ({@code ConfigDocsTest} fails on any). Run from the project
 * directory:
 *
 * <pre>
 * mvn -o -q package -DskipTests
 * java -cp target/slmp-fat.jar dev.slmp.config.ConfigDocs --write   # or --check, or nothing: print both
 * </pre>
 *
 * The table sits between {@value #BEGIN} and {@value #END} in {@code README.md}; the prose around
 * it is kept.
 */
public final class ConfigDocs {
  public static final String BEGIN =
      "<!-- config-table:begin (generated from dev.slmp.config.Keys by ConfigDocs) -->";
  public static final String END = "<!-- config-table:end -->";
  public static final String README = "README.md";
  public static final String REGENERATE =
      "regenerate with: mvn -o -q package -DskipTests && java -cp target/slmp-fat.jar dev.slmp.config.ConfigDocs --write";
  private static final String HEADER =
      "| key | env | default | range | meaning |\n|---|---|---|---|---|\n";

  private ConfigDocs() {}

  /**
   * {@code conf/config.json}: every key with its default, nested at the dots, in declaration order.
   */
  public static String configJson() {
    Map<String, Object> tree = new LinkedHashMap<>();
    for (Setting<?> s : Keys.all()) {
      String[] parts = s.key().split("\\.");
      Map<String, Object> cur = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        @SuppressWarnings("unchecked")
        Map<String, Object> next =
            (Map<String, Object>) cur.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        cur = next;
      }
      cur.put(parts[parts.length - 1], s.defaultJson());
    }
    StringBuilder b = new StringBuilder();
    writeTree(b, tree, "");
    return b.append('\n').toString();
  }

  private static void writeTree(StringBuilder b, Map<String, Object> tree, String indent) {
    b.append("{\n");
    int n = 0;
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      b.append(indent).append("  ").append(Json.encode(e.getKey())).append(": ");
      if (e.getValue() instanceof Map<?, ?> m) {
        @SuppressWarnings("unchecked")
        Map<String, Object> child = (Map<String, Object>) m;
        writeTree(b, child, indent + "  ");
      } else {
        b.append(json(e.getValue()));
      }
      b.append(++n < tree.size() ? ",\n" : "\n");
    }
    b.append(indent).append('}');
  }

  /** A JSON value on one line, with a space after each comma and colon. */
  static String json(Object v) {
    if (v instanceof JsonArray a) {
      List<String> items = new ArrayList<>();
      a.forEach(x -> items.add(json(x)));
      return "[" + String.join(", ", items) + "]";
    }
    if (v instanceof JsonObject o) {
      List<String> items = new ArrayList<>();
      o.forEach(e -> items.add(Json.encode(e.getKey()) + ": " + json(e.getValue())));
      return "{" + String.join(", ", items) + "}";
    }
    return Json.encode(v);
  }

  /** The README's configuration table, header included. */
  public static String table() {
    StringBuilder b = new StringBuilder(HEADER);
    for (Setting<?> s : Keys.all()) {
      b.append(row(s)).append('\n');
    }
    return b.toString();
  }

  static String row(Setting<?> s) {
    Object d = s.defaultJson();
    String shown = d instanceof String str && !str.isEmpty() ? str : json(d);
    return "| `"
        + s.key()
        + "` | `"
        + s.envName()
        + "` | `"
        + shown
        + "` | "
        + s.allowed()
        + " | "
        + s.doc()
        + " |";
  }

  /** The README with its table replaced by {@link #table()}; fails when the markers are missing. */
  public static String withTable(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(README + " lacks the markers " + BEGIN + " … " + END);
    }
    return readme.substring(0, begin + BEGIN.length()) + "\n" + table() + readme.substring(end);
  }

  /** Where the two files disagree with {@link Keys}, one line per key; empty when they match. */
  public static List<String> problems(String readme, String configJson) {
    List<String> out = new ArrayList<>();
    checkConfigJson(configJson, out);
    checkReadme(readme, out);
    return out;
  }

  private static void checkConfigJson(String text, List<String> out) {
    Map<String, Object> found = new LinkedHashMap<>();
    try {
      flatten(new JsonObject(text), "", found);
    } catch (DecodeException e) {
      out.add(NodeConfig.DEFAULT_FILE + " is not JSON: " + e.getMessage());
      return;
    }
    int before = out.size();
    for (Setting<?> s : Keys.all()) {
      Object v = found.remove(s.key());
      String want = json(s.defaultJson());
      if (v == null) {
        out.add(NodeConfig.DEFAULT_FILE + " lacks '" + s.key() + "' (default " + want + ")");
      } else if (!json(v).equals(want)) {
        out.add(
            NodeConfig.DEFAULT_FILE
                + " has '"
                + s.key()
                + "' = "
                + json(v)
                + ", its definition's default is "
                + want);
      }
    }
    found
        .keySet()
        .forEach(
            k ->
                out.add(NodeConfig.DEFAULT_FILE + " has '" + k + "', which Keys does not declare"));
    if (out.size() == before && !text.equals(configJson())) {
      out.add(
          NodeConfig.DEFAULT_FILE
              + " has every key and default, but not in the generated order or layout");
    }
  }

  /** Leaves by dotted key; a declared key's value is a leaf even when it is an object. */
  private static void flatten(JsonObject o, String prefix, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : o) {
      String key = prefix + e.getKey();
      boolean declared = Keys.all().stream().anyMatch(s -> s.key().equals(key));
      if (e.getValue() instanceof JsonObject child && !declared) {
        flatten(child, key + ".", out);
      } else {
        out.put(key, e.getValue() == null ? "null" : e.getValue());
      }
    }
  }

  private static void checkReadme(String readme, List<String> out) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      out.add(README + " lacks the markers of the configuration table: " + BEGIN + " … " + END);
      return;
    }
    String found = readme.substring(begin + BEGIN.length(), end).strip();
    Map<String, String> rows = new LinkedHashMap<>();
    for (String line : found.split("\n")) {
      if (line.startsWith("| `")) {
        rows.put(line.substring(3, Math.max(3, line.indexOf('`', 3))), line.strip());
      }
    }
    int before = out.size();
    for (Setting<?> s : Keys.all()) {
      String row = rows.remove(s.key());
      if (row == null) {
        out.add(README + "'s configuration table lacks '" + s.key() + "'");
      } else if (!row.equals(row(s))) {
        out.add(
            README
                + "'s row of '"
                + s.key()
                + "' disagrees with its definition:\n  expected "
                + row(s)
                + "\n  found    "
                + row);
      }
    }
    rows.keySet()
        .forEach(
            k ->
                out.add(
                    README
                        + "'s configuration table has '"
                        + k
                        + "', which Keys does not declare"));
    if (out.size() == before && !Objects.equals(found, table().strip())) {
      out.add(
          README
              + "'s configuration table has every key, but not in the generated order or layout");
    }
  }

  /**
   * {@code --write}: rewrite both files; {@code --check}: list the problems (exit 1 if any); else
   * print both.
   */
  public static void main(String[] args) throws IOException {
    Path readme = Path.of(README);
    Path json = Path.of(NodeConfig.DEFAULT_FILE);
    String mode = args.length == 0 ? "" : args[0];
    switch (mode) {
      case "--write" -> {
        Files.writeString(json, configJson(), StandardCharsets.UTF_8);
        Files.writeString(
            readme,
            withTable(Files.readString(readme, StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8);
        System.out.println(
            "wrote " + json + " and the table in " + readme + " (" + Keys.all().size() + " keys)");
      }
      case "--check" -> {
        List<String> problems =
            problems(
                Files.readString(readme, StandardCharsets.UTF_8),
                Files.readString(json, StandardCharsets.UTF_8));
        problems.forEach(System.out::println);
        if (!problems.isEmpty()) {
          System.out.println(REGENERATE);
          System.exit(1);
        }
      }
      case "" -> System.out.print(table() + "\n" + configJson());
      default -> {
        System.err.println("usage: ConfigDocs [--write | --check]");
        System.exit(2);
      }
    }
  }
}
