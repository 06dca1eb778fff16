package io.imageprune.options;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration} syntax, which oc's duration flags use: a sequence of decimal numbers with units
 * ({@code ns us µs ms s m h}), optionally signed, e.g. {@code 90m}, {@code 1h30m}, {@code 1.5h}, {@code 0}. A Go
 * duration is an int64 of nanoseconds, so anything beyond about 2562047h is an error, as in Go (it must never wrap).
 * Callers name the parameter through {@link OptionValues#duration}.
 */
public final class GoDuration {
    static final String EXPECTED = "a Go duration such as 90m, 1h30m or 0s (units ns, us, ms, s, m, h; "
            + "at most 2562047h47m16.854775807s)";
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);
    /** Go accepts exactly -1<<63 ns, one more than the positive maximum. */
    private static final BigInteger MAX_NEGATIVE = MAX.add(BigInteger.ONE);

    private GoDuration() {
    }

    /** @throws IllegalArgumentException with Go's message */
    public static Duration parse(String text) {
        String s = text;
        if (s == null || s.isEmpty()) {
            throw invalid(text);
        }
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.chars().filter(c -> c == '.').count() > 1) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            Long unit = NANOS_PER_UNIT.get(s.substring(unitStart, i));
            if (unit == null) {
                throw new IllegalArgumentException(unitStart == i
                        ? "time: missing unit in duration \"" + text + "\""
                        : "time: unknown unit \"" + s.substring(unitStart, i) + "\" in duration \"" + text + "\"");
            }
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
        }
        BigInteger whole = nanos.toBigInteger();
        if (whole.compareTo(negative ? MAX_NEGATIVE : MAX) > 0) {
            throw invalid(text);
        }
        return Duration.ofNanos(negative ? whole.negate().longValueExact() : whole.longValueExact());
    }

    /** ASCII only: Go's parser knows no other digits (Java's Character.isDigit would take Arabic-Indic ones). */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
