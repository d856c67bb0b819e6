package dev.slmp.handshake;

import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.protocol.KeySchedule;

/**
 * One server static key pair of a group, with its {@code key_id} (spec 4). {@code toString} hides
 * the private half.
 */
public record StaticKey(DhGroup group, byte[] privateKey, byte[] publicKey, byte[] keyId) {
  public static StaticKey of(DhGroup group, byte[] privateKey) {
    byte[] pub = group.publicKey(privateKey);
    return new StaticKey(group, privateKey.clone(), pub, KeySchedule.keyId(pub));
  }

  public String keyIdHex() {
    return Bytes.hex(keyId);
  }

  @Override
  public String toString() {
    return "StaticKey[" + group.name() + ", key_id=" + keyIdHex() + "]";
  }
}
