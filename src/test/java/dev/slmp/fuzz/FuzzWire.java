package dev.slmp.fuzz;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle's own reading of the wire, written from spec sections 2, 3.1 and 6 without the main
 * code's parsers: framing with {@code max_body}, the P-256 and X25519 public-key rules, strict
 * UTF-8. The models use it so that a bug in {@code FrameDecoder} or {@code DhGroup} cannot hide
 * itself by agreeing with itself.
 */
final class FuzzWire {
  private FuzzWire() {}

  /** One complete frame: its type, body and complete wire bytes ({@code X_frame}). */
  record Frame(int type, byte[] body, byte[] whole) {}

  /**
   * The frames of a byte stream in order. {@code tooLarge}: after them comes a header announcing
   * more than {@code maxBody} (FRAME_TOO_LARGE, checked before type or state); otherwise the rest
   * is an incomplete frame.
   */
  record Split(List<Frame> frames, boolean tooLarge, int leftover) {}

  static Split split(byte[] s, int maxBody) {
    List<Frame> out = new ArrayList<>();
    int pos = 0;
    while (s.length - pos >= 4) {
      int len = u24(s, pos + 1);
      if (len > maxBody) {
        return new Split(out, true, s.length - pos);
      }
      if (s.length - pos - 4 < len) {
        break;
      }
      byte[] whole = java.util.Arrays.copyOfRange(s, pos, pos + 4 + len);
      out.add(
          new Frame(s[pos] & 0xFF, java.util.Arrays.copyOfRange(whole, 4, whole.length), whole));
      pos += 4 + len;
    }
    return new Split(out, false, s.length - pos);
  }

  static int u24(byte[] b, int off) {
    return (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | b[off + 2] & 0xFF;
  }

  static long u32(byte[] b, int off) {
    return (long) u24(b, off) << 8 | b[off + 3] & 0xFF;
  }

  static byte[] frame(int type, byte[] body) {
    byte[] f = new byte[4 + body.length];
    f[0] = (byte) type;
    f[1] = (byte) (body.length >>> 16);
    f[2] = (byte) (body.length >>> 8);
    f[3] = (byte) body.length;
    System.arraycopy(body, 0, f, 4, body.length);
    return f;
  }

  // ---- spec 3.1
  // --------------------------------------------------------------------------------------

  private static final BigInteger P256_P =
      new BigInteger("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
  private static final BigInteger P256_B =
      new BigInteger("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", 16);

  /** Exactly 65 bytes {@code 04 || X || Y}, X and Y below p, on {@code y^2 = x^3 - 3x + b}. */
  static boolean validP256(byte[] k) {
    if (k.length != 65 || k[0] != 0x04) {
      return false;
    }
    BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(k, 1, 33));
    BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(k, 33, 65));
    if (x.compareTo(P256_P) >= 0 || y.compareTo(P256_P) >= 0) {
      return false;
    }
    BigInteger rhs = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256_B).mod(P256_P);
    return y.multiply(y).mod(P256_P).equals(rhs);
  }

  private static final BigInteger X25519_P =
      BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  /**
   * u-coordinates (mod p) whose X25519 with any clamped scalar is zero: orders 1, 2, 4 and 8 (RFC
   * 7748 s. 7).
   */
  private static final List<BigInteger> LOW_ORDER =
      List.of(
          BigInteger.ZERO,
          BigInteger.ONE,
          X25519_P.subtract(BigInteger.ONE),
          le("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
          le("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"));

  /**
   * 32 bytes whose shared secret is not all zero (bit 255 masked, non-canonical values reduced).
   */
  static boolean validX25519(byte[] k) {
    if (k.length != 32) {
      return false;
    }
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = k[31 - i];
    }
    be[0] &= 0x7F;
    return !LOW_ORDER.contains(new BigInteger(1, be).mod(X25519_P));
  }

  private static BigInteger le(String hex) {
    byte[] b = java.util.HexFormat.of().parseHex(hex);
    byte[] be = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      be[i] = b[b.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  // ---- spec 6: text
  // ----------------------------------------------------------------------------------

  /** RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
  static boolean utf8(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i] & 0xFF;
      int n;
      int min;
      if (c < 0x80) {
        i++;
        continue;
      } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      int cp = c & (0xFF >> (n + 2));
      for (int k = 1; k <= n; k++) {
        if (i + k >= end) {
          return false;
        }
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          return false;
        }
        cp = cp << 6 | cc & 0x3F;
      }
      if (cp < min || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
