package dev.slmp.bench;

import dev.slmp.datadir.DataDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The servers under test, each in its own process, all started before the first round so that
 * rounds of one workload can alternate between them (a change of load on a shared machine then hits
 * every system alike), and the clients that reach them.
 */
final class Systems implements AutoCloseable {
  ServerProcess slmp;
  SlmpLoads.Fleet slmpFleet;
  ServerProcess durable;
  SlmpLoads.Fleet durableFleet;
  ServerProcess tls;
  BaselineLoads.Target tlsFull;

  /** One client (so one JDK session cache) per sleepy device, as real devices have. */
  final List<BaselineLoads.Target> tlsResuming = new ArrayList<>();

  ServerProcess tcp;
  BaselineLoads.Target tcpTarget;
  String tlsDescription = "";
  private final List<NetClient> clients = new ArrayList<>();
  private final List<ServerProcess> servers = new ArrayList<>();

  /** Starts what {@code o} needs; {@code log} gets one line per server started. */
  static Systems start(BenchOptions o, Vertx vertx, Consumer<String> log) throws Exception {
    Systems s = new Systems();
    try {
      boolean slmp =
          !o.suites().isEmpty()
              && Stream.of(
                      Results.SLEEPY_FULL,
                      Results.SLEEPY_RESUMED,
                      Results.STEADY_ACK,
                      Results.STEADY_NOACK,
                      Results.MEMORY,
                      Results.BYTES)
                  .anyMatch(o::wants);
      if (slmp) {
        DataDirectory data = freshData(o.out().resolve("data-slmp"));
        s.slmp = s.server(o, log, "slmp", List.of("server", "--data", data.dir().toString()));
        s.slmpFleet = SlmpLoads.Fleet.of(vertx, data, s.slmp.port);
      }
      if (!o.suites().isEmpty() && o.wants(Results.DURABLE)) {
        DataDirectory data = freshData(o.out().resolve("data-durable"));
        s.durable =
            s.server(
                o,
                log,
                "slmp-durable",
                List.of("server", "--data", data.dir().toString(), "--durable"));
        s.durableFleet = SlmpLoads.Fleet.of(vertx, data, s.durable.port);
      }
      if (o.baselines().contains(Results.TLS)) {
        Path p12 = TlsSetup.makeKeystore(o.out().resolve("tls"));
        X509Certificate cert = TlsSetup.certificate(p12);
        s.tls =
            s.server(
                o, log, "tls", List.of("baseline-server", "--tls", "--keystore", p12.toString()));
        TlsSetup.CountingTrustManager fullTrust = new TlsSetup.CountingTrustManager(cert);
        TlsSetup.CountingTrustManager resumeTrust = new TlsSetup.CountingTrustManager(cert);
        s.tlsFull =
            new BaselineLoads.Target(
                vertx,
                s.client(vertx, TlsSetup.clientOptions(fullTrust, false)),
                s.tls.port,
                fullTrust);
        for (int i = 0; i < o.devices(); i++) {
          s.tlsResuming.add(
              new BaselineLoads.Target(
                  vertx,
                  s.client(vertx, TlsSetup.clientOptions(resumeTrust, true)),
                  s.tls.port,
                  resumeTrust));
        }
        var sock = BytesProbe.await(s.tlsFull.client().connect(s.tls.port, "127.0.0.1"));
        s.tlsDescription =
            sock.sslSession().getProtocol()
                + " "
                + sock.sslSession().getCipherSuite()
                + ", JDK SSLEngine, self-signed P-256 certificate";
        BytesProbe.await(sock.close());
      }
      if (o.baselines().contains(Results.TCP)) {
        s.tcp = s.server(o, log, "tcp", List.of("baseline-server", "--tcp"));
        s.tcpTarget =
            new BaselineLoads.Target(
                vertx,
                s.client(
                    vertx, new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(15_000)),
                s.tcp.port,
                null);
      }
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  private NetClient client(Vertx vertx, NetClientOptions options) {
    NetClient c = vertx.createNetClient(options);
    clients.add(c);
    return c;
  }

  private ServerProcess server(BenchOptions o, Consumer<String> log, String name, List<String> args)
      throws IOException {
    List<String> jvm = new ArrayList<>(o.serverJvm());
    if (o.jfr()) {
      jvm.add(
          "-XX:StartFlightRecording=filename="
              + o.out().resolve(name + ".jfr").toAbsolutePath()
              + ",settings=profile,method-profiling=max,dumponexit=true");
    }
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--threads", Integer.toString(o.serverThreads())));
    ServerProcess p = ServerProcess.start(name, jvm, a, o.out().resolve("logs"));
    servers.add(p);
    log.accept("started the " + name + " server: pid " + p.pid + ", 127.0.0.1:" + p.port);
    return p;
  }

  /**
   * A fresh embedded-default data directory (keys and master secret made now, as on a node's first
   * start).
   */
  private static DataDirectory freshData(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath();
    if (Files.exists(abs)) {
      try (Stream<Path> walk = Files.walk(abs)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return DataDirectory.openOrCreate(abs);
  }

  @Override
  public void close() {
    clients.forEach(NetClient::close);
    if (slmpFleet != null) {
      slmpFleet.close();
    }
    if (durableFleet != null) {
      durableFleet.close();
    }
    servers.forEach(ServerProcess::close);
  }
}
