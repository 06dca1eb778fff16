package io.imageprune.snapshot;

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
        int year = digits(b, o, 4);
        int month = digits(b, o + 5, 2);
        int day = digits(b, o + 8, 2);
        int hour = digits(b, o + 11, 2);
        int minute = digits(b, o + 14, 2);
        int second = digits(b, o + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour < 0
                || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second);
    }

    private static int digits(byte[] b, int o, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int d = b[o + i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int monthLength(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
