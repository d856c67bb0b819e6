package dev.slmp.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS 1.3 baseline's material: a self-signed P-256 certificate made at start with {@code
 * keytool}, and client options that trust it. The client counts certificate checks: a TLS 1.3
 * resumption (PSK) sends no certificate, so {@code checks < sessions} proves sessions were resumed,
 * and {@code checks == sessions} that they were not.
 */
final class TlsSetup {
  static final String PASSWORD = "slmp-bench";
  static final String ALIAS = "bench";

  private TlsSetup() {}

  /**
   * A PKCS#12 key store with a fresh self-signed P-256 (secp256r1, SHA256withECDSA) certificate for
   * 127.0.0.1.
   */
  static Path makeKeystore(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path p12 = dir.resolve("bench-p256.p12");
    Files.deleteIfExists(p12);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "7",
                "-keystore",
                p12.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool");
    }
    return p12;
  }

  static X509Certificate certificate(Path p12) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return (X509Certificate) ks.getCertificate(ALIAS);
  }

  /** The TLS implementation of a baseline server or of its load generator. */
  enum Engine {
    JDK,
    BORINGSSL;

    /** {@code jdk} or {@code boringssl}, as the baseline server's {@code --engine} takes it. */
    String option() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * TLS 1.3 client options trusting {@code cert}, on the JDK's SSLEngine or on BoringSSL. With
   * {@code resume} the client's session cache works as usual (tickets are used); without, every
   * connection is a full handshake (the engine is made without a peer, so the cache is never
   * consulted). No hostname check: the trust anchor is the very certificate.
   */
  static NetClientOptions clientOptions(CountingTrustManager tm, boolean resume, Engine engine) {
    SSLEngineOptions e =
        switch (engine) {
          case JDK -> resume ? new JdkSSLEngineOptions() : new NoResumeEngineOptions();
          case BORINGSSL ->
              resume
                  ? new OpenSSLEngineOptions().setSessionCacheEnabled(true)
                  : new NoResumeOpenSslOptions();
        };
    return new NetClientOptions()
        .setSsl(true)
        .setTrustOptions(new Trust(tm))
        .setHostnameVerificationAlgorithm("")
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
        .setSslEngineOptions(e)
        .setTcpNoDelay(true)
        .setConnectTimeout(15_000);
  }

  static NetClientOptions clientOptions(CountingTrustManager tm, boolean resume) {
    return clientOptions(tm, resume, Engine.JDK);
  }

  /**
   * Trust options handing Vert.x the counting trust manager ({@code TrustOptions.wrap} needs SLF4J,
   * absent here).
   */
  private record Trust(CountingTrustManager tm) implements TrustOptions {
    @Override
    public TrustOptions copy() {
      return this;
    }

    @Override
    public TrustManagerFactory getTrustManagerFactory(Vertx vertx) {
      TrustManager[] managers = {tm};
      return new TrustManagerFactory(
          new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks) {}

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {}

            @Override
            protected TrustManager[] engineGetTrustManagers() {
              return managers.clone();
            }
          },
          null,
          "bench-counting") {};
    }

    @Override
    public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
      return name -> new TrustManager[] {tm};
    }
  }

  /** The PKIX trust manager for one certificate, counting the server certificate checks it does. */
  static final class CountingTrustManager extends X509ExtendedTrustManager {
    final AtomicLong checks = new AtomicLong();
    private final X509ExtendedTrustManager delegate;

    CountingTrustManager(X509Certificate cert) throws GeneralSecurityException, IOException {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry(ALIAS, cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      X509ExtendedTrustManager found = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509ExtendedTrustManager x) {
          found = x;
        }
      }
      if (found == null) {
        throw new GeneralSecurityException("no X509ExtendedTrustManager");
      }
      delegate = found;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checks.incrementAndGet();
      delegate.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checks.incrementAndGet();
      delegate.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      checks.incrementAndGet();
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /**
   * JDK TLS whose client engines are made without peer host and port: no session is ever looked up.
   */
  static final class NoResumeEngineOptions extends JdkSSLEngineOptions {
    NoResumeEngineOptions() {}

    NoResumeEngineOptions(NoResumeEngineOptions that) {
      super(that);
    }

    @Override
    public JdkSSLEngineOptions copy() {
      return new NoResumeEngineOptions(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new NoPeerFactory(super.sslContextFactory());
    }
  }

  /** The same for BoringSSL: its client session cache is keyed by peer host and port. */
  static final class NoResumeOpenSslOptions extends OpenSSLEngineOptions {
    NoResumeOpenSslOptions() {}

    NoResumeOpenSslOptions(NoResumeOpenSslOptions that) {
      super(that);
    }

    @Override
    public OpenSSLEngineOptions copy() {
      return new NoResumeOpenSslOptions(this);
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new NoPeerFactory(super.sslContextFactory());
    }
  }

  /** A context factory whose contexts make engines without peer host and port. */
  private record NoPeerFactory(SslContextFactory d) implements SslContextFactory {
    @Override
    public SslContextFactory useAlpn(boolean useAlpn) {
      d.useAlpn(useAlpn);
      return this;
    }

    @Override
    public SslContextFactory clientAuth(ClientAuth clientAuth) {
      d.clientAuth(clientAuth);
      return this;
    }

    @Override
    public SslContextFactory forClient(boolean forClient) {
      d.forClient(forClient);
      return this;
    }

    @Override
    public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
      d.keyMananagerFactory(kmf);
      return this;
    }

    @Override
    public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
      d.trustManagerFactory(tmf);
      return this;
    }

    @Override
    public SslContextFactory enabledCipherSuites(Set<String> suites) {
      d.enabledCipherSuites(suites);
      return this;
    }

    @Override
    public SslContextFactory applicationProtocols(List<String> protocols) {
      d.applicationProtocols(protocols);
      return this;
    }

    @Override
    public SslContextFactory serverName(String serverName) {
      d.serverName(serverName);
      return this;
    }

    @Override
    public SslContext create() throws SSLException {
      return new NoPeerSslContext(d.create());
    }
  }

  private static final class NoPeerSslContext extends DelegatingSslContext {
    NoPeerSslContext(SslContext ctx) {
      super(ctx);
    }

    @Override
    protected void initEngine(SSLEngine engine) {}

    @Override
    protected SslHandler newHandler(
        ByteBufAllocator alloc,
        String peerHost,
        int peerPort,
        boolean startTls,
        Executor executor) {
      return newHandler(alloc, startTls, executor);
    }
  }
}
