package dev.slmp.tools;

import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Suite;
import dev.slmp.datadir.DataDirectory;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.testkit.ChannelDevice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurement of issue 12's backpressure target, outside the test suite (it takes a minute and
 * measures time): a node in its own JVM with a small heap, two authenticated devices that pipeline
 * PING and DATA with ACK as fast as they can without ever reading, and beside them a well-behaved
 * device doing sleepy sessions (full handshake, one DATA, its ACK). Prints the well-behaved
 * device's latency percentiles, what the flooders got through, and whether the node survived.
 *
 * <p>{@code java -cp target/test-classes:target/slmp-fat.jar dev.slmp.tools.FloodProbe [JAR]
 * [-Xmx256m] [SECONDS]}
 */
public final class FloodProbe {
  private FloodProbe() {}

  public static void main(String[] args) throws Exception {
    String jar = args.length > 0 ? args[0] : "target/slmp-fat.jar";
    String heap = args.length > 1 ? args[1] : "-Xmx256m";
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 25;
    Path data = Files.createTempDirectory("slmp-flood");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String conf =
        "{\"host\":\"127.0.0.1\",\"port\":"
            + port
            + ",\"dataDir\":\""
            + data
            + "\",\"inbox\":{\"print\":false},\"limits\":{\"helloRatePerSource\":1000000,"
            + "\"helloBurstPerSource\":1000000,\"handshakesPerSource\":100000}"
            + (System.getenv("PROBE_EXTRA") == null ? "" : "," + System.getenv("PROBE_EXTRA"))
            + "}";
    Process node =
        new ProcessBuilder("java", heap, "-jar", jar, "-conf", conf)
            .redirectErrorStream(true)
            .start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean up = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  output.add(line);
                  if (line.contains("listening on")) {
                    up.set(true);
                  }
                }
              } catch (IOException ignored) {
                // the node went away
              }
            });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!up.get()) {
      if (System.nanoTime() > deadline || !node.isAlive()) {
        throw new IllegalStateException("node did not start: " + output);
      }
      Thread.sleep(20);
    }
    DataDirectory dir = DataDirectory.open(data);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong flooded = new AtomicLong();
    List<Thread> flooders = new ArrayList<>();
    int flooderCount = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    for (int i = 0; i < flooderCount; i++) {
      ChannelDevice f = new ChannelDevice(port, identity(dir, "flooder-" + i));
      Thread t =
          new Thread(
              () -> {
                byte[] ping = new Frame(FrameType.PING, new byte[0]).encode();
                try {
                  f.channel.configureBlocking(true);
                  while (!stop.get()) {
                    f.device.sendData("t", new byte[64], true);
                    byte[] b = f.take();
                    ByteBuffer buf =
                        ByteBuffer.allocate(b.length + ping.length).put(b).put(ping).flip();
                    while (buf.hasRemaining() && !stop.get()) {
                      f.channel.write(buf); // blocks once the node no longer reads us
                    }
                    flooded.incrementAndGet();
                  }
                } catch (IOException closed) {
                  // the node closed it, or the probe ended
                }
              });
      t.setDaemon(true);
      t.start();
      flooders.add(t);
    }
    List<Long> latencies = new ArrayList<>();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int n = 0;
    while (System.nanoTime() < end && node.isAlive()) {
      long t0 = System.nanoTime();
      ChannelDevice p;
      try {
        p = new ChannelDevice(port, identity(dir, "polite-" + (n++ % 50)));
      } catch (IOException e) {
        System.out.println(
            "polite session "
                + n
                + " failed: "
                + e.getMessage()
                + "; node alive "
                + node.isAlive());
        synchronized (output) {
          output.stream().skip(Math.max(0, output.size() - 40)).forEach(System.out::println);
        }
        throw e;
      }
      p.device.sendData("t", "21.5".getBytes(StandardCharsets.UTF_8), true);
      p.send(p.take());
      p.read(1);
      latencies.add(System.nanoTime() - t0);
      if (p.acks.isEmpty() || p.acks.get(0) != AckStatus.ACCEPTED) {
        throw new IllegalStateException("the polite device's DATA was not ACCEPTED: " + p.acks);
      }
      p.channel.close();
    }
    stop.set(true);
    boolean alive = node.isAlive();
    node.destroy();
    Collections.sort(latencies);
    boolean oom = output.stream().anyMatch(l -> l.contains("OutOfMemoryError"));
    System.out.printf(
        "jar %s, %s, %d s: polite sessions %d, p50 %.1f ms, p99 %.1f ms, max %.1f ms; flooder batches written %d;"
            + " node alive %s, OutOfMemoryError %s%n",
        jar,
        heap,
        seconds,
        latencies.size(),
        ms(latencies, 0.50),
        ms(latencies, 0.99),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1) / 1e6,
        flooded.get(),
        alive,
        oom);
  }

  private static double ms(List<Long> sorted, double q) {
    return sorted.isEmpty()
        ? 0
        : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * q))) / 1e6;
  }

  private static DeviceIdentity identity(DataDirectory dir, String id) {
    byte[] key = KeySchedule.deviceKey(dir.masterSecret(), id.getBytes(StandardCharsets.UTF_8));
    return new DeviceIdentity(id, key, Suite.X25519_CHACHA20POLY1305, dir.x25519().publicKey());
  }
}
