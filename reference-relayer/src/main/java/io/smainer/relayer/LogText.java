package io.smainer.relayer;

/**
 * Untrusted text made safe for a log line: control characters (a newline that would forge a line, an escape
 * sequence for a terminal) are written as backslash escapes ({@code \n}, {@code \r}, {@code \t}, else a backslash,
 * {@code u} and four hex digits), and a backslash is doubled, so what a client or provider sent can neither start a
 * line of its own nor hide one.
 */
public final class LogText {
    private LogText() {
    }

    /**
     * @param text any text (null is "null")
     * @return it, escaped; the same string when nothing needed escaping
     */
    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
