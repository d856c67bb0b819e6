package dev.slmp.datadir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Pem;
import dev.slmp.handshake.StaticKey;
import dev.slmp.protocol.KeySchedule;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  private static final List<String> FILES =
      List.of(
          DataDirectory.P256_KEY,
          DataDirectory.P256_PUB,
          DataDirectory.X25519_KEY,
          DataDirectory.X25519_PUB,
          DataDirectory.MASTER_SECRET,
          DataDirectory.CLUSTER_KEY,
          DataDirectory.DEVICES);

  @TempDir Path tmp;

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void firstOpenCreatesEveryFileWithItsMode() throws Exception {
    Path dir = tmp.resolve("data");
    DataDirectory dd = DataDirectory.openOrCreate(dir);
    for (String f : FILES) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
    }
    try (var s = Files.list(dir)) {
      assertEquals(FILES.size(), s.count(), "no temp files left behind");
    }
    assertTrue(
        Files.readString(dir.resolve(DataDirectory.P256_KEY))
            .startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(
        Files.readString(dir.resolve(DataDirectory.X25519_PUB))
            .startsWith("-----BEGIN PUBLIC KEY-----\n"));
    assertTrue(
        Files.readString(dir.resolve(DataDirectory.MASTER_SECRET)).matches("[0-9a-f]{64}\n"));
    assertEquals(32, dd.masterSecret().length);
    assertEquals(65, dd.p256().publicKey().length);
    assertEquals(32, dd.x25519().publicKey().length);
    assertEquals(2, dd.keyRing().keys().size());
    assertTrue(dd.registry().list().isEmpty());
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    assertEquals("rwx------", mode(dir));
    for (String f :
        List.of(
            DataDirectory.P256_KEY,
            DataDirectory.X25519_KEY,
            DataDirectory.MASTER_SECRET,
            DataDirectory.CLUSTER_KEY,
            DataDirectory.DEVICES)) {
      assertEquals("rw-------", mode(dir.resolve(f)), f);
    }
    assertEquals("rw-r--r--", mode(dir.resolve(DataDirectory.P256_PUB)));
    assertEquals("rw-r--r--", mode(dir.resolve(DataDirectory.X25519_PUB)));
  }

  @Test
  void secondOpenLoadsTheSameKeysAndNeverRewrites() throws Exception {
    DataDirectory a = DataDirectory.openOrCreate(tmp);
    Map<String, byte[]> bytes = new HashMap<>();
    Map<String, FileTime> times = new HashMap<>();
    // Dated an hour back: any rewrite, however soon, would show as a newer modification time.
    FileTime anHourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    for (String f : FILES) {
      Files.setLastModifiedTime(tmp.resolve(f), anHourAgo);
      bytes.put(f, Files.readAllBytes(tmp.resolve(f)));
      times.put(f, Files.getLastModifiedTime(tmp.resolve(f)));
    }
    DataDirectory b = DataDirectory.openOrCreate(tmp);
    DataDirectory c = DataDirectory.open(tmp);
    for (DataDirectory d : List.of(b, c)) {
      assertArrayEquals(a.p256().keyId(), d.p256().keyId());
      assertArrayEquals(a.x25519().keyId(), d.x25519().keyId());
      assertArrayEquals(a.p256().privateKey(), d.p256().privateKey());
      assertArrayEquals(a.x25519().privateKey(), d.x25519().privateKey());
      assertArrayEquals(a.masterSecret(), d.masterSecret());
    }
    for (String f : FILES) {
      assertArrayEquals(bytes.get(f), Files.readAllBytes(tmp.resolve(f)), f);
      assertEquals(times.get(f), Files.getLastModifiedTime(tmp.resolve(f)), f);
    }
    assertArrayEquals(KeySchedule.keyId(a.p256().publicKey()), a.p256().keyId());
    assertNotEquals(
        Bytes.hex(a.p256().keyId()),
        Bytes.hex(DataDirectory.openOrCreate(tmp.resolve("other")).p256().keyId()));
  }

  @Test
  void deletedPublicKeyIsRederived() throws Exception {
    DataDirectory a = DataDirectory.openOrCreate(tmp);
    Path pub = tmp.resolve(DataDirectory.X25519_PUB);
    byte[] before = Files.readAllBytes(pub);
    Files.delete(pub);
    IOException e = assertThrows(IOException.class, () -> DataDirectory.open(tmp));
    assertTrue(e.getMessage().contains(DataDirectory.X25519_PUB), e.getMessage());
    DataDirectory b = DataDirectory.openOrCreate(tmp);
    assertArrayEquals(before, Files.readAllBytes(pub));
    assertArrayEquals(a.x25519().publicKey(), b.x25519().publicKey());
  }

  @Test
  void openOnAnEmptyDirectoryNamesTheMissingFile() throws Exception {
    IOException e = assertThrows(IOException.class, () -> DataDirectory.open(tmp));
    assertTrue(e.getMessage().contains(DataDirectory.P256_KEY), e.getMessage());
    assertTrue(e.getMessage().contains("keys"), e.getMessage());
    try (var s = Files.list(tmp)) {
      assertEquals(0, s.count(), "open never creates");
    }
    IOException m = assertThrows(IOException.class, () -> DataDirectory.open(tmp.resolve("nope")));
    assertTrue(m.getMessage().contains("nope"));
    assertFalse(Files.exists(tmp.resolve("nope")));
  }

  @Test
  void corruptFilesFailNamingTheFileWithoutKeyBytes() throws Exception {
    DataDirectory a = DataDirectory.openOrCreate(tmp);
    Path key = tmp.resolve(DataDirectory.P256_KEY);
    String pem = Files.readString(key);
    String secretHex = Bytes.hex(a.p256().privateKey());
    // Truncated DER, junk base64, no PEM block, and an X25519 key where a P-256 key belongs.
    String lines[] = pem.split("\n");
    List<String> bad =
        List.of(
            lines[0] + "\n" + lines[1].substring(0, 40) + "\n" + lines[lines.length - 1] + "\n",
            pem.replace(lines[1].substring(0, 8), "!!!!****"),
            "garbage " + secretHex,
            Files.readString(tmp.resolve(DataDirectory.X25519_KEY)));
    for (String content : bad) {
      Files.writeString(key, content);
      IOException e = assertThrows(IOException.class, () -> DataDirectory.openOrCreate(tmp));
      assertTrue(e.getMessage().contains(DataDirectory.P256_KEY), e.getMessage());
      assertFalse(
          e.getMessage().toLowerCase().contains(secretHex.substring(0, 16)), e.getMessage());
      assertFalse(e.getMessage().contains(lines[1].substring(0, 16)), e.getMessage());
    }
    Files.writeString(key, pem);
    Files.writeString(
        tmp.resolve(DataDirectory.P256_PUB),
        Files.readString(tmp.resolve(DataDirectory.X25519_PUB)));
    IOException e = assertThrows(IOException.class, () -> DataDirectory.openOrCreate(tmp));
    assertTrue(e.getMessage().contains(DataDirectory.P256_PUB), e.getMessage());
    Files.delete(tmp.resolve(DataDirectory.P256_PUB));
    Files.writeString(tmp.resolve(DataDirectory.MASTER_SECRET), "00ff\n");
    e = assertThrows(IOException.class, () -> DataDirectory.openOrCreate(tmp));
    assertTrue(e.getMessage().contains(DataDirectory.MASTER_SECRET), e.getMessage());
    Files.writeString(tmp.resolve(DataDirectory.DEVICES), "{not json");
    Files.writeString(tmp.resolve(DataDirectory.MASTER_SECRET), Bytes.hex(a.masterSecret()));
    e = assertThrows(IOException.class, () -> DataDirectory.openOrCreate(tmp));
    assertTrue(e.getMessage().contains(DataDirectory.DEVICES), e.getMessage());
  }

  @Test
  void toStringShowsNoSecret() throws Exception {
    DataDirectory d = DataDirectory.openOrCreate(tmp);
    String s = d.toString() + d.p256() + d.registry() + d.keyRing();
    assertFalse(s.contains(Bytes.hex(d.masterSecret()).substring(0, 8)));
    assertFalse(s.contains(Bytes.hex(d.p256().privateKey()).substring(0, 8)));
    assertFalse(s.contains(Bytes.hex(d.x25519().privateKey()).substring(0, 8)));
    assertTrue(s.contains(d.p256().keyIdHex()));
  }

  /**
   * The files are standard: the JDK parses them and its key agreement matches ours in both
   * directions.
   */
  @Test
  void pemFilesInteroperateWithTheJdk() throws Exception {
    DataDirectory d = DataDirectory.openOrCreate(tmp);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    checkAgreement(
        d,
        d.p256(),
        DataDirectory.P256_KEY,
        DataDirectory.P256_PUB,
        "EC",
        "ECDH",
        ec.generateKeyPair());
    KeyPairGenerator x = KeyPairGenerator.getInstance("X25519");
    checkAgreement(
        d,
        d.x25519(),
        DataDirectory.X25519_KEY,
        DataDirectory.X25519_PUB,
        "XDH",
        "XDH",
        x.generateKeyPair());
  }

  @Test
  void pemRefusesOtherCurvesAndInvalidPoints() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = ec.generateKeyPair();
    KeyPair x448 = KeyPairGenerator.getInstance("X448").generateKeyPair();
    for (KeyPair kp : List.of(p384, x448)) {
      assertThrows(
          InvalidKeySpecException.class, () -> Pem.publicFromSpki(kp.getPublic().getEncoded()));
      assertThrows(
          InvalidKeySpecException.class, () -> Pem.privateFromPkcs8(kp.getPrivate().getEncoded()));
    }
    byte[] pub =
        DhGroup.p256().publicKey(DhGroup.p256().generatePrivate(new java.security.SecureRandom()));
    byte[] spki = Pem.publicToSpki(DhGroup.p256(), pub);
    assertArrayEquals(pub, Pem.publicFromSpki(spki).key());
    spki[spki.length - 1] ^= 1; // Y changed: off the curve
    assertThrows(InvalidKeySpecException.class, () -> Pem.publicFromSpki(spki));
    assertThrows(
        InvalidKeySpecException.class,
        () -> Pem.publicFromSpki(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
    assertThrows(
        InvalidKeySpecException.class,
        () -> Pem.decode("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", Pem.PUBLIC_KEY));
    assertThrows(
        IllegalArgumentException.class, () -> Pem.publicToSpki(DhGroup.p256(), new byte[65]));
    byte[] x =
        DhGroup.x25519()
            .publicKey(DhGroup.x25519().generatePrivate(new java.security.SecureRandom()));
    assertArrayEquals(x, Pem.publicFromSpki(Pem.publicToSpki(DhGroup.x25519(), x)).key());
  }

  private static void checkAgreement(
      DataDirectory d,
      StaticKey ours,
      String keyFile,
      String pubFile,
      String kf,
      String ka,
      KeyPair jdk)
      throws Exception {
    KeyFactory f = KeyFactory.getInstance(kf);
    PrivateKey ourPriv =
        f.generatePrivate(
            new PKCS8EncodedKeySpec(
                Pem.decode(Files.readString(d.file(keyFile)), Pem.PRIVATE_KEY)));
    PublicKey ourPub =
        f.generatePublic(
            new X509EncodedKeySpec(Pem.decode(Files.readString(d.file(pubFile)), Pem.PUBLIC_KEY)));
    DhGroup g = ours.group();
    byte[] jdkPubSpec = Pem.publicFromSpki(jdk.getPublic().getEncoded()).key();
    byte[] expected = g.agree(ours.privateKey(), jdkPubSpec);

    KeyAgreement a1 = KeyAgreement.getInstance(ka);
    a1.init(jdk.getPrivate());
    a1.doPhase(ourPub, true);
    assertArrayEquals(expected, a1.generateSecret(), g.name() + ": JDK private x our public");

    KeyAgreement a2 = KeyAgreement.getInstance(ka);
    a2.init(ourPriv);
    a2.doPhase(jdk.getPublic(), true);
    assertArrayEquals(expected, a2.generateSecret(), g.name() + ": our private x JDK public");

    // And the JDK's own private key read through our PKCS#8 parser gives the same public key as the
    // JDK's.
    Pem.GroupKey jdkPriv = Pem.privateFromPkcs8(jdk.getPrivate().getEncoded());
    assertEquals(g.name(), jdkPriv.group().name());
    assertArrayEquals(jdkPubSpec, g.publicKey(jdkPriv.key()));
  }
}
