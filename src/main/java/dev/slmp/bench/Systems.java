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

  /** The same for BoringSSL (Vert.x OpenSSLEngineOptions on server and load generator). */
  ServerProcess boring;

  BaselineLoads.Target boringFull;
  final List<BaselineLoads.Target> boringResuming = new ArrayList<>();

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
      Path p12 = null;
      X509Certificate cert = null;
      if (o.baselines().contains(Results.TLS) || o.baselines().contains(Results.BORINGSSL)) {
        p12 = TlsSetup.makeKeystore(o.out().resolve("tls"));
        cert = TlsSetup.certificate(p12);
      }
      List<String> described = new ArrayList<>();
      if (o.baselines().contains(Results.TLS)) {
        s.tls = s.server(o, log, "tls", tlsArgs(p12, TlsSetup.Engine.JDK));
        s.tlsFull = s.targets(vertx, s.tls, cert, TlsSetup.Engine.JDK, 1, false).get(0);
        s.tlsResuming.addAll(s.targets(vertx, s.tls, cert, TlsSetup.Engine.JDK, o.devices(), true));
        described.add(describe(s.tlsFull, s.tls, "JDK SSLEngine"));
      }
      if (o.baselines().contains(Results.BORINGSSL)) {
        if (!io.vertx.core.net.OpenSSLEngineOptions.isAvailable()) {
          log.accept(
              "BoringSSL is not available on this platform (netty-tcnative-boringssl-static ships"
                  + " linux-x86_64 here): its rows are left out");
        } else {
          s.boring = s.server(o, log, "boringssl", tlsArgs(p12, TlsSetup.Engine.BORINGSSL));
          s.boringFull =
              s.targets(vertx, s.boring, cert, TlsSetup.Engine.BORINGSSL, 1, false).get(0);
          s.boringResuming.addAll(
              s.targets(vertx, s.boring, cert, TlsSetup.Engine.BORINGSSL, o.devices(), true));
          described.add(
              describe(
                  s.boringFull,
                  s.boring,
                  "BoringSSL " + io.netty.handler.ssl.OpenSsl.versionString()));
        }
      }
      s.tlsDescription = String.join("; ", described);
      if (o.baselines().contains(Results.TCP)) {
        s.tcp = s.server(o, log, "tcp", List.of("baseline-server", "--tcp"));
        s.tcpTarget =
            new BaselineLoads.Target(
                vertx,
                s.client(
                    vertx, new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(15_000)),
                s.tcp.port,
                null,
                s.tcp);
      }
      return s;
    } catch (Exception | Error e) {
      s.close();
      throw e;
    }
  }

  /** The TLS baselines that run: JDK, then BoringSSL. */
  List<BenchRunner.TlsBaseline> tlsBaselines() {
    List<BenchRunner.TlsBaseline> out = new ArrayList<>();
    if (tls != null) {
      out.add(new BenchRunner.TlsBaseline(Results.TLS, tls, tlsFull, tlsResuming));
    }
    if (boring != null) {
      out.add(new BenchRunner.TlsBaseline(Results.BORINGSSL, boring, boringFull, boringResuming));
    }
    return out;
  }

  private static List<String> tlsArgs(Path p12, TlsSetup.Engine engine) {
    return List.of(
        "baseline-server", "--tls", "--keystore", p12.toString(), "--engine", engine.option());
  }

  /**
   * {@code n} load-generator targets for a TLS server: one client each (so one session cache each,
   * as real devices have), full handshakes only or resuming; resuming ones share one trust manager.
   */
  private List<BaselineLoads.Target> targets(
      Vertx vertx,
      ServerProcess server,
      X509Certificate cert,
      TlsSetup.Engine engine,
      int n,
      boolean resume)
      throws Exception {
    TlsSetup.CountingTrustManager trust = new TlsSetup.CountingTrustManager(cert);
    List<BaselineLoads.Target> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new BaselineLoads.Target(
              vertx,
              client(vertx, TlsSetup.clientOptions(trust, resume, engine)),
              server.port,
              trust,
              server));
    }
    return out;
  }

  /** "TLSv1.3 TLS_AES_128_GCM_SHA256, JDK SSLEngine, group X25519 (server side)". */
  private static String describe(BaselineLoads.Target t, ServerProcess server, String engine)
      throws Exception {
    var sock = BytesProbe.await(t.client().connect(t.port(), "127.0.0.1"));
    String d =
        sock.sslSession().getProtocol() + " " + sock.sslSession().getCipherSuite() + ", " + engine;
    BytesProbe.await(sock.close());
    String stats = server.stats();
    for (int i = 0; i < 40 && BenchRunner.statValue(stats, "connections") < 1; i++) {
      Thread.sleep(50); // the server's side of the handshake ends after the client's
      stats = server.stats();
    }
    int g = stats.indexOf("group=");
    if (g >= 0 && !stats.substring(g + 6).startsWith("-")) {
      d += ", key exchange " + stats.substring(g + 6).trim();
    }
    return d + ", self-signed P-256 certificate";
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
    deleteTree(abs);
    return DataDirectory.openOrCreate(abs);
  }

  /** Deletes {@code dir} and everything in it, if it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
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
