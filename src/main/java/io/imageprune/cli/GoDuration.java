package io.imageprune.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration} syntax, which oc's duration flags use: a sequence of decimal numbers with units
 * ({@code ns us µs ms s m h}), optionally signed, e.g. {@code 90m}, {@code 1h30m}, {@code 1.5h}, {@code 0}.
 */
public final class GoDuration {
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

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
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.chars().filter(c -> c == '.').count() > 1) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
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
        long whole = nanos.longValue();
        return Duration.ofNanos(negative ? -whole : whole);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
