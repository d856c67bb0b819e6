package dev.slmp.cli;

import dev.slmp.connection.InboundMessage;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Prints each command the server sends as one line, {@code command topic=T payload=P}: P is the
 * payload as UTF-8 when it is valid UTF-8 without control characters, else its base64. Lines of
 * commands that arrive before {@link #open} wait, so they follow the command's own report lines.
 * Thread-safe (the client's context prints, the main thread opens).
 */
final class CommandPrinter {
  private final PrintStream out;
  private final List<String> waiting = new ArrayList<>();
  private boolean open;

  CommandPrinter(PrintStream out) {
    this.out = out;
  }

  synchronized void print(InboundMessage command) {
    String line = line(command.topic(), command.payload());
    if (open) {
      out.println(line);
    } else {
      waiting.add(line);
    }
  }

  /** Prints what waited; from now on lines are printed at once. */
  synchronized void open() {
    waiting.forEach(out::println);
    waiting.clear();
    open = true;
  }

  static String line(String topic, byte[] payload) {
    return "command topic=" + topic + " payload=" + printable(payload);
  }

  /** The payload as text when it is printable UTF-8, else base64 (with padding). */
  static String printable(byte[] payload) {
    try {
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
      if (s.chars().noneMatch(Character::isISOControl)) {
        return s;
      }
    } catch (CharacterCodingException e) {
      // not UTF-8: base64 below
    }
    return Base64.getEncoder().encodeToString(payload);
  }
}
