package dev.slmp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A local single-broker Kafka (KRaft, broker and controller in one process, no ZooKeeper) in its
 * own JVM, for trying the Kafka sink ({@code scripts/kafka-up.sh}), the tests and the benchmark.
 * Its classpath is {@code org.apache.kafka:kafka_2.13} from Maven Central, resolved by {@code
 * scripts/kafka/pom.xml} into {@code target/kafka/classpath.txt}: never a dependency of SLMP, never
 * in its jar. Listens on 127.0.0.1 only; its storage is formatted on first start and kept, so a
 * restart on the same directory finds its records again.
 *
 * <pre>
 * java -cp target/slmp-fat.jar dev.slmp.bench.LocalKafka start DIR PORT   # detached; pid in DIR/kafka.pid
 * java -cp target/slmp-fat.jar dev.slmp.bench.LocalKafka stop DIR
 * </pre>
 */
public final class LocalKafka implements AutoCloseable {
  /** Where the resolved classpath is kept, relative to the project directory. */
  public static final Path CLASSPATH_FILE = Path.of("target", "kafka", "classpath.txt");

  private static final Path POM = Path.of("scripts", "kafka", "pom.xml");

  private final Path dir;
  private final int port;
  private final List<String> command;
  private Process process;

  private LocalKafka(Path dir, int port, List<String> command) {
    this.dir = dir;
    this.port = port;
    this.command = command;
  }

  /**
   * Formats {@code dir} (first time only), starts the broker on {@code 127.0.0.1:port} and waits
   * until it describes its cluster (at most two minutes).
   */
  public static LocalKafka start(Path projectDir, Path dir, int port) throws IOException {
    LocalKafka k = new LocalKafka(dir, port, prepare(projectDir, dir, port));
    k.startAgain();
    return k;
  }

  /** {@code host:port} for {@code kafka.bootstrapServers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Whether the broker process is alive. */
  public boolean running() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Starts the stopped broker again, on the same port and storage. */
  public void startAgain() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is running");
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
            .start();
    awaitReady(Duration.ofMinutes(2));
  }

  /** Stops the broker as an operator would (SIGTERM, a clean shutdown), waiting for it. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Kills the broker (SIGKILL: a crash, no clean shutdown), waiting for it to be gone. */
  public void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Writes the broker's properties, formats its storage if new; returns its command line. */
  static List<String> prepare(Path projectDir, Path dir, int port) throws IOException {
    Files.createDirectories(dir);
    String classpath = classpath(projectDir);
    int controllerPort = freePort();
    Path props = dir.resolve("server.properties");
    Path logs = dir.resolve("logs");
    Files.writeString(
        props,
        String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                    + port
                    + ",CONTROLLER://127.0.0.1:"
                    + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logs.toAbsolutePath(),
                "num.partitions=4",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // a single replica: written through to the disk as Kafka always does (page cache)
                "")
            + "\n",
        StandardCharsets.UTF_8);
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-Xmx512m");
    java.add("-XX:+UseSerialGC");
    java.add("-cp");
    java.add(classpath);
    if (!Files.exists(logs.resolve("meta.properties"))) {
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      List<String> format = new ArrayList<>(java);
      format.addAll(
          List.of(
              "kafka.tools.StorageTool",
              "format",
              "-t",
              Base64.getUrlEncoder().withoutPadding().encodeToString(id),
              "-c",
              props.toString()));
      run(format, dir.resolve("format.log"));
    }
    List<String> broker = new ArrayList<>(java);
    broker.add("kafka.Kafka");
    broker.add(props.toString());
    return broker;
  }

  /**
   * The broker's classpath: {@link #CLASSPATH_FILE}, resolved with Maven the first time ({@code mvn
   * -f scripts/kafka/pom.xml dependency:build-classpath}).
   */
  static String classpath(Path projectDir) throws IOException {
    Path file = projectDir.resolve(CLASSPATH_FILE).toAbsolutePath();
    if (!Files.isRegularFile(file)) {
      Files.createDirectories(file.getParent());
      run(
          List.of(
              "mvn",
              "-B",
              "-q",
              "-f",
              projectDir.resolve(POM).toString(),
              "dependency:build-classpath",
              "-Dmdep.outputFile=" + file),
          file.resolveSibling("resolve.log"));
    }
    return Files.readString(file).strip();
  }

  private static void run(List<String> cmd, Path log) throws IOException {
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd.subList(0, Math.min(4, cmd.size())))
                + "… failed, see "
                + log
                + ":\n"
                + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void awaitReady(Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                "bootstrap.servers", bootstrapServers(), "request.timeout.ms", 2000))) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IOException(
              "the Kafka broker exited with "
                  + process.exitValue()
                  + ", see "
                  + dir.resolve("broker.log"));
        }
        if (listening()) {
          try {
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                .nodes()
                .get(3, TimeUnit.SECONDS);
            return;
          } catch (Exception e) {
            // not ready yet
          }
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    stop();
    throw new IOException("the Kafka broker did not start within " + limit);
  }

  private boolean listening() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Prints the records of {@code topic} from the beginning (key, headers, value as escaped text),
   * reading for a few seconds: what the demo shows of the Kafka sink.
   */
  static void show(String bootstrap, String topic) {
    Map<String, Object> cfg =
        Map.of(
            "bootstrap.servers", bootstrap,
            "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
            "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(cfg)) {
      var parts =
          c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < end) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          StringBuilder h = new StringBuilder();
          for (var x : r.headers()) {
            h.append(' ')
                .append(x.key())
                .append('=')
                .append(
                    dev.slmp.inbox.Printable.escape(new String(x.value(), StandardCharsets.UTF_8)));
          }
          System.out.println(
              topic
                  + "/"
                  + r.partition()
                  + "@"
                  + r.offset()
                  + " key="
                  + dev.slmp.inbox.Printable.escape(r.key())
                  + h
                  + " value="
                  + dev.slmp.inbox.Printable.escape(new String(r.value(), StandardCharsets.UTF_8)));
        }
      }
    }
  }

  /** A free port on 127.0.0.1. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * {@code start DIR PORT}: a detached broker for {@code scripts/kafka-up.sh}; {@code stop DIR}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("start")) {
      Path dir = Path.of(args[1]).toAbsolutePath();
      LocalKafka k = start(Path.of("").toAbsolutePath(), dir, Integer.parseInt(args[2]));
      Files.writeString(dir.resolve("kafka.pid"), k.pid() + "\n");
      System.out.println(
          "Kafka (KRaft, single broker) on "
              + k.bootstrapServers()
              + ", pid "
              + k.pid()
              + ", data and broker.log in "
              + dir);
      System.exit(0); // the broker runs on without this JVM
    } else if (args.length == 2 && args[0].equals("stop")) {
      Path pidFile = Path.of(args[1]).resolve("kafka.pid");
      if (!Files.exists(pidFile)) {
        System.out.println("no Kafka running from " + args[1]);
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      var handle = ProcessHandle.of(pid);
      boolean ours =
          handle.isPresent()
              && handle.get().info().commandLine().orElse("").contains("kafka.Kafka");
      if (ours) {
        handle.get().destroy();
        handle.get().onExit().get(60, TimeUnit.SECONDS);
      }
      Files.delete(pidFile);
      System.out.println("Kafka (pid " + pid + ") stopped");
    } else if (args.length == 3 && args[0].equals("show")) {
      show(args[1], args[2]);
    } else {
      System.err.println("usage: LocalKafka start DIR PORT | stop DIR | show BOOTSTRAP TOPIC");
      System.exit(2);
    }
  }
}
