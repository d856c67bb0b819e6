package dev.slmp.admin;

import static dev.slmp.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slmp.testkit.Await;
import dev.slmp.testkit.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin server's TLS rule: bound to anything but loopback without TLS ({@code
 * admin.tls.keyStore} or PEM files) the node refuses to start and names the key; with a key store
 * it speaks HTTPS (a real TLS handshake against a certificate the test makes with the JDK's
 * keytool); a wrong key store password stops the start without showing the password.
 */
class AdminTlsTest {
  static final String PASSWORD = "test-store-pass-1";
  @TempDir Path dir;
  Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void aNonLoopbackHostWithoutTlsStopsTheStart() {
    for (String host : new String[] {"0.0.0.0", "10.1.2.3", "admin.example", "::"}) {
      Throwable e =
          Await.failure(
              TestNode.start(
                  vertx,
                  dir.resolve("n" + host.hashCode()),
                  new JsonObject()
                      .put("admin", new JsonObject().put("host", host).put("port", 0))));
      assertTrue(e.getMessage().contains("admin.host"), e.getMessage());
      assertTrue(e.getMessage().contains("admin.tls.keyStore"), e.getMessage());
    }
  }

  @Test
  void withAKeyStoreTheAdminServerSpeaksHttps() throws Exception {
    Path store = keyStore();
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dir.resolve("tls"),
                new JsonObject()
                    .put(
                        "admin",
                        new JsonObject()
                            .put("port", 0)
                            .put(
                                "tls",
                                new JsonObject()
                                    .put("keyStore", store.toString())
                                    .put("keyStorePassword", PASSWORD)))));
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(store)).build();
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(
                    URI.create("https://localhost:" + node.adminPort() + "/health/live"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("UP"));
    // Plain HTTP on the TLS port gets no answer from the API.
    HttpClient plain = HttpClient.newHttpClient();
    boolean plainAnswered;
    try {
      plainAnswered =
          plain
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + node.adminPort() + "/health/live"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode()
              == 200;
    } catch (java.io.IOException e) {
      plainAnswered = false;
    }
    assertFalse(plainAnswered);
  }

  /**
   * Verifies TLS from PEM files ({@code admin.tls.certFile} + {@code keyFile}, here a certificate
   * for 127.0.0.1 from a CA the test makes): a client trusting only that CA completes a real
   * handshake and is answered, on a non-loopback host setting too.
   */
  @Test
  void withPemFilesTheAdminServerSpeaksHttps() throws Exception {
    Path ca = dir.resolve("ca");
    Path pem = dir.resolve("pem");
    Files.createDirectories(pem);
    dev.slmp.cluster.ClusterCa.init(ca, "admin test CA");
    dev.slmp.cluster.ClusterCa.addNode(ca, pem, "localhost", java.util.List.of("127.0.0.1"));
    TestNode node =
        await(
            TestNode.start(
                vertx,
                dir.resolve("pemnode"),
                new JsonObject()
                    .put(
                        "admin",
                        new JsonObject()
                            // Not loopback: accepted because TLS is configured.
                            .put("host", "0.0.0.0")
                            .put("port", 0)
                            .put(
                                "tls",
                                new JsonObject()
                                    .put("certFile", pem.resolve("cluster-node.crt").toString())
                                    .put("keyFile", pem.resolve("cluster-node.key").toString())))));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca", dev.slmp.cluster.ClusterCa.readCert(ca.resolve(dev.slmp.cluster.ClusterCa.CA_CERT)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    HttpResponse<String> r =
        HttpClient.newBuilder()
            .sslContext(ctx)
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + node.adminPort() + "/health/live"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("UP"));
    // A client trusting other anchors (the JDK's) refuses the server: the certificate is the CA's.
    assertThrows(
        javax.net.ssl.SSLHandshakeException.class,
        () ->
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + node.adminPort() + "/health/live"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * Verifies half a PEM pair, a PEM pair beside a key store, and a key file of junk are refused.
   */
  @Test
  void badPemSettingsStopTheStart() throws Exception {
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
    Object[][] cases = {
      {new JsonObject().put("certFile", junk.toString()), "'admin.tls.keyFile' must be set too"},
      {new JsonObject().put("keyFile", junk.toString()), "'admin.tls.certFile' must be set too"},
      {
        new JsonObject()
            .put("certFile", junk.toString())
            .put("keyFile", junk.toString())
            .put("keyStore", junk.toString()),
        "are both set"
      },
      {new JsonObject().put("certFile", junk.toString()).put("keyFile", junk.toString()), ""},
    };
    int i = 0;
    for (Object[] c : cases) {
      Throwable e =
          Await.failure(
              TestNode.start(
                  vertx,
                  dir.resolve("badpem" + i++),
                  new JsonObject().put("admin", new JsonObject().put("port", 0).put("tls", c[0]))));
      assertTrue(String.valueOf(e.getMessage()).contains((String) c[1]), c[0] + ": " + e);
      assertFalse(String.valueOf(e.getMessage()).contains("not a key"), e.getMessage());
    }
  }

  @Test
  void aWrongKeyStorePasswordStopsTheStartWithoutShowingIt() throws Exception {
    Path store = keyStore();
    Throwable e =
        Await.failure(
            TestNode.start(
                vertx,
                dir.resolve("bad"),
                new JsonObject()
                    .put(
                        "admin",
                        new JsonObject()
                            .put("port", 0)
                            .put(
                                "tls",
                                new JsonObject()
                                    .put("keyStore", store.toString())
                                    .put("keyStorePassword", "wrong-password-9")))));
    assertFalse(String.valueOf(e.getMessage()).contains("wrong-password-9"), e.getMessage());
  }

  /** A self-signed key and certificate for localhost, made by the JDK's keytool (mode 600). */
  private Path keyStore() throws Exception {
    Path store = dir.resolve("admin.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "admin",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    Files.setPosixFilePermissions(
        store, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return store;
  }

  private static SSLContext trusting(Path store) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
