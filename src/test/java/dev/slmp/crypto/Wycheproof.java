package dev.slmp.crypto;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Walks {@code testGroups[*].tests[*]} of a Wycheproof file and tallies results. Test-only helper.
 */
final class Wycheproof {
  private Wycheproof() {}

  @FunctionalInterface
  interface CaseBody {
    void run(JsonObject group, JsonObject test) throws Exception;
  }

  /** Runs {@code body} on every test of every group; returns how many tests were visited. */
  static int forEach(JsonObject file, CaseBody body) throws Exception {
    JsonArray groups = file.getJsonArray("testGroups");
    if (groups == null || groups.isEmpty()) {
      throw new AssertionError("file has no testGroups");
    }
    int n = 0;
    for (int g = 0; g < groups.size(); g++) {
      JsonObject group = groups.getJsonObject(g);
      JsonArray tests = group.getJsonArray("tests");
      for (int t = 0; t < tests.size(); t++) {
        body.run(group, tests.getJsonObject(t));
        n++;
      }
    }
    return n;
  }

  static byte[] hex(JsonObject test, String field) {
    String s = test.getString(field);
    if (s == null) {
      throw new AssertionError("tcId " + test.getInteger("tcId") + ": missing field " + field);
    }
    return Bytes.unhex(s);
  }

  /** "tcId 12 (comment) [flags]" for assertion messages. */
  static String id(JsonObject test) {
    return "tcId "
        + test.getInteger("tcId")
        + " ("
        + test.getString("comment", "")
        + ") "
        + test.getJsonArray("flags");
  }

  static boolean hasFlag(JsonObject test, String flag) {
    JsonArray flags = test.getJsonArray("flags");
    return flags != null && flags.contains(flag);
  }

  /** Counts of each {@code result} value seen. */
  static final class Tally {
    final Map<String, Integer> counts = new HashMap<>();

    void add(String key) {
      counts.merge(key, 1, Integer::sum);
    }

    int get(String key) {
      return counts.getOrDefault(key, 0);
    }

    @Override
    public String toString() {
      return new java.util.TreeMap<>(counts).toString();
    }
  }
}
