package dev.slmp.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The seed prototype's wire format (spec 10), shared by the gateway's legacy mode and the legacy
 * client: PEM public keys both ways, HKDF-SHA256 (zero salt, info {@code handshake data}) to a
 * Fernet key, and one base64url Fernet token each way with no length and no terminator, whose end
 * is found by verifying it.
 */
public final class LegacyWire {
  /**
   * The first byte of the seed's client ({@code -} of {@code -----BEGIN}); SLMP/1 starts with 0x01
   * or 0x05.
   */
  public static final byte FIRST_BYTE = '-';

  public static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
  public static final String PEM_END = "-----END PUBLIC KEY-----";

  /** A P-256 key in PEM is 178 bytes; the seed reads a key with one {@code recv(1024)}. */
  public static final int MAX_PEM_BYTES = 1024;

  private static final byte[] INFO = "handshake data".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BEGIN = PEM_BEGIN.getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = PEM_END.getBytes(StandardCharsets.US_ASCII);

  private LegacyWire() {}

  /**
   * The 32 Fernet key bytes from the ECDH X coordinate (the seed's {@code HKDF(salt=None)} is 32
   * zero bytes).
   */
  public static byte[] fernetKey(byte[] shared) {
    return Hkdf.derive(new byte[Hashes.LEN], shared, INFO, 32);
  }

  /**
   * A P-256 public key (65 bytes, {@code 04||X||Y}) as PEM SubjectPublicKeyInfo, as the seed sends
   * it.
   */
  public static byte[] publicPem(byte[] p256Public) {
    return Pem.encode(Pem.PUBLIC_KEY, Pem.publicToSpki(DhGroup.p256(), p256Public))
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code lowercase hex(sha256(utf8(username) || utf8(secret)))}, as ASCII bytes. */
  public static byte[] credential(byte[] username, byte[] secret) {
    return Bytes.hex(Hashes.sha256(username, secret)).getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code token;username;message} of a client's plaintext, split at the first two {@code ;}. */
  public record Submission(byte[] token, byte[] username, byte[] message) {
    /** Null when the plaintext has fewer than two {@code ;}. */
    public static Submission parse(byte[] p) {
      int a = indexOf(p, (byte) ';', 0);
      int b = a < 0 ? -1 : indexOf(p, (byte) ';', a + 1);
      if (b < 0) {
        return null;
      }
      return new Submission(
          Arrays.copyOfRange(p, 0, a),
          Arrays.copyOfRange(p, a + 1, b),
          Arrays.copyOfRange(p, b + 1, p.length));
    }

    /**
     * Whether the token is the credential of the username under {@code secret}, in constant time.
     */
    public boolean matches(byte[] secret) {
      return Bytes.constantTimeEquals(credential(username, secret), token);
    }

    @Override
    public String toString() {
      return "Submission[" + message.length + " bytes]";
    }
  }

  private static int indexOf(byte[] b, byte x, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] b, int len, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= len; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * Reads a peer's PEM public key from a stream in pieces: the text must start with {@link
   * #PEM_BEGIN} (checked as bytes arrive, so garbage is refused early) and ends with the line
   * {@link #PEM_END}; the key must be a valid P-256 point (spec 3.1). Bytes after the key are kept
   * for the next reader.
   */
  public static final class PemReader {
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private byte[] leftover = Bytes.EMPTY;

    /**
     * Returns the peer's 65-byte key once complete, else null; throws when it can never be a P-256
     * PEM key.
     */
    public byte[] append(byte[] chunk) throws InvalidKeySpecException {
      text.write(chunk, 0, chunk.length);
      byte[] all = text.toByteArray();
      int prefix = Math.min(all.length, BEGIN.length);
      if (!Arrays.equals(all, 0, prefix, BEGIN, 0, prefix)) {
        throw new InvalidKeySpecException("not a PEM public key");
      }
      int end = indexOf(all, Math.min(all.length, MAX_PEM_BYTES), END);
      if (end < 0) {
        if (all.length > MAX_PEM_BYTES) {
          throw new InvalidKeySpecException("PEM key longer than " + MAX_PEM_BYTES + " bytes");
        }
        return null;
      }
      int nl = end + END.length;
      if (nl < all.length && all[nl] == '\r') {
        nl++;
      }
      if (nl >= all.length) {
        if (nl >= MAX_PEM_BYTES) {
          throw new InvalidKeySpecException("PEM key longer than " + MAX_PEM_BYTES + " bytes");
        }
        return null; // the final newline is still on its way
      }
      if (all[nl] != '\n' || nl >= MAX_PEM_BYTES) {
        throw new InvalidKeySpecException("PEM key not ended by a newline");
      }
      leftover = Arrays.copyOfRange(all, nl + 1, all.length);
      Pem.GroupKey key =
          Pem.publicFromSpki(
              Pem.decode(new String(all, 0, nl + 1, StandardCharsets.ISO_8859_1), Pem.PUBLIC_KEY));
      if (key.group() != DhGroup.p256()) {
        throw new InvalidKeySpecException("not a P-256 public key");
      }
      return key.key();
    }

    /** What arrived after the key's final newline. */
    public byte[] leftover() {
      return leftover;
    }
  }

  /**
   * Reads one base64url Fernet token that has no length and no terminator: it is complete when the
   * text so far decodes (strictly, so with its {@code =} padding) and its HMAC verifies. Padding
   * ends a token, so a padded text that does not verify is refused at once; an unpadded one may
   * still grow, up to {@code maxBytes}.
   */
  public static final class TokenReader {
    private final byte[] signingKey;
    private final FernetSealer sealer;
    private final int maxBytes;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private int padding;

    public TokenReader(byte[] fernetKey, int maxBytes) {
      this.signingKey = Arrays.copyOfRange(fernetKey, 0, 16);
      this.sealer = new FernetSealer(fernetKey, Randomness.secure());
      this.maxBytes = maxBytes;
    }

    /**
     * Returns the token's plaintext once it is complete, else null; throws when it can never be a
     * valid token.
     */
    public byte[] append(byte[] chunk) throws OpenFailedException {
      if (text.size() + chunk.length > maxBytes) {
        throw new OpenFailedException("token longer than " + maxBytes + " bytes");
      }
      for (byte c : chunk) {
        if (c == '=') {
          if (++padding > 2) {
            throw new OpenFailedException("token is not base64url");
          }
        } else if (padding > 0 || !isBase64Url(c)) {
          throw new OpenFailedException("token is not base64url");
        }
      }
      text.write(chunk, 0, chunk.length);
      if (text.size() % 4 != 0) {
        return null;
      }
      byte[] raw;
      try {
        raw = Base64.getUrlDecoder().decode(text.toByteArray());
      } catch (IllegalArgumentException e) {
        throw new OpenFailedException("token is not base64url");
      }
      boolean shaped =
          raw.length >= FernetSealer.MIN_TOKEN
              && (raw.length - FernetSealer.HEADER - Hashes.LEN) % 16 == 0
              && raw[0] == FernetSealer.VERSION;
      if (!shaped || !macVerifies(raw)) {
        if (padding > 0) {
          throw new OpenFailedException(shaped ? "token does not verify" : "not a Fernet token");
        }
        return null;
      }
      return sealer.openToken(raw, 0, raw.length);
    }

    private boolean macVerifies(byte[] raw) {
      int n = raw.length - Hashes.LEN;
      return Bytes.constantTimeEquals(
          Hashes.hmac(signingKey, raw, 0, n), Arrays.copyOfRange(raw, n, raw.length));
    }

    private static boolean isBase64Url(byte c) {
      return (c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_';
    }
  }
}
