package io.imageprune.options;


import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The one strict parser of option values, shared by the command line, the REST API and the configuration, so that a
 * value means the same wherever it is given and a value that is not exactly one of the accepted forms is refused,
 * never read as a default. Each method names the parameter it parses in its {@link InvalidOptionException}.
 */
public final class OptionValues {
    public static final String BOOLEAN = "a boolean (1, t, T, TRUE, true, True, 0, f, F, FALSE, false or False)";
    public static final String RFC3339 = "an RFC 3339 time such as 2025-01-15T12:00:00Z or 2025-01-15T13:00:00.5+01:00";

    /** RFC 3339's date-time (section 5.6) with Go's upper-case T and Z; the fields' ranges are checked by java.time. */
    private static final Pattern DATE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private OptionValues() {
    }

    /** Exactly Go's {@code strconv.ParseBool}, which oc's boolean flags use. */
    public static boolean bool(String parameter, String value) {
        if (value != null) {
            switch (value) {
                case "1", "t", "T", "TRUE", "true", "True" -> {
                    return true;
                }
                case "0", "f", "F", "FALSE", "false", "False" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw new InvalidOptionException(parameter, value, quote(value) + " is not " + BOOLEAN);
    }

    /** A decimal integer with an optional sign that fits an int; no spaces, no other base, no overflow. */
    public static int integer(String parameter, String value) {
        long number = longInteger(parameter, value);
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is out of range: expected an integer"
                    + " between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return (int) number;
    }

    /** A decimal integer with an optional sign that fits a long. */
    public static long longInteger(String parameter, String value) {
        if (value == null || !INTEGER.matcher(value).matches()) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is not an integer (decimal digits "
                    + "with an optional sign, such as 3)");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is out of range: expected an integer"
                    + " between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
        }
    }

    /** A decimal number such as {@code 0.5} or {@code 1}: finite, no spaces, no exponent. */
    public static double decimal(String parameter, String value) {
        if (value == null || !value.matches("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)")) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is not a decimal number (such as 0.5)");
        }
        return Double.parseDouble(value);
    }

    /** Go's {@code time.ParseDuration} syntax within Go's range (an int64 of nanoseconds); see {@link GoDuration}. */
    public static Duration duration(String parameter, String value) {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is not " + GoDuration.EXPECTED + ": "
                    + e.getMessage());
        }
    }

    /** An RFC 3339 date-time with seconds and an offset ({@code Z} or {@code ±hh:mm}). */
    public static Instant time(String parameter, String value) {
        if (value != null && DATE_TIME.matcher(value).matches()) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                // a field out of range, such as month 13: refused below
            }
        }
        throw new InvalidOptionException(parameter, value, quote(value) + " is not " + RFC3339);
    }

    /** A Kubernetes namespace name (an RFC 1123 label: lower-case letters, digits and '-', at most 63). */
    public static String namespace(String parameter, String value) {
        if (value == null || value.length() > 63 || !NAMESPACE.matcher(value).matches()) {
            throw new InvalidOptionException(parameter, value, quote(value) + " is not a namespace name (lower-case "
                    + "letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
        }
        return value;
    }

    /** {@code stop}, {@code contain} or {@code ignore}, exactly (lower-case). */
    public static InvalidReferenceMode invalidRefs(String parameter, String value) {
        for (InvalidReferenceMode mode : InvalidReferenceMode.values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        throw new InvalidOptionException(parameter, value, quote(value) + " is not " + INVALID_REFS);
    }

    public static final String INVALID_REFS = "stop, contain or ignore";

    /**
     * The invalid-reference mode from its option and oc's boolean alias ({@code ignore-invalid-refs}: true is
     * {@code ignore}, false is {@code stop}). Both given and disagreeing is refused: true with stop or contain, false
     * with ignore ({@code false} with {@code contain} agrees: it only says "do not ignore").
     *
     * @param mode  the mode option's value, null when not given
     * @param alias the alias's value, null when not given
     * @return the mode, or null when neither is given
     */
    public static InvalidReferenceMode invalidRefs(String modeParameter, InvalidReferenceMode mode,
                                                   String aliasParameter, Boolean alias) {
        if (alias == null) {
            return mode;
        }
        InvalidReferenceMode fromAlias = alias ? InvalidReferenceMode.IGNORE : InvalidReferenceMode.STOP;
        if (mode == null) {
            return fromAlias;
        }
        if (alias != (mode == InvalidReferenceMode.IGNORE)) {
            throw new InvalidOptionException(aliasParameter, alias.toString(), aliasParameter + "=" + alias
                    + " contradicts " + modeParameter + "=" + mode.value() + " (" + aliasParameter + " is the old "
                    + "form of " + modeParameter + "=ignore; give one of them)");
        }
        return mode;
    }

    private static String quote(String value) {
        return value == null ? "no value" : "\"" + value + "\"";
    }
}
