package io.imageprune.projection;

import io.imageprune.model.Times;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * RFC 3339 text of an {@link Instant} in UTC, exact to the nanosecond: {@code 2024-05-01T10:00:00Z},
 * {@code 2024-05-01T10:00:00.000000001Z}. The fraction has as many digits as needed (trailing zeros dropped). Years
 * 1 to 9999 take an allocation-light fast path; everything else goes through {@link DateTimeFormatter#ISO_INSTANT}.
 */
final class InstantText {
    private static final long FAST_MIN = -62135596800L; // 0001-01-01T00:00:00Z
    private static final long FAST_MAX = 253402300799L; // 9999-12-31T23:59:59Z

    private InstantText() {
    }

    static String format(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < FAST_MIN || seconds > FAST_MAX) {
            return DateTimeFormatter.ISO_INSTANT.format(t);
        }
        long days = Math.floorDiv(seconds, 86400L);
        int secondOfDay = (int) (seconds - days * 86400L);
        // civil_from_days (H. Hinnant)
        long z = days + 719468L;
        long era = (z >= 0 ? z : z - 146096L) / 146097L;
        long doe = z - era * 146097L;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));

        char[] c = new char[30];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        int n = 19;
        int nano = t.getNano();
        if (nano != 0) {
            c[n++] = '.';
            digits(c, n, nano, 9);
            n += 9;
            while (c[n - 1] == '0') {
                n--;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Parses what {@link #format} writes, and anything else {@link Instant#parse} accepts.
     *
     * @throws DateTimeException when the text is not such a timestamp
     */
    static Instant parse(String s) {
        int len = s.length();
        if (len >= 20 && len <= 30 && s.charAt(len - 1) == 'Z' && s.charAt(4) == '-' && s.charAt(7) == '-'
                && s.charAt(10) == 'T' && s.charAt(13) == ':' && s.charAt(16) == ':') {
            int year = num(s, 0, 4);
            int month = num(s, 5, 2);
            int day = num(s, 8, 2);
            int hour = num(s, 11, 2);
            int minute = num(s, 14, 2);
            int second = num(s, 17, 2);
            int nano = 0;
            boolean ok = year >= 1 && month >= 1 && month <= 12 && day >= 1
                    && day <= Times.daysInMonth(year, month)
                    && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
            if (ok && len > 20) {
                int fractionDigits = len - 21;
                if (s.charAt(19) != '.' || fractionDigits < 1) {
                    ok = false;
                } else {
                    nano = num(s, 20, fractionDigits);
                    for (int i = fractionDigits; i < 9; i++) {
                        nano *= 10;
                    }
                    ok = nano >= 0;
                }
            }
            if (ok) {
                long days = Times.epochDay(year, month, day);
                return Instant.ofEpochSecond(days * 86400L + hour * 3600L + minute * 60L + second, nano);
            }
        }
        return Instant.parse(s);
    }

    /** The decimal value of {@code width} digits at {@code at}, or -1 when one of them is not a digit. */
    private static int num(String s, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
