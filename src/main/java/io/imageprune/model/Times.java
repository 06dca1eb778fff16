package io.imageprune.model;

import java.time.Instant;

/** Time conventions shared with the Kubernetes API: an absent timestamp is Go's zero time, older than anything. */
public final class Times {
    /** Go's zero {@code time.Time} (year 1), which is how an empty creationTimestamp compares. */
    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private Times() {
    }

    public static Instant orZero(Instant t) {
        return t == null ? ZERO : t;
    }

    public static boolean isZero(Instant t) {
        return t == null || ZERO.equals(t);
    }

    /**
     * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): the fast paths that read
     * and write RFC 3339 text without java.time's formatters share it.
     */
    public static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** The days of a month (1-12) of a proleptic Gregorian year. */
    public static int daysInMonth(int year, int month) {
        if (month == 2) {
            boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }
}
