package io.imageprune.reference;

/**
 * Go's {@code strconv.Quote} / {@code fmt.Sprintf("%q", s)} for strings: a double-quoted literal where {@code "} and
 * {@code \} are backslashed, {@code \a \b \f \n \r \t \v} use their short escapes, other C0 controls and DEL become
 * {@code \xNN}, and every other non-printable code point becomes <code>&#92;uNNNN</code> or <code>&#92;UNNNNNNNN</code> (lower-case hex).
 * Printable means Go's {@code unicode.IsPrint}: categories L, M, N, P, S and the ASCII space (so U+00A0 and other
 * spaces are escaped).
 *
 * <p>Java strings are UTF-16 and cannot hold invalid UTF-8; an unpaired surrogate stands where Go would have decoded
 * U+FFFD (which is what Go's JSON decoder yields for both), and is written as U+FFFD, which is printable.
 * Printability follows the JDK's Unicode tables, which may lag Go's for code points assigned in recent Unicode
 * versions.
 */
public final class GoQuote {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoQuote() {
    }

    public static String quote(String s) {
        if (s == null) {
            s = "";
        }
        int len = s.length();
        StringBuilder b = null;
        // fast path: plain printable ASCII without quote or backslash
        int i = 0;
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                break;
            }
        }
        if (i == len) {
            return new StringBuilder(len + 2).append('"').append(s).append('"').toString();
        }
        b = new StringBuilder(len + 16);
        b.append('"').append(s, 0, i);
        while (i < len) {
            char c = s.charAt(i);
            int cp;
            if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(i + 1));
                i += 2;
            } else {
                cp = Character.isSurrogate(c) ? 0xFFFD : c;
                i++;
            }
            appendEscapedRune(b, cp);
        }
        return b.append('"').toString();
    }

    private static void appendEscapedRune(StringBuilder b, int r) {
        if (r == '"' || r == '\\') {
            b.append('\\').append((char) r);
            return;
        }
        if (isPrint(r)) {
            b.appendCodePoint(r);
            return;
        }
        switch (r) {
            case 0x07 -> b.append("\\a");
            case '\b' -> b.append("\\b");
            case '\f' -> b.append("\\f");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            case 0x0b -> b.append("\\v");
            default -> {
                if (r < ' ' || r == 0x7f) {
                    b.append("\\x").append(HEX[(r >> 4) & 0xf]).append(HEX[r & 0xf]);
                } else if (r < 0x10000) {
                    b.append("\\u");
                    for (int shift = 12; shift >= 0; shift -= 4) {
                        b.append(HEX[(r >> shift) & 0xf]);
                    }
                } else {
                    b.append("\\U");
                    for (int shift = 28; shift >= 0; shift -= 4) {
                        b.append(HEX[(r >> shift) & 0xf]);
                    }
                }
            }
        }
    }

    /** Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean isPrint(int r) {
        if (r <= 0xff) {
            if (r >= 0x20 && r <= 0x7e) {
                return true;
            }
            if (r >= 0xa1) {
                return r != 0xad; // soft hyphen is Cf
            }
            return false;
        }
        switch (Character.getType(r)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                    Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK,
                    Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER,
                    Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION,
                    Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                    Character.OTHER_SYMBOL:
                return true;
            default:
                return false;
        }
    }
}
