package dev.slmp.testkit;

import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.CloseCode;
import dev.slmp.session.DeviceTicket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A resuming device's first flight (RESUME and one EARLY DATA with ACK_REQUESTED), captured instead
 * of sent: tests replay the same bytes to several nodes or twice.
 */
public final class ResumeFlight {
  private ResumeFlight() {}

  public static byte[] capture(DeviceIdentity device, DeviceTicket ticket, String payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DeviceConnection dc =
        new DeviceConnection(
            device,
            Randomness.secure(),
            65536,
            new DeviceConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                out.writeBytes(bytes);
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {}
            });
    dc.startResume(ticket);
    dc.sendData("t", payload.getBytes(StandardCharsets.UTF_8), true);
    return out.toByteArray();
  }
}
