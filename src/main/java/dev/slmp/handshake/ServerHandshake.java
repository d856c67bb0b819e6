package dev.slmp.handshake;

import dev.slmp.auth.DeviceAuthenticator;
import dev.slmp.crypto.Bytes;
import dev.slmp.crypto.DhGroup;
import dev.slmp.crypto.Hashes;
import dev.slmp.crypto.InvalidKeyException;
import dev.slmp.crypto.Randomness;
import dev.slmp.crypto.Suite;
import dev.slmp.protocol.Auth;
import dev.slmp.protocol.CloseCode;
import dev.slmp.protocol.Hello;
import dev.slmp.protocol.HelloReply;
import dev.slmp.protocol.KeyMaterial;
import dev.slmp.protocol.KeySchedule;
import dev.slmp.protocol.Resume;
import dev.slmp.protocol.SlmpException;
import dev.slmp.session.SessionRecord;
import dev.slmp.session.SessionStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The server side of spec sections 5 and 8, with every check in the order the spec fixes: the
 * structural ones are the message types' ({@link Hello}, {@link Auth}, {@link Resume}), the ones
 * that need keys or the store are here.
 */
public final class ServerHandshake implements ServerHandshaker {
  private final ServerSettings settings;
  private final ServerKeyRing keys;
  private final DeviceAuthenticator authenticator;
  private final SessionStore store;
  private final LongSupplier clock;

