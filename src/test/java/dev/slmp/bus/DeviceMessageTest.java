package dev.slmp.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one definition of the device message's JSON (docs/event-bus.md) and what a bad body gets. */
class DeviceMessageTest {
  private final DeviceMessage m =
      new DeviceMessage(
          "sensor-1",
          "t/x",
          "21.5 \u00b0C".getBytes(StandardCharsets.UTF_8),
          7,
          "ab01",
          "node-a",
          1_764_190_000_123L,
          true);

  @Test
  void theJsonIsTheDocumentedShapeWithStandardBase64() {
    JsonObject j = new JsonObject(m.toJson().encode());
    assertEquals("sensor-1", j.getString("device"));
    assertEquals("t/x", j.getString("topic"));
    assertEquals("MjEuNSDCsEM=", j.getString("payload"));
    assertEquals(7L, j.getLong("seq"));
    assertEquals("ab01", j.getString("session"));
    assertEquals("node-a", j.getString("node"));
    assertEquals(1_764_190_000_123L, j.getLong("receivedAt"));
    assertEquals(true, j.getBoolean("early"));
    assertEquals(8, j.size(), "no field beyond the documented ones");
  }

  @Test
  void readsBackWhatItWrote() {
    DeviceMessage back = DeviceMessage.fromJson(new JsonObject(m.toJson().encode()));
    assertEquals(m.device(), back.device());
    assertArrayEquals(m.payload(), back.payload());
    assertEquals(m.seq(), back.seq());
    assertEquals(m.session(), back.session());
    assertEquals(m.early(), back.early());
    assertEquals(m.receivedAt(), back.receivedAt());
  }

  @Test
  void theLegacyShapeHasNoSession() {
    DeviceMessage legacy =
        DeviceMessage.fromJson(
            new DeviceMessage("u", "legacy", new byte[0], 0, null, "n", 1, false).toJson());
    assertEquals(null, legacy.session());
    assertEquals(0, legacy.payload().length);
  }

  @Test
  void aBodyThatIsNoDeviceMessageIsRefusedNamingTheField() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DeviceMessage.fromJson(new JsonObject()))
            .getMessage()
            .contains("'device'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    DeviceMessage.fromJson(
                        new JsonObject().put("device", "d").put("payload", "not base64!")))
            .getMessage()
            .contains("'payload'"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceMessage.fromJson(new JsonObject().put("device", "d").put("seq", "one")))
            .getMessage()
            .contains("'seq'"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DeviceMessage.fromJson(null))
            .getMessage()
            .contains("no body"));
  }
}
