package dev.slmp.datadir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.auth.InMemoryDeviceDirectory;
import dev.slmp.crypto.Bytes;
import dev.slmp.protocol.KeySchedule;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceRegistryTest {
  private static final byte[] MASTER =
      Bytes.unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  @TempDir Path tmp;

  private Path file() {
    return tmp.resolve("devices.json");
  }

  @Test
  void changesPersistAcrossReopen() throws Exception {
    DeviceRegistry r = DeviceRegistry.open(file(), MASTER);
    assertTrue(r.list().isEmpty());
    assertFalse(Files.exists(file()), "a missing file is an empty registry");
    String k = r.add("sensor-1");
    assertTrue(k.matches("[0-9a-f]{64}"));
    r.add("büro-7");
    r.revoke("sensor-1");
    r.revoke("derived-only");
    r.revoke("derived-only"); // idempotent
    r.add("gone");
    r.revoke("gone");
    r.reinstate("gone");
    r.reinstate("never-revoked");
    List<DeviceRegistry.Entry> expected =
        List.of(
            new DeviceRegistry.Entry("büro-7", true, false),
            new DeviceRegistry.Entry("derived-only", false, true),
            new DeviceRegistry.Entry("gone", true, false),
            new DeviceRegistry.Entry("sensor-1", true, true));
    assertEquals(expected, r.list());

    DeviceRegistry again = DeviceRegistry.open(file(), null);
    assertEquals(expected, again.list());
    assertEquals(k, Bytes.hex(again.deviceKey("sensor-1")));
    assertTrue(again.isRevoked("sensor-1"));
    assertTrue(again.isRevoked("derived-only"));
    assertFalse(again.isRevoked("gone"));
    assertNull(again.deviceKey("derived-only"), "no master secret: unknown device");

    JsonObject json = new JsonObject(Files.readString(file()));
    assertEquals(k, json.getJsonObject("devices").getJsonObject("sensor-1").getString("key"));
    assertTrue(json.getJsonObject("devices").getJsonObject("sensor-1").getLong("added") > 0);
    assertTrue(json.getJsonObject("revoked").getLong("derived-only") > 0);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    }
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no temp files left behind");
    }
  }

  @Test
  void duplicatesAndBadIdsAreRefused() throws Exception {
    DeviceRegistry r = DeviceRegistry.open(file(), MASTER);
    r.add("a");
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> r.add("a"));
    assertEquals("device a is already registered", dup.getMessage());
    String max = "é".repeat(32); // 64 bytes
    r.add(max);
    for (String bad : List.of("", "é".repeat(32) + "x", "x".repeat(65), "\ud800")) {
      assertThrows(IllegalArgumentException.class, () -> r.add(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> r.revoke(bad), bad);
    }
    assertEquals(2, r.list().size());
  }

  @Test
  void registeredKeyWinsOverDerivation() throws Exception {
    DeviceRegistry r = DeviceRegistry.open(file(), MASTER);
    byte[] derived = KeySchedule.deviceKey(MASTER, "dev".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(derived, r.deviceKey("dev"));
    assertArrayEquals(new InMemoryDeviceDirectory(MASTER).deviceKey("dev"), r.deviceKey("dev"));
    String own = r.add("dev");
    assertEquals(own, Bytes.hex(r.deviceKey("dev")));
    assertNotEquals(Bytes.hex(derived), own);
    assertArrayEquals(
        KeySchedule.deviceKey(MASTER, "other".getBytes(StandardCharsets.UTF_8)),
        r.deviceKey("other"));
    assertThrows(IllegalArgumentException.class, () -> DeviceRegistry.open(file(), new byte[16]));
  }

  @Test
  void reloadSeesAnotherInstancesChanges() throws Exception {
    DeviceRegistry node = DeviceRegistry.open(file(), MASTER);
    DeviceRegistry cli = DeviceRegistry.open(file(), MASTER);
    assertFalse(node.reloadIfChanged());
    String k = cli.add("x");
    assertNotEquals(k, Bytes.hex(node.deviceKey("x")));
    assertTrue(node.reloadIfChanged());
    assertEquals(k, Bytes.hex(node.deviceKey("x")));
    assertFalse(node.reloadIfChanged());
    cli.revoke("x");
    assertTrue(node.reloadIfChanged());
    assertTrue(node.isRevoked("x"));
    // A change made through the stale instance first picks up the other's, so nothing is lost.
    node.add("y");
    assertTrue(cli.reloadIfChanged());
    assertEquals(
        List.of(
            new DeviceRegistry.Entry("x", true, true), new DeviceRegistry.Entry("y", true, false)),
        cli.list());
  }

  @Test
  void corruptFileThrowsAndKeepsTheOldState() throws Exception {
    DeviceRegistry r = DeviceRegistry.open(file(), MASTER);
    String k = r.add("keep");
    List<String> bad =
        List.of(
            "{\"devices\": {\"keep\": {\"key\": \"" + k + "\"",
            "[1,2]",
            "null",
            "{\"devices\": {\"d\": {\"key\": \"zz\"}}}",
            "{\"devices\": {\"\": {\"key\": \"" + k + "\"}}}",
            "{\"devices\": [], \"revoked\": {}}",
            "{\"revoked\": {\"a\": \"yesterday\"}}");
    for (String content : bad) {
      Files.writeString(file(), content);
      IOException e = assertThrows(IOException.class, r::reloadIfChanged, content);
      assertTrue(e.getMessage().contains("devices.json"), e.getMessage());
      assertFalse(e.getMessage().contains(k), "no key in the message");
      assertEquals(k, Bytes.hex(r.deviceKey("keep")));
      assertEquals(1, r.list().size());
      assertThrows(IOException.class, () -> r.add("new"), "never overwrites a file it cannot read");
      assertThrows(IOException.class, () -> DeviceRegistry.open(file(), MASTER));
    }
  }

  @Test
  void aStaleCopyNeverUndoesARevocationAndAReinstatementWinsOnlyWhenLater() throws Exception {
    DeviceRegistry one = DeviceRegistry.open(tmp.resolve("one.json"), MASTER);
    DeviceRegistry two = DeviceRegistry.open(tmp.resolve("two.json"), MASTER);
    String k = one.add("d");
    two.merge(one.records());
    List<DeviceRecord> stale = List.copyOf(two.records()); // d registered, not revoked
    one.revoke("d");
    two.merge(one.records());
    assertTrue(two.isRevoked("d"));
    // The stale copy (from before the revoke) changes nothing.
    assertTrue(two.merge(stale).isEmpty());
    assertTrue(two.isRevoked("d"));
    // A reinstatement made on the other copy is later than the revocation it saw: it wins.
    two.reinstate("d");
    one.merge(two.records());
    assertFalse(one.isRevoked("d"));
    // Merging the old revoked state back does not revoke it again; merging twice is the same.
    one.merge(List.of(new DeviceRecord("d", null, 0, 1, 0)));
    assertFalse(one.isRevoked("d"));
    assertTrue(one.merge(one.records()).isEmpty());
    // A revocation and a reinstatement at the same millisecond end revoked.
    DeviceRecord tie = new DeviceRecord("t", null, 0, 5, 5);
    assertTrue(tie.revoked());
    // Two different keys for one id: every copy picks the one added first.
    DeviceRecord first = new DeviceRecord("k", new byte[32], 10, 0, 0);
    byte[] other = new byte[32];
    other[0] = 1;
    DeviceRecord later = new DeviceRecord("k", other, 20, 0, 0);
    assertTrue(first.merge(later).sameAs(later.merge(first)));
    assertArrayEquals(new byte[32], first.merge(later).key());
    // And the file round-trips the reinstatement with the revocation it lifted.
    DeviceRegistry reread = DeviceRegistry.open(tmp.resolve("one.json"), MASTER);
    assertEquals(one.records().size(), reread.records().size());
    for (DeviceRecord r : one.records()) {
      assertTrue(
          r.sameAs(
              reread.records().stream()
                  .filter(x -> x.id().equals(r.id()))
                  .findFirst()
                  .orElseThrow()),
          r.toString());
    }
    assertEquals(k, Bytes.hex(reread.deviceKey("d")));
  }

  @Test
  void removingARevocationFromTheFileByHandDoesNotReinstate() throws Exception {
    DeviceRegistry node = DeviceRegistry.open(file(), MASTER);
    node.revoke("x");
    JsonObject json = new JsonObject(Files.readString(file()));
    json.getJsonObject("revoked").remove("x");
    Files.writeString(file(), json.encode());
    node.reloadIfChanged();
    assertTrue(node.isRevoked("x"));
    assertTrue(
        new JsonObject(Files.readString(file())).getJsonObject("revoked").containsKey("x"),
        "written back");
  }

  @Test
  void aMergeWhileTheFileIsBrokenStaysInMemoryAndIsWrittenOnceItIsFixed() throws Exception {
    DeviceRegistry node = DeviceRegistry.open(file(), MASTER);
    node.add("kept");
    String good = Files.readString(file());
    List<List<DeviceRecord>> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    node.onChange(heard::add);
    Files.writeString(file(), good.substring(0, 10));
    assertThrows(IOException.class, node::reloadIfChanged);
    List<DeviceRecord> changed = node.merge(List.of(new DeviceRecord("elsewhere", null, 0, 7, 0)));
    assertEquals(1, changed.size());
    assertTrue(node.isRevoked("elsewhere"));
    assertEquals(List.of(changed), heard, "the listener hears it");
    assertEquals(good.substring(0, 10), Files.readString(file()), "the operator's file untouched");
    Files.writeString(file(), good);
    node.reloadIfChanged();
    JsonObject json = new JsonObject(Files.readString(file()));
    assertTrue(json.getJsonObject("revoked").containsKey("elsewhere"));
    assertTrue(json.getJsonObject("devices").containsKey("kept"));
  }

  @Test
  void theClusterFormIsCheckedOnTheWayIn() {
    DeviceRecord r = new DeviceRecord("a", new byte[32], 3, 4, 5);
    assertTrue(r.sameAs(DeviceRecord.fromJson("a", r.toJson())));
    assertFalse(r.toString().contains("0000000000"), "no key in toString");
    for (JsonObject bad :
        List.of(
            new JsonObject().put("key", "zz"),
            new JsonObject().put("revokedAt", "soon"),
            new JsonObject().put("revokedAt", -1))) {
      assertThrows(
          IllegalArgumentException.class, () -> DeviceRecord.fromJson("a", bad), bad.encode());
    }
    assertThrows(IllegalArgumentException.class, () -> DeviceRecord.fromJson("", new JsonObject()));
  }

  @Test
  void toStringShowsNoKeys() throws Exception {
    DeviceRegistry r = DeviceRegistry.open(file(), MASTER);
    String k = r.add("a");
    assertFalse(r.toString().contains(k.substring(0, 8)));
    assertFalse(r.toString().contains(Bytes.hex(MASTER).substring(0, 8)));
  }
}
