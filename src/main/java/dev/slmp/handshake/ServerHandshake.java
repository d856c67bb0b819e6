package dev.slmp.handshake;

import dev.slmp.auth.DeviceAuthenticator;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.OpenFailedException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Frame;
import dev.slmp.protocol.FrameType;
import dev.slmp.protocol.KeyMaterial;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.SlmpException;
import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/** The server side of spec sections 5 and 8, with every check in the order the spec fixes. */
public final class ServerHandshake implements ServerHandshaker {
  public static final int VERSION = 1;
  static final int RESUME_BODY = 70;
  private static final int HELLO_FIXED = 6;

  private final ServerSettings settings;
  private final ServerKeyRing keys;
  private final DeviceAuthenticator authenticator;
  private final SessionStore store;
  private final LongSupplier clock;

  public ServerHandshake(ServerSettings settings, ServerKeyRing keys, DeviceAuthenticator authenticator, SessionStore store,
      LongSupplier clockSeconds) {
    this.settings = settings;
    this.keys = keys;
    this.authenticator = authenticator;
    this.store = store;
    this.clock = clockSeconds;
  }

  @Override
  public CompletionStage<HelloResult> hello(byte[] helloFrame, Randomness randomness) {
    try {
      return CompletableFuture.completedFuture(helloNow(helloFrame, randomness));
    } catch (SlmpException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** HELLO → HELLO_REPLY, synchronously. */
  public HelloResult helloNow(byte[] f, Randomness randomness) throws SlmpException {
    int len = f.length - Frame.HEADER;
    int b = Frame.HEADER;
    if (len == 0) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "empty HELLO");
    }
    if ((f[b] & 0xFF) != VERSION) {
      throw new SlmpException(CloseCode.UNSUPPORTED_VERSION, "unsupported version " + (f[b] & 0xFF));
    }
    if (len < 2) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "HELLO too short");
    }
    Suite suite = enabledSuite(f[b + 1] & 0xFF);
    DhGroup group = suite.group();
    if (len != HELLO_FIXED + group.publicKeyLength()) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "HELLO body length " + len + " wrong for " + suite);
    }
    StaticKey sk = keys.find(group, f, b + 2);
    if (sk == null) {
      throw new SlmpException(CloseCode.UNKNOWN_SERVER_KEY, "unknown server key id");
    }
    byte[] ec = Bytes.slice(f, b + HELLO_FIXED, f.length);
    DhGroup.Peer peer;
    byte[] es;
    try {
      peer = group.peer(ec); // checked once, used for es and ee
      es = group.agreeLongTerm(sk.privateKey(), peer); // first: an invalid e_c costs no key generation
    } catch (InvalidKeyException e) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "invalid ephemeral key: " + e.getMessage());
    }
    byte[] esPriv = randomness.ephemeralPrivate(group);
    byte[] esPub = group.publicKey(esPriv);
    byte[] ee;
    try {
      ee = group.agree(esPriv, peer);
    } catch (InvalidKeyException e) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "invalid ephemeral key: " + e.getMessage());
    }
    byte[] th1 = KeySchedule.th1(f, esPub);
    byte[] hs = KeySchedule.handshakeSecret(th1, ee, es);
    byte[] confirm = KeySchedule.serverConfirm(hs, th1);
    byte[] reply = Frame.encode(FrameType.HELLO_REPLY, Bytes.concat(esPub, confirm));
    return new HelloResult(reply, new HandshakeState(suite, hs, f, reply));
  }

  private Suite enabledSuite(int id) throws SlmpException {
    Suite suite = Suite.byId(id);
    if (suite == null || !settings.suites().contains(suite)) {
      throw new SlmpException(CloseCode.UNSUPPORTED_SUITE, "suite " + id + " not enabled");
    }
    return suite;
  }

  @Override
  public CompletionStage<Authenticated> auth(HandshakeState st, byte[] authFrame) {
    Suite suite = st.suite();
    byte[] th2 = Hashes.sha256(st.helloFrame(), st.helloReplyFrame());
    byte[] plain;
    try {
      plain = KeySchedule.authKey(suite, st.hs()).sealer(suite, Randomness.secure())
          .open(0, new byte[] {FrameType.AUTH}, authFrame, Frame.HEADER, authFrame.length - Frame.HEADER);
    } catch (OpenFailedException e) {
      return authFailed();
    }
    int idLen = plain.length > 0 ? plain[0] & 0xFF : -1;
    if (idLen < 0 || plain.length != 1 + idLen + 32) {
      return authFailed();
    }
    byte[] id = Bytes.slice(plain, 1, 1 + idLen);
    byte[] proof = Bytes.slice(plain, 1 + idLen, plain.length);
    return authenticator.authenticate(id, th2, proof).thenCompose(deviceId -> {
      byte[] th3 = Hashes.sha256(st.helloFrame(), st.helloReplyFrame(), authFrame);
      byte[] ms = KeySchedule.masterSecret(th3, st.hs());
      byte[] sessionId = KeySchedule.sessionId(ms);
      KeyMaterial c2s = KeySchedule.c2s(suite, ms);
      KeyMaterial s2c = KeySchedule.s2c(suite, ms);
      long lifetime = settings.lifetimeSeconds();
      if (lifetime == 0) {
        return CompletableFuture.completedFuture(new Authenticated(deviceId, suite, c2s, s2c, sessionId, 0));
      }
      SessionRecord record = new SessionRecord(sessionId, deviceId, suite, KeySchedule.resumptionSecret(ms),
          clock.getAsLong() + lifetime, 0);
      // A store that cannot keep the session does not stop the handshake: lifetime 0 tells the device.
      return store.put(record).handle((ok, err) ->
          new Authenticated(deviceId, suite, c2s, s2c, sessionId, err == null ? lifetime : 0));
    });
  }

  private static <T> CompletionStage<T> authFailed() {
    return CompletableFuture.failedFuture(new SlmpException(CloseCode.AUTH_FAILED, "authentication failed"));
  }

  @Override
  public CompletionStage<Resumed> resume(byte[] f, Randomness randomness) {
    int len = f.length - Frame.HEADER;
    int b = Frame.HEADER;
    Suite suite;
    try {
      if (len == 0) {
        throw new SlmpException(CloseCode.PROTOCOL_ERROR, "empty RESUME");
      }
      if ((f[b] & 0xFF) != VERSION) {
        throw new SlmpException(CloseCode.UNSUPPORTED_VERSION, "unsupported version " + (f[b] & 0xFF));
      }
      if (len < 2) {
        throw new SlmpException(CloseCode.PROTOCOL_ERROR, "RESUME too short");
      }
      suite = enabledSuite(f[b + 1] & 0xFF);
      if (len != RESUME_BODY) {
        throw new SlmpException(CloseCode.PROTOCOL_ERROR, "RESUME body must be 70 bytes, was " + len);
      }
    } catch (SlmpException e) {
      return CompletableFuture.failedFuture(e);
    }
    byte[] sessionId = Bytes.slice(f, b + 2, b + 18);
    long counter = Bytes.u32(f, b + 18);
    byte[] nonceC = Bytes.slice(f, b + 22, b + 38);
    byte[] binderInput = Bytes.slice(f, b, b + 38);
    byte[] binder = Bytes.slice(f, b + 38, b + 70);
    long now = clock.getAsLong();
    return unavailableIsBusy(store.get(sessionId))
        .thenCompose(rec -> {
          if (rec == null || rec.expires() <= now || rec.suite() != suite) {
            throw new CompletionException(unknownSession());
          }
          return unavailableIsBusy(authenticator.isRevoked(rec.deviceId())).thenCompose(revoked -> {
            byte[] expected = KeySchedule.binder(rec.rs(), binderInput);
            if (revoked || !Bytes.constantTimeEquals(expected, binder)) {
              throw new CompletionException(unknownSession());
            }
            return unavailableIsBusy(store.advanceCounter(sessionId, counter)).thenApply(adv -> {
              if (adv == SessionStore.Advance.UNKNOWN) {
                throw new CompletionException(unknownSession());
              }
              if (adv == SessionStore.Advance.REPLAY) {
                throw new CompletionException(new SlmpException(CloseCode.REPLAY, "resume counter not larger"));
              }
              return resumed(f, rec, counter, nonceC, randomness, now);
            });
          });
        });
  }

  private Resumed resumed(byte[] resumeFrame, SessionRecord rec, long counter, byte[] nonceC, Randomness randomness, long now) {
    Suite suite = rec.suite();
    byte[] nonceS = randomness.nonce16();
    byte[] thR = Hashes.sha256(resumeFrame, nonceS);
    byte[] ms = KeySchedule.masterSecret(thR, rec.rs());
    byte[] confirm = KeySchedule.serverConfirm(ms, thR);
    byte[] frame = Frame.encode(FrameType.RESUMED, Bytes.concat(nonceS, confirm));
    return new Resumed(rec.deviceId(), suite, frame, KeySchedule.c2s(suite, ms), KeySchedule.s2c(suite, ms),
        KeySchedule.earlyKey(suite, rec.rs(), counter, nonceC), rec.sessionId(), Math.max(0, rec.expires() - now));
  }

  private static SlmpException unknownSession() {
    return new SlmpException(CloseCode.SESSION_UNKNOWN, "session unknown");
  }

  /** Any failure of the store itself (not a protocol verdict) means: fail closed, keep the session, retry. */
  private static <T> CompletionStage<T> unavailableIsBusy(CompletionStage<T> stage) {
    return stage.handle((v, err) -> {
      if (err != null) {
        throw new CompletionException(new SlmpException(CloseCode.BUSY, "session store unavailable; retry in 5 s"));
      }
      return v;
    });
  }
}