  public ServerHandshake(
      ServerSettings settings,
      ServerKeyRing keys,
      DeviceAuthenticator authenticator,
      SessionStore store,
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

  /**
   * HELLO → HELLO_REPLY, synchronously: the structural checks are {@link Hello#decodeFrame}'s, then
   * key_id.
   */
  public HelloResult helloNow(byte[] f, Randomness randomness) throws SlmpException {
    Hello hello = Hello.decodeFrame(f, settings.suites());
    Suite suite = hello.suite();
    DhGroup group = suite.group();
    StaticKey sk = keys.find(group, hello.keyId(), 0);
    if (sk == null) {
      throw new SlmpException(CloseCode.UNKNOWN_SERVER_KEY, "unknown server key id");
    }
    byte[] ec = hello.ephemeral();
    DhGroup.Peer peer;
    byte[] es = null;
    byte[] esPriv = null;
    byte[] ee = null;
    try {
      peer = group.peer(ec); // checked once, used for es and ee
      // es first: an invalid e_c costs no key generation
      es = group.agreeLongTerm(sk.privateKey(), peer);
      esPriv = randomness.ephemeralPrivate(group);
      byte[] esPub = group.publicKey(esPriv);
      ee = group.agree(esPriv, peer);
      byte[] th1 = KeySchedule.th1(f, esPub);
      byte[] hs = KeySchedule.handshakeSecret(th1, ee, es);
      byte[] confirm = KeySchedule.serverConfirm(hs, th1);
      byte[] reply = new HelloReply(esPub, confirm).frame();
      return new HelloResult(reply, new HandshakeState(suite, hs, f, reply));
    } catch (InvalidKeyException e) {
      throw new SlmpException(CloseCode.PROTOCOL_ERROR, "invalid ephemeral key: " + e.getMessage());
    } finally {
      // The ephemeral secrets have done their work: hs (kept until AUTH) carries what is needed.
      Bytes.wipe(es, esPriv, ee);
    }
  }

  @Override
  public CompletionStage<Authenticated> auth(HandshakeState st, byte[] authFrame) {
    Suite suite = st.suite();
    byte[] th2 = Hashes.sha256(st.helloFrame(), st.helloReplyFrame());
    Auth claim;
    try {
      claim =
          Auth.open(
              KeySchedule.authKey(suite, st.hs()).sealer(suite, Randomness.secure()), authFrame);
    } catch (SlmpException e) {
      Bytes.wipe(st.hs());
      return CompletableFuture.failedFuture(e);
    }
    return authenticator
        .authenticate(claim.deviceId(), th2, claim.proof())
        .whenComplete(
            (id, err) -> {
              if (err != null) {
                Bytes.wipe(st.hs());
              }
            })
        .thenCompose(
            deviceId -> {
              byte[] th3 = Hashes.sha256(st.helloFrame(), st.helloReplyFrame(), authFrame);
              byte[] ms = KeySchedule.masterSecret(th3, st.hs());
              Bytes.wipe(st.hs()); // one AUTH per handshake: hs is used up
              byte[] sessionId = KeySchedule.sessionId(ms);
              KeyMaterial c2s = KeySchedule.c2s(suite, ms);
              KeyMaterial s2c = KeySchedule.s2c(suite, ms);
              byte[] rs = KeySchedule.resumptionSecret(ms);
              Bytes.wipe(ms);
              long lifetime = settings.lifetimeSeconds();
              if (lifetime == 0) {
                Bytes.wipe(rs);
                return CompletableFuture.completedFuture(
                    new Authenticated(deviceId, suite, c2s, s2c, sessionId, 0));
              }
              SessionRecord record =
                  new SessionRecord(
                      sessionId, deviceId, suite, rs, clock.getAsLong() + lifetime, 0);
              // A store that cannot keep the session does not stop the handshake: lifetime 0 tells
              // the device.
              return store
                  .put(record)
                  .handle(
                      (ok, err) ->
                          new Authenticated(
                              deviceId, suite, c2s, s2c, sessionId, err == null ? lifetime : 0));
            });
  }

  @Override
  public CompletionStage<Resumed> resume(byte[] f, Randomness randomness) {
    Resume resume;
    try {
      resume = Resume.decodeFrame(f, settings.suites());
    } catch (SlmpException e) {
      return CompletableFuture.failedFuture(e);
    }
    Suite suite = resume.suite();
    byte[] sessionId = resume.sessionId();
    long counter = resume.counter();
    long now = clock.getAsLong();
    return unavailableIsBusy(store.get(sessionId))
        .thenCompose(
            rec -> {
              if (rec == null || rec.expires() <= now || rec.suite() != suite) {
                throw new CompletionException(unknownSession());
              }
              return unavailableIsBusy(authenticator.isRevoked(rec.deviceId()))
                  .thenCompose(
                      revoked -> {
                        byte[] expected = KeySchedule.binder(rec.rs(), resume.binderInput());
                        if (revoked || !Bytes.constantTimeEquals(expected, resume.binder())) {
                          throw new CompletionException(unknownSession());
                        }
                        return unavailableIsBusy(store.advanceCounter(sessionId, counter))
                            .thenApply(
                                adv -> {
                                  if (adv == SessionStore.Advance.UNKNOWN) {
                                    throw new CompletionException(unknownSession());
                                  }
                                  if (adv == SessionStore.Advance.REPLAY) {
                                    throw new CompletionException(
                                        new SlmpException(
                                            CloseCode.REPLAY, "resume counter not larger"));
                                  }
                                  return resumed(f, rec, counter, resume.nonce(), randomness, now);
                                });
                      });
            });
  }

  private Resumed resumed(
      byte[] resumeFrame,
      SessionRecord rec,
      long counter,
      byte[] nonceC,
      Randomness randomness,
      long now) {
    Suite suite = rec.suite();
    byte[] nonceS = randomness.nonce16();
    byte[] thR = Hashes.sha256(resumeFrame, nonceS);
    byte[] ms = KeySchedule.masterSecret(thR, rec.rs());
    byte[] confirm = KeySchedule.serverConfirm(ms, thR);
    byte[] frame = new dev.slmp.protocol.Resumed(nonceS, confirm).frame();
    return new Resumed(
        rec.deviceId(),
        suite,
        frame,
        KeySchedule.c2s(suite, ms),
        KeySchedule.s2c(suite, ms),
        KeySchedule.earlyKey(suite, rec.rs(), counter, nonceC),
        rec.sessionId(),
        Math.max(0, rec.expires() - now));
  }

  private static SlmpException unknownSession() {
    return new SlmpException(CloseCode.SESSION_UNKNOWN, "session unknown");
  }

  /**
   * Any failure of the store itself (not a protocol verdict) means: fail closed, keep the session,
   * retry.
   */
  private static <T> CompletionStage<T> unavailableIsBusy(CompletionStage<T> stage) {
    return stage.handle(
        (v, err) -> {
          if (err != null) {
            throw new CompletionException(
                new SlmpException(CloseCode.BUSY, "session store unavailable; retry in 5 s"));
          }
          return v;
        });
  }
}
