package dev.slmp.protocol;

import java.nio.charset.StandardCharsets;

/**
 * {@code label(s)} of spec section 1: the ASCII of {@code "slmp/1 " + s}, and every label the spec
 * uses.
 */
public final class Labels {
  public static final byte[] SERVER_CONFIRM = label("server confirm");
  public static final byte[] CLIENT_AUTH_KEY = label("client auth key");
  public static final byte[] CLIENT_AUTH_IV = label("client auth iv");
  public static final byte[] DEVICE_PROOF = label("device proof");
  public static final byte[] DEVICE_KEY = label("device key");
  public static final byte[] C2S_KEY = label("c2s key");
  public static final byte[] C2S_IV = label("c2s iv");
  public static final byte[] S2C_KEY = label("s2c key");
  public static final byte[] S2C_IV = label("s2c iv");
  public static final byte[] RESUMPTION = label("resumption");
  public static final byte[] SESSION_ID = label("session id");
  public static final byte[] BINDER = label("binder");
  public static final byte[] EARLY_KEY = label("early key");
  public static final byte[] EARLY_IV = label("early iv");

  private Labels() {}

  public static byte[] label(String s) {
    return ("slmp/1 " + s).getBytes(StandardCharsets.US_ASCII);
  }
}
