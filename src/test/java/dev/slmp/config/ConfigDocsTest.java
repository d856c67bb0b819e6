package dev.slmp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code conf/config.json} and the README's configuration table say what {@link Keys} defines; a
 * changed default, a missing, extra or reworded key is reported naming the key, with the command
 * that regenerates both files.
 */
class ConfigDocsTest {
  private static final String README_AROUND =
      "# prose before\n\n"
          + ConfigDocs.BEGIN
          + "\n"
          + ConfigDocs.table()
          + ConfigDocs.END
          + "\n\nprose after\n";

  @Test
  void theReadmeAndConfConfigJsonAgreeWithTheDefinitions() throws IOException {
    List<String> problems =
        ConfigDocs.problems(
            Files.readString(Path.of(ConfigDocs.README), StandardCharsets.UTF_8),
            Files.readString(Path.of(NodeConfig.DEFAULT_FILE), StandardCharsets.UTF_8));
    assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + ConfigDocs.REGENERATE);
  }

  @Test
  void theGeneratedFilesAgree() {
    assertEquals(List.of(), ConfigDocs.problems(README_AROUND, ConfigDocs.configJson()));
    JsonObject json = new JsonObject(ConfigDocs.configJson());
    assertEquals(NodeConfig.defaults(), json, "conf/config.json holds every key with its default");
    assertEquals(9999, NodeConfig.validate(json).get(Keys.PORT), "and is a valid configuration");
  }

  @Test
  void aWrongDefaultInConfConfigJsonNamesTheKey() {
    String json = ConfigDocs.configJson().replace("\"port\": 9999", "\"port\": 9998");
    assertEquals(
        List.of("conf/config.json has 'port' = 9998, its definition's default is 9999"),
        ConfigDocs.problems(README_AROUND, json));
  }

  @Test
  void aMissingOrUnknownKeyInConfConfigJsonIsNamed() {
    String json =
        ConfigDocs.configJson().replace("  \"host\": \"0.0.0.0\",\n", "  \"hots\": \"0.0.0.0\",\n");
    assertEquals(
        List.of(
            "conf/config.json lacks 'host' (default \"0.0.0.0\")",
            "conf/config.json has 'hots', which Keys does not declare"),
        ConfigDocs.problems(README_AROUND, json));
    String reordered = new JsonObject(ConfigDocs.configJson()).encodePrettily();
    assertEquals(
        List.of(
            "conf/config.json has every key and default, but not in the generated order or layout"),
        ConfigDocs.problems(README_AROUND, reordered));
  }

  @Test
  void aReadmeRowThatDisagreesNamesTheKey() {
    String row = ConfigDocs.row(Keys.PORT);
    String readme = README_AROUND.replace(row, row.replace("`9999`", "`9998`"));
    List<String> problems = ConfigDocs.problems(readme, ConfigDocs.configJson());
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).startsWith("README.md's row of 'port' disagrees with its definition:"),
        problems.get(0));

    String missing = README_AROUND.replace(ConfigDocs.row(Keys.HOST) + "\n", "");
    assertEquals(
        List.of("README.md's configuration table lacks 'host'"),
        ConfigDocs.problems(missing, ConfigDocs.configJson()));
    String extra =
        README_AROUND.replace(
            ConfigDocs.END, "| `old.key` | `SLMP_OLD_KEY` | `1` |  | gone |\n" + ConfigDocs.END);
    assertEquals(
        List.of("README.md's configuration table has 'old.key', which Keys does not declare"),
        ConfigDocs.problems(extra, ConfigDocs.configJson()));
    assertEquals(
        List.of(
            "README.md lacks the markers of the configuration table: "
                + ConfigDocs.BEGIN
                + " … "
                + ConfigDocs.END),
        ConfigDocs.problems("# no table\n", ConfigDocs.configJson()));
  }

  @Test
  void writingTheTableKeepsTheProseAroundIt() {
    String stale =
        "# prose before\n\n"
            + ConfigDocs.BEGIN
            + "\n| old | table |\n"
            + ConfigDocs.END
            + "\n\nprose after\n";
    assertEquals(README_AROUND, ConfigDocs.withTable(stale));
  }

  @Test
  void rowsShowKeyEnvironmentDefaultRangeAndMeaning() {
    assertEquals(
        "| `port` | `SLMP_PORT` | `9999` | 0..65535 | TCP port (0: any free port) |",
        ConfigDocs.row(Keys.PORT));
    assertTrue(
        ConfigDocs.row(Keys.LEGACY_SECRET)
            .startsWith("| `legacy.secret` | `SLMP_LEGACY_SECRET` | `\"\"` | secret |"));
    assertTrue(
        ConfigDocs.row(Keys.BRIDGE_INBOUND)
            .contains(
                "| `[{\"addressRegex\": \"slmp\\\\.out\\\\.(?!receipt$).+\"}, \"slmp.commands\"]` |"),
        ConfigDocs.row(Keys.BRIDGE_INBOUND));
  }
}
