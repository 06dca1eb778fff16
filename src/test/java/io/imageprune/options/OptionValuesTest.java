package io.imageprune.options;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict parser: Go's accepted forms and nothing else; every refusal names parameter, value and expectation. */
class OptionValuesTest {
    @ParameterizedTest
    @CsvSource({"1,true", "t,true", "T,true", "TRUE,true", "true,true", "True,true",
            "0,false", "f,false", "F,false", "FALSE,false", "false,false", "False,false"})
    void booleansAreGosParseBool(String value, boolean expected) {
        assertEquals(expected, OptionValues.bool("all", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "y", "n", "TRUE ", " true", "tRUE", "fALSE", "TrUe", "2", "-1",
            "01", "", "truee", "\u0661"})
    void nearMissBooleansAreRefused(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> OptionValues.bool("dry-run", value));
        assertEquals("invalid value for dry-run: \"" + value + "\" is not " + OptionValues.BOOLEAN, e.getMessage());
        assertEquals("dry-run", e.parameter());
        assertEquals(value, e.value());
    }

    @Test
    void aMissingValueIsRefusedToo() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> OptionValues.bool("all", null));
        assertTrue(e.getMessage().startsWith("invalid value for all: no value is not a boolean"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0,0", "3,3", "+7,7", "-1,-1", "007,7", "2147483647,2147483647", "-2147483648,-2147483648"})
    void integers(String value, int expected) {
        assertEquals(expected, OptionValues.integer("keep-tag-revisions", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "", " 3", "3 ", "3.0", "1e3", "0x10", "1_000", "--1", "+", "\u0663", "3a"})
    void malformedIntegersAreRefused(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.integer("keep-tag-revisions", value));
        assertEquals("invalid value for keep-tag-revisions: \"" + value + "\" is not an integer (decimal digits with "
                + "an optional sign, such as 3)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648", "-2147483649", "99999999999999999999"})
    void integersOutOfRangeAreRefusedNotWrapped(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.integer("keep-tag-revisions", value));
        assertTrue(e.getMessage().startsWith("invalid value for keep-tag-revisions: \"" + value
                + "\" is out of range: expected an integer between "), e.getMessage());
    }

    @Test
    void longIntegersHaveTheirOwnRange() {
        assertEquals(Long.MAX_VALUE, OptionValues.longInteger("max-lag", "9223372036854775807"));
        assertThrows(InvalidOptionException.class, () -> OptionValues.longInteger("max-lag", "9223372036854775808"));
    }

    @ParameterizedTest
    @CsvSource({"0.5,0.5", "1,1", ".25,0.25", "1.,1"})
    void decimals(String value, double expected) {
        assertEquals(expected, OptionValues.decimal("share", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "1e-3", "0,5", " 0.5", "", "."})
    void malformedDecimalsAreRefused(String value) {
        assertThrows(InvalidOptionException.class, () -> OptionValues.decimal("share", value));
    }

    @ParameterizedTest
    @CsvSource({"60m,3600000000000", "1h30m,5400000000000", "0,0", "-0,0", "+0s,0", "1.5h,5400000000000",
            ".5s,500000000", "5.s,5000000000", "1us,1000", "1µs,1000", "1μs,1000", "-1h,-3600000000000",
            // Go's limits: an int64 of nanoseconds, the negative one one larger
            "2562047h47m16.854775807s,9223372036854775807", "9223372036854775807ns,9223372036854775807",
            "-9223372036854775808ns,-9223372036854775808"})
    void durationsInGoSyntaxAndRange(String value, long nanos) {
        assertEquals(Duration.ofNanos(nanos), OptionValues.duration("keep-younger-than", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3000000h", "2562048h", "2562047h47m16.854775808s", "9223372036854775808ns",
            "-9223372036854775809ns", "-3000000h", "99999999999999999999h"})
    void durationsBeyondGosRangeAreRefusedNotWrapped(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.duration("keep-younger-than", value));
        assertEquals("invalid value for keep-younger-than: \"" + value + "\" is not " + GoDuration.EXPECTED
                + ": time: invalid duration \"" + value + "\"", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "1d", "5 m", " 5m", "5m ", "\u0665m", "soon", "P1D", "PT5M", "1h-5m", "."})
    void durationsOutsideGoSyntaxAreRefused(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> OptionValues.duration("keep-younger-than", value));
        assertTrue(e.getMessage().startsWith("invalid value for keep-younger-than: \"" + value + "\" is not a Go "
                + "duration such as 90m"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"2025-01-15T12:00:00Z,2025-01-15T12:00:00Z", "2025-01-15T13:00:00+01:00,2025-01-15T12:00:00Z",
            "2025-01-15T12:00:00.123456789Z,2025-01-15T12:00:00.123456789Z",
            "2025-01-15T06:30:00.5-05:30,2025-01-15T12:00:00.5Z"})
    void rfc3339Times(String value, String instant) {
        assertEquals(Instant.parse(instant), OptionValues.time("now", value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2025-01-15", "2025-01-15T12:00Z", "2025-01-15T12:00:00", "2025-01-15 12:00:00Z",
            "2025-01-15t12:00:00z", "2025-13-15T12:00:00Z", "2025-02-30T12:00:00Z", "2025-01-15T12:00:00+0100",
            "2025-01-15T12:00:00.Z", "2025-01-15T12:00:00.1234567890Z", " 2025-01-15T12:00:00Z", "1736942400"})
    void timesOutsideRfc3339AreRefused(String value) {
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> OptionValues.time("now", value));
        assertEquals("invalid value for now: \"" + value + "\" is not " + OptionValues.RFC3339, e.getMessage());
    }
}
