package io.imageprune.snapshot;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Kubernetes resource quantities ({@code 150Mi}, {@code 1.5Gi}, {@code 2k}, {@code 1e3}, {@code 500m}, ...). */
public final class Quantities {
    /** Binary SI suffixes: the power of two they multiply by. */
    private static final Map<String, Integer> BINARY_SUFFIXES =
            Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);
    /** Decimal SI suffixes: the power of ten they multiply by. */
    private static final Map<String, Integer> DECIMAL_SUFFIXES =
            Map.of("n", -9, "u", -6, "m", -3, "k", 3, "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);

    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    /** Larger decimal exponents are rejected rather than computed. */
    private static final long MAX_EXPONENT = 1_000_000_000L;

    private Quantities() {
    }

    /**
     * The quantity as a whole number, rounded down (towards negative infinity), saturated at {@link Long#MAX_VALUE}
     * and {@link Long#MIN_VALUE}.
     *
     * <p>Grammar (as Kubernetes): {@code [+-]? (digits [. digits?] | . digits) suffix?} where suffix is a binary SI
     * suffix ({@code Ki Mi Gi Ti Pi Ei}), a decimal SI suffix ({@code n u m k M G T P E}) or a decimal exponent
     * ({@code e3}, {@code E-2}). No whitespace is allowed.
     *
     * @throws IllegalArgumentException if the text is not a quantity
     */
    public static long parseBytes(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty quantity");
        }
        int n = text.length();
        int i = 0;
        if (text.charAt(0) == '+' || text.charAt(0) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && text.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            throw new IllegalArgumentException("invalid quantity \"" + text + "\"");
        }
        BigDecimal value = new BigDecimal(text.substring(0, i));
        String suffix = text.substring(i);
        if (!suffix.isEmpty()) {
            Integer binary = BINARY_SUFFIXES.get(suffix);
            Integer decimal = DECIMAL_SUFFIXES.get(suffix);
            if (binary != null) {
                value = value.multiply(BigDecimal.valueOf(1L << binary));
            } else {
                value = value.scaleByPowerOfTen(decimal != null ? decimal : exponent(text, suffix));
            }
        }
        return floorSaturated(value);
    }

    private static int exponent(String text, String suffix) {
        char first = suffix.charAt(0);
        if (first != 'e' && first != 'E') {
            throw new IllegalArgumentException("invalid quantity \"" + text + "\": unknown suffix \"" + suffix + "\"");
        }
        int i = 1;
        boolean negative = false;
        if (i < suffix.length() && (suffix.charAt(i) == '+' || suffix.charAt(i) == '-')) {
            negative = suffix.charAt(i) == '-';
            i++;
        }
        if (i == suffix.length()) {
            throw new IllegalArgumentException("invalid quantity \"" + text + "\": unknown suffix \"" + suffix + "\"");
        }
        long exp = 0;
        for (; i < suffix.length(); i++) {
            char c = suffix.charAt(i);
            if (!isDigit(c)) {
                throw new IllegalArgumentException(
                        "invalid quantity \"" + text + "\": unknown suffix \"" + suffix + "\"");
            }
            exp = exp * 10 + (c - '0');
            if (exp > MAX_EXPONENT) {
                throw new IllegalArgumentException("invalid quantity \"" + text + "\": exponent out of range");
            }
        }
        return (int) (negative ? -exp : exp);
    }

    private static long floorSaturated(BigDecimal value) {
        int sign = value.signum();
        if (sign == 0) {
            return 0;
        }
        // compareTo looks at the adjusted exponents first, so huge or tiny values cost nothing here
        if (value.compareTo(LONG_MAX) >= 0) {
            return Long.MAX_VALUE;
        }
        if (value.compareTo(LONG_MIN) <= 0) {
            return Long.MIN_VALUE;
        }
        if (value.abs().compareTo(BigDecimal.ONE) < 0) {
            return sign < 0 ? -1 : 0;
        }
        return value.setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
