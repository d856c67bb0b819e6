package dev.slmp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each key is declared once in {@link Keys}, and a definition that could not be documented or met
 * is refused.
 */
class KeysTest {

  @Test
  void everySettingIsDeclaredExactlyOnceWithItsOwnKeyAndEnvironmentName()
      throws IllegalAccessException {
    List<Setting<?>> fields = new ArrayList<>();
    for (Field f : Keys.class.getDeclaredFields()) {
      if (Setting.class.isAssignableFrom(f.getType())) {
        int m = f.getModifiers();
        assertTrue(
            Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m),
            f.getName() + " is public static final");
        fields.add((Setting<?>) f.get(null));
      }
    }
    List<Setting<?>> all = Keys.all();
    assertEquals(
        fields.size(),
        all.size(),
        "Keys.all() holds each constant, each once (declared with define(...))");
    for (Setting<?> s : fields) {
      assertEquals(
          1, all.stream().filter(x -> x == s).count(), s.key() + " in Keys.all() exactly once");
    }
    Set<String> keys = new HashSet<>();
    Set<String> envNames = new HashSet<>();
    for (Setting<?> s : all) {
      assertTrue(keys.add(s.key()), "key declared twice: " + s.key());
      assertTrue(envNames.add(s.envName()), "environment name used twice: " + s.envName());
    }
    for (String k : keys) {
      // A key that is also a group ("bridge" and "bridge.port") could not be written in
      // conf/config.json.
      assertFalse(
          keys.stream().anyMatch(o -> o.startsWith(k + ".")), k + " is both a key and a group");
    }
  }

  @Test
  void theConstantNameIsTheKeyInUpperSnakeCase() throws IllegalAccessException {
    for (Field f : Keys.class.getDeclaredFields()) {
      if (Setting.class.isAssignableFrom(f.getType())) {
        Setting<?> s = (Setting<?>) f.get(null);
        assertEquals(
            "SLMP_" + f.getName(),
            s.envName(),
            "Keys." + f.getName() + " declares '" + s.key() + "'");
      }
    }
  }

  @Test
  void definitionsThatCannotBeMetOrDocumentedAreRefused() {
    assertEquals(
        "the default of 'a.b' must lie in 1..10",
        assertThrows(IllegalArgumentException.class, () -> new IntSetting("a.b", 0, 1, 10, "doc"))
            .getMessage());
    assertEquals(
        "the default of 'a.b' must lie in 1..10",
        assertThrows(IllegalArgumentException.class, () -> new LongSetting("a.b", 11, 1, 10, "doc"))
            .getMessage());
    assertEquals(
        "a config key is dotted lower camel case, was 'A_B'",
        assertThrows(IllegalArgumentException.class, () -> new BoolSetting("A_B", true, "doc"))
            .getMessage());
    assertEquals(
        "the doc of 'a' must be one line of text without '|'",
        assertThrows(IllegalArgumentException.class, () -> new BoolSetting("a", true, "two\nlines"))
            .getMessage());
    assertEquals(
        "the default of 'a' must not be empty",
        assertThrows(IllegalArgumentException.class, () -> StringSetting.nonBlank("a", "", "doc"))
            .getMessage());
    assertEquals(
        "config key 'suites' must name at least one suite (1, 2 or 3)",
        assertThrows(
                IllegalArgumentException.class,
                () -> ListSetting.ofNumbers("a", new JsonArray(), "", Keys.SUITES::read, "doc"))
            .getMessage(),
        "a default the reader refuses fails at once");
  }

  @Test
  void theAllowedValuesAreDocumentedFromTheRange() {
    assertEquals("0..65535", Keys.PORT.allowed());
    assertEquals("≥ 1", Keys.LIMITS_MAX_CONNECTIONS.allowed());
    assertEquals("0..4294967295", Keys.SESSION_LIFETIME_SECONDS.allowed());
    assertEquals("not empty", Keys.DATA_DIR.allowed());
    assertEquals("secret", Keys.LEGACY_SECRET.allowed());
    assertEquals("", Keys.INBOX_PRINT.allowed());
  }
}
