package dev.slmp.protocol;

import static dev.slmp.crypto.Hkdf.expand;
import static dev.slmp.crypto.Hkdf.extract;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.Suite;

/** The derivations of spec sections 4, 5 and 8, one method per formula. */
public final class KeySchedule {
  public static final int KEY_ID_LENGTH = 4;
  public static final int SESSION_ID_LENGTH = 16;
  public static final int SECRET_LENGTH = 32;

  /** Length of an HMAC-SHA256 output: a confirm, a proof, a binder (spec 5, 8). */
  public static final int MAC_LENGTH = 32;

  /** Length of {@code nonce_c} and {@code nonce_s} (spec 8). */
  public static final int NONCE_LENGTH = 16;

  private KeySchedule() {}

  /** {@code key_id(pub) = H(pub)[0:4]}. */
  public static byte[] keyId(byte[] publicKey) {
    return Bytes.slice(Hashes.sha256(publicKey), 0, KEY_ID_LENGTH);
  }

  /** {@code device_key = HMAC(master_secret, label("device key") || device_id)}. */
  public static byte[] deviceKey(byte[] masterSecret, byte[] deviceId) {
    return Hashes.hmac(masterSecret, Labels.DEVICE_KEY, deviceId);
  }

  /** {@code th1 = H(HELLO_frame || e_s)}. */
  public static byte[] th1(byte[] helloFrame, byte[] serverEphemeral) {
    return Hashes.sha256(helloFrame, serverEphemeral);
  }

  /** {@code hs = Extract(salt = th1, ikm = ee || es)}. */
  public static byte[] handshakeSecret(byte[] th1, byte[] ee, byte[] es) {
    return extract(th1, Bytes.concat(ee, es));
  }

  /**
   * {@code HMAC(Expand(secret, label("server confirm"), 32), transcript)}, for both HELLO_REPLY and
   * RESUMED.
   */
  public static byte[] serverConfirm(byte[] secret, byte[] transcript) {
    return Hashes.hmac(expand(secret, Labels.SERVER_CONFIRM, SECRET_LENGTH), transcript);
  }

  /** {@code K_auth}. */
  public static KeyMaterial authKey(Suite suite, byte[] hs) {
    return pair(suite, hs, Labels.CLIENT_AUTH_KEY, Labels.CLIENT_AUTH_IV);
  }

  /** {@code proof = HMAC(device_key, label("device proof") || th2)}. */
  public static byte[] proof(byte[] deviceKey, byte[] th2) {
    return Hashes.hmac(deviceKey, Labels.DEVICE_PROOF, th2);
  }

  /**
   * {@code ms = Extract(salt = th3, ikm = hs)} (full) or {@code Extract(salt = th_r, ikm = rs)}
   * (resumed).
   */
  public static byte[] masterSecret(byte[] transcript, byte[] ikm) {
    return extract(transcript, ikm);
  }

  public static KeyMaterial c2s(Suite suite, byte[] ms) {
    return pair(suite, ms, Labels.C2S_KEY, Labels.C2S_IV);
  }

  public static KeyMaterial s2c(Suite suite, byte[] ms) {
    return pair(suite, ms, Labels.S2C_KEY, Labels.S2C_IV);
  }

  public static byte[] resumptionSecret(byte[] ms) {
    return expand(ms, Labels.RESUMPTION, SECRET_LENGTH);
  }

  public static byte[] sessionId(byte[] ms) {
    return expand(ms, Labels.SESSION_ID, SESSION_ID_LENGTH);
  }

  /** {@code binder = HMAC(Expand(rs, label("binder"), 32), binder_input)}. */
  public static byte[] binder(byte[] rs, byte[] binderInput) {
    return Hashes.hmac(expand(rs, Labels.BINDER, SECRET_LENGTH), binderInput);
  }

  /** {@code K_early}, from {@code rs}, the resume counter and {@code nonce_c}. */
  public static KeyMaterial earlyKey(Suite suite, byte[] rs, long counter, byte[] nonceC) {
    byte[] tail = Bytes.concat(Bytes.u32(counter), nonceC);
    return new KeyMaterial(
        expand(rs, Bytes.concat(Labels.EARLY_KEY, tail), suite.keyBytes()),
        expand(rs, Bytes.concat(Labels.EARLY_IV, tail), suite.ivBytes()));
  }

  private static KeyMaterial pair(Suite suite, byte[] secret, byte[] keyLabel, byte[] ivLabel) {
    return new KeyMaterial(
        expand(secret, keyLabel, suite.keyBytes()), expand(secret, ivLabel, suite.ivBytes()));
  }
}
