package dev.slmp.client;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Fernet;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.LegacyWire;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;

/**
 * A client in the seed prototype's wire format (spec 10), for testing a legacy endpoint: its PEM
 * key, the server's PEM key, one Fernet token {@code token;username;message}, and the server's
 * one-token answer. It authenticates nobody: use it against servers you run.
 */
public final class LegacyClient {
  /**
   * The answer token may be much longer than the seed's 1 KiB reads; this only bounds a runaway
   * server.
   */
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  /** The server closed the connection without answering (the format's only way to say no). */
  public static final class NoAnswerException extends IOException {
    public NoAnswerException(String message) {
      super(message, null);
    }
  }

  private LegacyClient() {}

  /**
   * Sends {@code message} as {@code username}; returns the server's answer text (blocking, each
   * read within {@code timeoutMs}).
   */
  public static String send(
      String host, int port, String username, byte[] secret, byte[] message, int timeoutMs)
      throws IOException {
    byte[] user = username.getBytes(StandardCharsets.UTF_8);
    byte[] plaintext =
        Bytes.concat(
            LegacyWire.credential(user, secret), new byte[] {';'}, user, new byte[] {';'}, message);
    DhGroup p256 = DhGroup.p256();
    byte[] priv = Randomness.secure().ephemeralPrivate(p256);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      s.setSoTimeout(timeoutMs);
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      out.write(LegacyWire.publicPem(p256.publicKey(priv)));
      out.flush();

      LegacyWire.PemReader pem = new LegacyWire.PemReader();
      byte[] serverKey = null;
      byte[] buf = new byte[4096];
      while (serverKey == null) {
        int n = in.read(buf);
        if (n < 0) {
          throw new NoAnswerException(
              "the server closed the connection without sending its key (legacy mode off?)");
        }
        try {
          serverKey = pem.append(Arrays.copyOf(buf, n));
        } catch (InvalidKeySpecException e) {
          throw new IOException(
              "the server did not answer with a P-256 PEM key ("
                  + e.getMessage()
                  + "): not the prototype's format, legacy mode off?");
        }
      }
      byte[] key;
      try {
        key = LegacyWire.fernetKey(p256.agree(priv, serverKey));
      } catch (InvalidKeyException e) {
        throw new IOException("the server's key is not a valid P-256 point");
      }
      out.write(new Fernet(key).encrypt(plaintext).getBytes(StandardCharsets.US_ASCII));
      out.flush();

      LegacyWire.TokenReader answer = new LegacyWire.TokenReader(key, MAX_ANSWER_BYTES);
      byte[] next = pem.leftover();
      while (true) {
        byte[] text = next.length == 0 ? null : answer.append(next);
        if (text != null) {
          return new String(text, StandardCharsets.UTF_8);
        }
        int n = in.read(buf);
        if (n < 0) {
          throw new NoAnswerException(
              "the server closed the connection without answering"
                  + " (wrong user or secret, or the message was not accepted)");
        }
        next = Arrays.copyOf(buf, n);
      }
    } catch (OpenFailedException e) {
      throw new IOException("the server's answer is not a valid token: " + e.getMessage());
    } finally {
      Arrays.fill(priv, (byte) 0);
    }
  }
}
