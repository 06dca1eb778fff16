package io.imageprune.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Expected values are what Go's {@code strconv.Quote} / {@code fmt.Sprintf("%q", s)} returns. */
class GoQuoteTest {

    private static void q(String expected, String input) {
        assertEquals(expected, GoQuote.quote(input), () -> "quote of code points " + input.codePoints()
                .mapToObj(Integer::toHexString).toList());
    }

    @Test
    void plainAscii() {
        q("\"\"", "");
        q("\"abc\"", "abc");
        q("\"I am certainly a valid reference\"", "I am certainly a valid reference");
        q("\"bad/tag@name\"", "bad/tag@name");
        q("\"~!#$%&'()*+,-./:;<=>?[]^_`{|}\"", "~!#$%&'()*+,-./:;<=>?[]^_`{|}");
    }

    @Test
    void quoteAndBackslash() {
        q("\"a\\\"b\"", "a\"b");
        q("\"a\\\\b\"", "a\\b");
        q("\"\\\\\\\"\"", "\\\"");
        // single quotes are not escaped inside a double-quoted Go string
        q("\"it's\"", "it's");
    }

    @Test
    void shortEscapes() {
        q("\"\\a\\b\\f\\n\\r\\t\\v\"", "\u0007\b\f\n\r\t\u000b");
        q("\"line1\\nline2\"", "line1\nline2");
    }

    @Test
    void otherControlsAsHex() {
        q("\"\\x00\"", "\u0000");
        q("\"\\x01\\x1b\\x1f\"", "\u0001\u001b\u001f");
        q("\"\\x7f\"", "\u007f");
    }

    @Test
    void nonPrintableBmpAsLowerCaseU() {
        q("\"\\u0080\"", "\u0080");
        q("\"\\u0085\"", "\u0085");
        q("\"\\u009f\"", "\u009f");
        q("\"\\u00a0\"", "\u00a0");        // NO-BREAK SPACE: a space separator, not printable in Go
        q("\"\\u00ad\"", "\u00ad");        // SOFT HYPHEN: Cf
        q("\"\\u200b\"", "\u200b");        // ZERO WIDTH SPACE: Cf
        q("\"\\u2028\"", "\u2028");        // LINE SEPARATOR: Zl
        q("\"\\u3000\"", "\u3000");        // IDEOGRAPHIC SPACE: Zs
        q("\"\\ufeff\"", "\ufeff");        // BOM: Cf
        q("\"\\ue000\"", "\ue000");        // private use
        q("\"\\u0378\"", "\u0378");        // unassigned
        q("\"a\\u00a0b\"", "a\u00a0b");
    }

    @Test
    void nonPrintableSupplementaryAsUpperCaseU() {
        q("\"\\U000e0001\"", new String(Character.toChars(0xE0001)));  // LANGUAGE TAG: Cf
        q("\"\\U0010fffd\"", new String(Character.toChars(0x10FFFD))); // plane 16 private use
    }

    @Test
    void printableUnicodeKept() {
        q("\"\u00e9t\u00e9\"", "\u00e9t\u00e9");
        q("\"\u65e5\u672c\u8a9e\"", "\u65e5\u672c\u8a9e");
        q("\"e\u0301\"", "e\u0301");                               // combining mark: M is printable
        q("\"\u00a1\u00bf\u00ff\"", "\u00a1\u00bf\u00ff");
        q("\"\u212a\"", "\u212a");
        String emoji = new String(Character.toChars(0x1F600));
        q("\"" + emoji + "\"", emoji);
        q("\"\ufffd\"", "\ufffd");
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacter() {
        q("\"a\ufffdb\"", "a\ud800b");
        q("\"\ufffd\"", "\udc00");
        q("\"\ufffd\ufffd\"", "\udc00\ud800");
    }

    @Test
    void isPrintMatchesGo() {
        assertTrue(GoQuote.isPrint(' '));
        assertFalse(GoQuote.isPrint('\t'));
        assertFalse(GoQuote.isPrint(0xa0));
        assertTrue(GoQuote.isPrint(0xa1));
        assertFalse(GoQuote.isPrint(0x2000));
        assertTrue(GoQuote.isPrint(0x20ac)); // EURO SIGN
        assertFalse(GoQuote.isPrint(0xd800));
    }

    @Test
    void nullQuotesAsEmpty() {
        q("\"\"", null);
    }
}
