package dev.slmp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.cli.SlmpMain;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny run of {@code bench} in-process (its servers are child JVMs): it must write results.json
 * with non-zero rates for SLMP, TLS 1.3 (JDK and, where it ships, BoringSSL) and TCP, and the
 * BoringSSL sessions meant to resume must have resumed on both ends. No rate is compared with
 * anything: rates depend on the machine.
 */
class BenchSmokeTest {
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void tinyRunWritesResults(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      code =
          SlmpMain.run(
              out,
              err,
              "bench",
              "--rounds",
              "1",
              "--duration",
              "500ms",
              "--warmup",
              "0",
              "--devices",
              "4",
              "--connections",
              "8",
              "--only",
              "sleepy,steady",
              "--suites",
              "3",
              "--server-jvm",
              "-Xmx256m",
              "--out",
              dir.toString());
    }
    String out = outBytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out + errBytes.toString(StandardCharsets.UTF_8));
    assertTrue(Files.isRegularFile(dir.resolve("results.md")), out);
    JsonObject json = new JsonObject(Files.readString(dir.resolve("results.json")));
    assertTrue(json.getInteger("nproc") >= 1, json.encode());
    Set<String> seen = new HashSet<>();
    JsonArray series = json.getJsonArray("series");
    for (int i = 0; i < series.size(); i++) {
      JsonObject s = series.getJsonObject(i);
      assertTrue(s.getJsonObject("rate").getDouble("median") > 0, s.encode());
      assertEquals(0L, s.getLong("errors"), s.encode());
      seen.add(s.getString("workload") + "/" + s.getString("system"));
    }
    Set<String> expected =
        new HashSet<>(
            Set.of(
                "sleepy-full/slmp-3",
                "sleepy-resumed/slmp-3",
                "steady-ack/slmp-3",
                "steady-noack/slmp-3",
                "sleepy-full/tls",
                "sleepy-resumed/tls",
                "steady-ack/tls",
                "sleepy-full/tcp",
                "steady-ack/tcp"));
    if (OpenSSLEngineOptions.isAvailable()) { // BoringSSL ships for linux-x86_64 only
      expected.addAll(
          Set.of("sleepy-full/boringssl", "sleepy-resumed/boringssl", "steady-ack/boringssl"));
      // The BoringSSL baseline resumed its sessions, seen from both ends.
      assertTrue(out.contains("TLS 1.3 BoringSSL resumption check, client side"), out);
      assertTrue(out.contains("connections resumed (verified)"), out);
      assertTrue(json.getString("tls").contains("BoringSSL"), json.getString("tls"));
    }
    assertEquals(expected, seen);
    assertTrue(out.contains("round 1/1"), out);
    assertTrue(out.contains("SLMP ÷ TLS"), out);
    assertTrue(
        json.containsKey("cpu") && json.containsKey("java") && json.containsKey("date"),
        json.encode());
  }
}
