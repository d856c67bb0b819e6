package dev.slmp.inbox;

/**
 * Text from devices made safe for a terminal: a payload is whatever the device sent, and printed
 * raw an {@code ESC[2J} clears the operator's screen, a {@code \r} overwrites the line before it
 * and a newline forges a line of its own. Control characters (C0, DEL, C1), line and paragraph
 * separators, invisible format characters (bidirectional overrides among them) and lone surrogates
 * become visible escapes; a backslash is doubled, so every printed line reads back to exactly one
 * text.
 */
public final class Printable {
  private Printable() {}

  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            b.append(String.format("\\x%02x", cp));
          } else if (invisible(cp)) {
            b.append(String.format("\\u{%04x}", cp));
          } else {
            b.appendCodePoint(cp);
          }
        }
      }
    }
    return b.toString();
  }

  private static boolean invisible(int cp) {
    int type = Character.getType(cp);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }
}
