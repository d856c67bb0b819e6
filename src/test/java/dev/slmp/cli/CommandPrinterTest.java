package dev.slmp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The line {@code send} prints for a command; scripts/slmp1_client_selftest.py checks the Python
 * device prints the same for the same cases.
 */
class CommandPrinterTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Verifies printable UTF-8 is shown as text and anything else as base64. */
  @Test
  void textWhenPrintableElseBase64() {
    assertEquals("command topic=cmd/led payload=on", CommandPrinter.line("cmd/led", utf8("on")));
    assertEquals(
        "command topic=t payload=caf\u00e9 \u2713",
        CommandPrinter.line("t", utf8("caf\u00e9 \u2713")));
    assertEquals("command topic= payload=", CommandPrinter.line("", new byte[0]));
    assertEquals(
        "command topic=bin payload=AAH/",
        CommandPrinter.line("bin", new byte[] {0, 1, (byte) 0xff}));
    assertEquals("command topic=nl payload=YQpi", CommandPrinter.line("nl", utf8("a\nb")));
    assertEquals("command topic=c1 payload=woU=", CommandPrinter.line("c1", utf8("\u0085")));
    assertEquals(
        "command topic=bad payload=wyg=",
        CommandPrinter.line("bad", new byte[] {(byte) 0xc3, 0x28}));
  }
}
