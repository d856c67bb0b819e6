package dev.slmp.cluster;

import dev.slmp.datadir.DataDirectory;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's own certificate authority for the event bus's mutual TLS: a P-256 CA whose private
 * key lives in a directory of its own (never a node's data directory, so a stolen node directory
 * cannot mint nodes), and a P-256 certificate per node, for both TLS server and client, written
 * into the node's data directory with the CA certificate as the only trust anchor. Private keys are
 * PKCS#8 PEM files of mode 600; files are never overwritten.
 */
public final class ClusterCa {
  public static final String CA_KEY = "ca.key";
  public static final String CA_CERT = "ca.crt";

  /** In a node's data directory. */
  public static final String NODE_KEY = "cluster-node.key";

  public static final String NODE_CERT = "cluster-node.crt";
  public static final String NODE_CA = "cluster-ca.crt";

  static final Duration CA_LIFETIME = Duration.ofDays(3650);
  static final Duration NODE_LIFETIME = Duration.ofDays(825);
  private static final String SECRET = "rw-------";
  private static final String PUBLIC = "rw-r--r--";

  private ClusterCa() {}

  /** Creates a CA in {@code caDir} (mode 700); fails if one is there already. */
  public static X509Certificate init(Path caDir, String name) throws IOException {
    if (Files.exists(caDir.resolve(CA_KEY)) || Files.exists(caDir.resolve(CA_CERT))) {
      throw new IllegalStateException("a cluster CA exists already in " + caDir);
    }
    Files.createDirectories(caDir);
    DataDirectory.restrict(caDir);
    KeyPair kp = p256();
    X500Name subject = new X500Name("CN=" + name + " cluster CA,O=SLMP");
    Instant now = Instant.now();
    try {
      var b =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(CA_LIFETIME)),
              subject,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(b, kp.getPrivate());
      DataDirectory.writeNewFile(caDir.resolve(CA_KEY), pem(kp.getPrivate()), SECRET);
      DataDirectory.writeNewFile(caDir.resolve(CA_CERT), pem(cert), PUBLIC);
      return cert;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not create the cluster CA: " + e.getMessage(), e);
    }
  }

  /**
   * Issues a node certificate for {@code node} (its names and IP addresses as subject alternative
   * names) into {@code dataDir}, with the CA certificate beside it; fails if the node has one.
   */
  public static X509Certificate addNode(Path caDir, Path dataDir, String node, List<String> hosts)
      throws IOException {
    for (String f : List.of(NODE_KEY, NODE_CERT)) {
      if (Files.exists(dataDir.resolve(f))) {
        throw new IllegalStateException(
            dataDir.resolve(f) + " exists already: remove it first to issue a new certificate");
      }
    }
    PrivateKey caKey = readKey(caDir.resolve(CA_KEY));
    X509Certificate ca = readCert(caDir.resolve(CA_CERT));
    Files.createDirectories(dataDir);
    KeyPair kp = p256();
    Instant now = Instant.now();
    try {
      var b =
          new JcaX509v3CertificateBuilder(
              ca,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(NODE_LIFETIME)),
              new X500Name("CN=" + node + ",O=SLMP"),
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, node));
      for (String h : hosts) {
        names.add(
            isIp(h)
                ? new GeneralName(GeneralName.iPAddress, h)
                : new GeneralName(GeneralName.dNSName, h));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      X509Certificate cert = sign(b, caKey);
      DataDirectory.writeNewFile(dataDir.resolve(NODE_KEY), pem(kp.getPrivate()), SECRET);
      DataDirectory.writeNewFile(dataDir.resolve(NODE_CERT), pem(cert), PUBLIC);
      Path trust = dataDir.resolve(NODE_CA);
      if (!Files.exists(trust)) {
        DataDirectory.writeNewFile(trust, pem(ca), PUBLIC);
      }
      return cert;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not issue the node certificate: " + e.getMessage(), e);
    }
  }

  private static boolean isIp(String h) {
    return h.matches("[0-9.]+") || h.contains(":");
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation unavailable", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key));
    return new JcaX509CertificateConverter().getCertificate(h);
  }

  private static byte[] pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : o);
    }
    return w.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static PrivateKey readKey(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "no cluster CA key at " + file + ": create the CA with `cluster init --ca DIR`");
    }
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IllegalStateException(file + " is not a PKCS#8 private key");
      }
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }

  /** The first certificate of a PEM file. */
  public static X509Certificate readCert(Path file) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder h)) {
        throw new IllegalStateException(file + " is not a PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(h);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(file + " is not a valid certificate", e);
    }
  }
}
