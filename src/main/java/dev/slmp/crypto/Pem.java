package dev.slmp.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * PEM (RFC 7468) and the standard DER key structures (PKCS#8 private keys, X.509
 * SubjectPublicKeyInfo) for the spec's groups, with the JDK alone, converting to and from the spec
 * encodings of section 3.1. Parse failures are {@link InvalidKeySpecException}s whose messages
 * never hold key bytes (the JDK's own messages are dropped).
 */
public final class Pem {
  public static final String PRIVATE_KEY = "PRIVATE KEY";
  public static final String PUBLIC_KEY = "PUBLIC KEY";

  private static final ECParameterSpec P256 = p256Params();
  private static final BigInteger X25519_P =
      BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));

  private Pem() {}

  /** A key in the spec's encoding together with its group. {@code toString} hides the key. */
  public record GroupKey(DhGroup group, byte[] key) {
    @Override
    public String toString() {
      return "GroupKey[" + group.name() + "]";
    }
  }

  /**
   * {@code -----BEGIN label-----}, base64 in 64-character lines, {@code -----END label-----}, final
   * newline.
   */
  public static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /**
   * The DER bytes of the first {@code label} block (text around it is allowed; the base64 must be
   * strict).
   */
  public static byte[] decode(String pem, String label) throws InvalidKeySpecException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = pem.indexOf(begin);
    if (b < 0) {
      throw new InvalidKeySpecException("no '" + begin + "' line");
    }
    int e = pem.indexOf(end, b + begin.length());
    if (e < 0) {
      throw new InvalidKeySpecException("no '" + end + "' line");
    }
    String body = pem.substring(b + begin.length(), e).replaceAll("\\s+", "");
    try {
      byte[] der = Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
      if (der.length == 0) {
        throw new InvalidKeySpecException("empty " + label + " block");
      }
      return der;
    } catch (IllegalArgumentException x) {
      throw new InvalidKeySpecException("invalid base64 in the " + label + " block");
    }
  }

  /** PKCS#8 DER of a private key in {@code group}'s spec encoding (32-byte scalar). */
  public static byte[] privateToPkcs8(DhGroup group, byte[] privateKey) {
    requireLength(privateKey, 32, "private key");
    try {
      if (isP256(group)) {
        BigInteger d = new BigInteger(1, privateKey);
        if (d.signum() == 0 || d.compareTo(P256.getOrder()) >= 0) {
          throw new IllegalArgumentException("P-256 private key out of range");
        }
        return KeyFactory.getInstance("EC")
            .generatePrivate(new ECPrivateKeySpec(d, P256))
            .getEncoded();
      }
      if (isX25519(group)) {
        XECPrivateKeySpec spec =
            new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone());
        return KeyFactory.getInstance("XDH").generatePrivate(spec).getEncoded();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the JDK cannot encode a " + group.name() + " private key", e);
    }
    throw new IllegalArgumentException("unsupported group " + group.name());
  }

  /**
   * The group and spec-encoded private key of a PKCS#8 structure; other algorithms and curves are
   * refused.
   */
  public static GroupKey privateFromPkcs8(byte[] der) throws InvalidKeySpecException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    Object k = generate("EC", spec, true);
    if (k == null) {
      k = generate("XDH", spec, true);
    }
    if (k instanceof ECPrivateKey ec) {
      if (!isP256Params(ec.getParams())) {
        throw new InvalidKeySpecException("EC private key is not on curve P-256");
      }
      BigInteger d = ec.getS();
      if (d.signum() <= 0 || d.compareTo(P256.getOrder()) >= 0) {
        throw new InvalidKeySpecException("P-256 private key out of range");
      }
      return new GroupKey(DhGroup.p256(), fixedBigEndian(d));
    }
    if (k instanceof XECPrivateKey x) {
      if (!isX25519Params(x.getParams())) {
        throw new InvalidKeySpecException("XDH private key is not X25519");
      }
      byte[] scalar =
          x.getScalar()
              .orElseThrow(() -> new InvalidKeySpecException("X25519 private key has no scalar"));
      if (scalar.length != 32) {
        throw new InvalidKeySpecException("X25519 private key is not 32 bytes");
      }
      return new GroupKey(DhGroup.x25519(), scalar);
    }
    throw new InvalidKeySpecException("not a PKCS#8 P-256 or X25519 private key");
  }

  /**
   * X.509 SubjectPublicKeyInfo DER of a public key in {@code group}'s spec encoding (validated
   * first).
   */
  public static byte[] publicToSpki(DhGroup group, byte[] publicKey) {
    try {
      group.validatePublic(publicKey);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("invalid " + group.name() + " public key");
    }
    try {
      if (isP256(group)) {
        ECPoint w =
            new ECPoint(
                new BigInteger(1, Arrays.copyOfRange(publicKey, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(publicKey, 33, 65)));
        return KeyFactory.getInstance("EC")
            .generatePublic(new ECPublicKeySpec(w, P256))
            .getEncoded();
      }
      if (isX25519(group)) {
        BigInteger u = new BigInteger(1, reversed(publicKey));
        // The JDK reduces u mod p, which would silently change a non-canonical key.
        if (u.compareTo(X25519_P) >= 0) {
          throw new IllegalArgumentException("X25519 public key is not canonical (u >= p)");
        }
        return KeyFactory.getInstance("XDH")
            .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u))
            .getEncoded();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot encode a " + group.name() + " public key", e);
    }
    throw new IllegalArgumentException("unsupported group " + group.name());
  }

  /**
   * The group and spec-encoded public key of a SubjectPublicKeyInfo, validated as spec 3.1
   * requires.
   */
  public static GroupKey publicFromSpki(byte[] der) throws InvalidKeySpecException {
    X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
    Object k = generate("EC", spec, false);
    if (k == null) {
      k = generate("XDH", spec, false);
    }
    GroupKey result;
    if (k instanceof ECPublicKey ec) {
      if (!isP256Params(ec.getParams())) {
        throw new InvalidKeySpecException("EC public key is not on curve P-256");
      }
      ECPoint w = ec.getW();
      if (w == ECPoint.POINT_INFINITY) {
        throw new InvalidKeySpecException("P-256 public key is the point at infinity");
      }
      byte[] pub = new byte[65];
      pub[0] = 0x04;
      System.arraycopy(fixedBigEndian(w.getAffineX()), 0, pub, 1, 32);
      System.arraycopy(fixedBigEndian(w.getAffineY()), 0, pub, 33, 32);
      result = new GroupKey(DhGroup.p256(), pub);
    } else if (k instanceof XECPublicKey x) {
      if (!isX25519Params(x.getParams())) {
        throw new InvalidKeySpecException("XDH public key is not X25519");
      }
      result = new GroupKey(DhGroup.x25519(), reversed(fixedBigEndian(x.getU())));
    } else {
      throw new InvalidKeySpecException("not a P-256 or X25519 SubjectPublicKeyInfo");
    }
    try {
      result.group().validatePublic(result.key());
    } catch (InvalidKeyException e) {
      throw new InvalidKeySpecException("invalid " + result.group().name() + " public key");
    }
    return result;
  }

  /** The JDK key for {@code spec}, or null when this algorithm's factory cannot parse it. */
  private static Object generate(
      String algorithm, java.security.spec.EncodedKeySpec spec, boolean priv) {
    try {
      KeyFactory f = KeyFactory.getInstance(algorithm);
      return priv ? f.generatePrivate(spec) : f.generatePublic(spec);
    } catch (GeneralSecurityException | RuntimeException e) {
      // Garbage DER can surface as unchecked exceptions from the JDK's parsers: all mean "not this
      // algorithm".
      return null;
    }
  }

  private static boolean isP256(DhGroup g) {
    return "P-256".equals(g.name());
  }

  private static boolean isX25519(DhGroup g) {
    return "X25519".equals(g.name());
  }

  private static boolean isP256Params(ECParameterSpec s) {
    return s != null
        && s.getCurve().equals(P256.getCurve())
        && s.getGenerator().equals(P256.getGenerator())
        && s.getOrder().equals(P256.getOrder())
        && s.getCofactor() == P256.getCofactor();
  }

  private static boolean isX25519Params(AlgorithmParameterSpec p) {
    return p instanceof NamedParameterSpec n && n.getName().equalsIgnoreCase("X25519");
  }

  /** {@code v} as exactly 32 big-endian bytes; larger values are refused. */
  private static byte[] fixedBigEndian(BigInteger v) throws InvalidKeySpecException {
    byte[] raw = v.toByteArray();
    int start = raw.length > 32 && raw[0] == 0 ? 1 : 0;
    if (v.signum() < 0 || raw.length - start > 32) {
      throw new InvalidKeySpecException("key value does not fit 32 bytes");
    }
    byte[] out = new byte[32];
    System.arraycopy(raw, start, out, 32 - (raw.length - start), raw.length - start);
    return out;
  }

  private static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  private static void requireLength(byte[] b, int n, String what) {
    if (b.length != n) {
      throw new IllegalArgumentException(what + " must be " + n + " bytes");
    }
  }

  private static ECParameterSpec p256Params() {
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec("secp256r1"));
      return p.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
