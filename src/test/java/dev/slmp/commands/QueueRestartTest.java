package dev.slmp.commands;

import static dev.slmp.commands.QueueFixture.command;
import static dev.slmp.commands.QueueFixture.enqueue;
import static dev.slmp.commands.QueueFixture.text;
import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slmp.crypto.Suite;
import dev.slmp.testkit.DeviceOnRaw;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node keeps its queue in the data directory: commands queued before a restart reach
 * the device after it, in order, even with a torn last line (a crash mid-write) in the file; what
 * was taken before the restart is not sent again.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueRestartTest {
  @TempDir Path dataDir;

  @Test
  void queuedCommandsSurviveARestartAndATornLastLine(Vertx vertx) throws Exception {
    // GIVEN three commands queued on a node, the first one taken by the device already
    TestNode node = await(TestNode.start(vertx, dataDir, new JsonObject()));
    await(enqueue(vertx, command("r-dev", "cmd/1", "one", true)));
    DeviceOnRaw d0 =
        await(
            DeviceOnRaw.connect(
                vertx, node.port(), node.derivedDevice("r-dev", Suite.P256_FERNET)));
    await(d0.handshake());
    await(d0.sendWithAck("t", "r"));
    assertEquals(1, d0.messages.size());
    await(d0.raw.socket.close());
    await(enqueue(vertx, command("r-dev", "cmd/2", "two", true)));
    await(enqueue(vertx, command("r-dev", "cmd/3", "three", false)));
    Path file = dataDir.resolve("commands.jsonl");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    // WHEN the node stops, the file gets a torn last line, and the node starts again
    await(node.stop());
    Files.write(
        file,
        "{\"op\":\"enqueue\",\"device\":\"r-dev\",\"id\":\"torn".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    TestNode again = await(TestNode.start(vertx, dataDir, new JsonObject()));

    // THEN the device's next wake-up brings the two that waited, in order, and nothing else
    DeviceOnRaw d =
        await(
            DeviceOnRaw.connect(
                vertx, again.port(), again.derivedDevice("r-dev", Suite.P256_FERNET)));
    await(d.handshake());
    await(d.sendWithAck("t", "r"));
    assertEquals(2, d.messages.size());
    assertEquals("two", text(d.messages.get(0).payload()));
    assertEquals("three", text(d.messages.get(1).payload()));
    await(d.raw.socket.close());
    await(again.stop());
  }
}
