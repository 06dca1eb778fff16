package io.imageprune.snapshot;

import io.imageprune.model.Times;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/** RFC 3339 timestamps as the Kubernetes API writes them, with a fast path for {@code 2024-11-30T03:54:16Z}. */
final class Rfc3339 {
    /** Date, 'T', time with seconds, optional fraction, 'Z' or a numeric offset; case-insensitive 'T'/'Z'. */
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .appendOffset("+HH:MM", "Z")
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    private Rfc3339() {
    }

    /** The instant, or null if the text is not an RFC 3339 timestamp. */
    static Instant parse(String text) {
        Instant fast = text.length() == 20 ? parseFast(text.getBytes(StandardCharsets.ISO_8859_1), 0, 20) : null;
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(text, FORMAT).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** {@code YYYY-MM-DDTHH:MM:SSZ} exactly, else null. */
    static Instant parseFast(byte[] b, int o, int len) {
        if (len != 20 || b[o + 4] != '-' || b[o + 7] != '-' || (b[o + 10] != 'T' && b[o + 10] != 't')
                || b[o + 13] != ':' || b[o + 16] != ':' || (b[o + 19] != 'Z' && b[o + 19] != 'z')) {
            return null;
        }
        // digits written out: this method stays above the JIT's inlining size and is compiled once
        int y0 = b[o] - '0';
        int y1 = b[o + 1] - '0';
        int y2 = b[o + 2] - '0';
        int y3 = b[o + 3] - '0';
        int mo0 = b[o + 5] - '0';
        int mo1 = b[o + 6] - '0';
        int d0 = b[o + 8] - '0';
        int d1 = b[o + 9] - '0';
        int h0 = b[o + 11] - '0';
        int h1 = b[o + 12] - '0';
        int mi0 = b[o + 14] - '0';
        int mi1 = b[o + 15] - '0';
        int s0 = b[o + 17] - '0';
        int s1 = b[o + 18] - '0';
        if (((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | mi0 | mi1 | s0 | s1) & ~0xf) != 0
                || y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || mo0 > 9 || mo1 > 9 || d0 > 9 || d1 > 9 || h0 > 9
                || h1 > 9 || mi0 > 9 || mi1 > 9 || s0 > 9 || s1 > 9) {
            return null;
        }
        int year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
        int month = mo0 * 10 + mo1;
        int day = d0 * 10 + d1;
        int hour = h0 * 10 + h1;
        int minute = mi0 * 10 + mi1;
        int second = s0 * 10 + s1;
        if (month < 1 || month > 12 || day < 1 || day > Times.daysInMonth(year, month) || hour < 0
                || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        return Instant.ofEpochSecond(Times.epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second);
    }
}
