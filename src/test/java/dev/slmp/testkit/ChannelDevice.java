package dev.slmp.testkit;

import dev.slmp.connection.DeviceConnection;
import dev.slmp.connection.DeviceIdentity;
import dev.slmp.connection.InboundMessage;
import dev.slmp.crypto.Randomness;
import dev.slmp.protocol.AckStatus;
import dev.slmp.protocol.CloseCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A device state machine on a plain {@link SocketChannel}, driven by the caller's thread (no
 * Vert.x): for tests and probes that flood, stop reading, or measure. What the device writes
 * collects in {@link #take()} until sent.
 */
public final class ChannelDevice {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
  public final List<AckStatus> acks = new ArrayList<>();
  public final DeviceConnection device;
  public final SocketChannel channel;

  /**
   * What the rest of a flood left unsent, written as the node takes bytes again ({@link #read}).
   */
  public ByteBuffer unsent = ByteBuffer.allocate(0);

  private String closedWith;

  /** Connects and completes a full handshake (blocking). */
  public ChannelDevice(int port, DeviceIdentity identity) throws IOException {
    device =
        new DeviceConnection(
            identity,
            Randomness.secure(),
            65536,
            new DeviceConnection.Listener() {
              @Override
              public void write(byte[] bytes) {
                out.writeBytes(bytes);
              }

              @Override
              public void message(InboundMessage m) {}

              @Override
              public void acknowledged(long seq, boolean early, AckStatus status) {
                acks.add(status);
              }

              @Override
              public void closed(CloseCode code, String reason, boolean byPeer) {
                closedWith = code + " " + reason;
              }
            });
    channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    device.startFull();
    send(take());
    read(1); // HELLO_REPLY
    send(take());
    read(1); // WELCOME
  }

  /** What the device wrote since the last call. */
  public byte[] take() {
    byte[] b = out.toByteArray();
    out.reset();
    return b;
  }

  public void send(byte[] b) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /**
   * Reads until {@code frames} more frames were fed to the device (polling when the channel is
   * non-blocking), within 30 s; fails naming the node's CLOSE when one arrives instead.
   */
  public void read(int frames) throws IOException {
    int seen = 0;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (seen < frames) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + seen + " of " + frames + " frames within 30 s");
      }
      if (unsent.hasRemaining()) {
        channel.write(unsent);
      }
      int r = channel.read(in);
      if (r < 0) {
        throw new IOException(
            "closed by the node after " + seen + " of " + frames + " frames: " + closedWith);
      }
      in.flip();
      while (in.remaining() >= 4) {
        int len =
            ((in.get(in.position() + 1) & 0xFF) << 16)
                | ((in.get(in.position() + 2) & 0xFF) << 8)
                | (in.get(in.position() + 3) & 0xFF);
        if (in.remaining() < 4 + len) {
          break;
        }
        byte[] f = new byte[4 + len];
        in.get(f);
        device.receive(f);
        seen++;
        if (closedWith != null) {
          throw new IOException("closed by the node: " + closedWith);
        }
      }
      in.compact();
      if (r == 0) {
        Thread.onSpinWait();
      }
    }
  }
}
