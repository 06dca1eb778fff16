package io.imageprune.snapshot;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QuantitiesTest {
    @ParameterizedTest
    @CsvSource({
            "150Mi, 157286400",
            "1Gi, 1073741824",
            "1.5Gi, 1610612736",
            "100, 100",
            "1e3, 1000",
            "1E3, 1000",
            "2k, 2000",
            "500m, 0",
            "1500m, 1",
            "0, 0",
            "1.5, 1",
            "1.999999, 1",
            "0.5Ki, 512",
            ".5Ki, 512",
            "1., 1",
            "+5, 5",
            "-1, -1",
            "-1.5, -2",
            "-500m, -1",
            "100Ki, 102400",
            "1Ti, 1099511627776",
            "1Pi, 1125899906842624",
            "1Ei, 1152921504606846976",
            "7Ei, 8070450532247928832",
            "8Ei, 9223372036854775807",
            "16Ei, 9223372036854775807",
            "1M, 1000000",
            "1G, 1000000000",
            "1T, 1000000000000",
            "1P, 1000000000000000",
            "1E, 1000000000000000000",
            "10E, 9223372036854775807",
            "1n, 0",
            "1000000000n, 1",
            "1u, 0",
            "2500000u, 2",
            "1e-3, 0",
            "1.5e2, 150",
            "15e-1, 1",
            "1e+2, 100",
            "1e30, 9223372036854775807",
            "-1e30, -9223372036854775808",
            "1e-999999, 0",
            "-1e-999999, -1",
            "1e999999999, 9223372036854775807",
            "9223372036854775807, 9223372036854775807",
            "9223372036854775808, 9223372036854775807",
            "12345678901234567890123, 9223372036854775807",
            "0.000000000000000000000000000001Ei, 0",
    })
    void parses(String text, long expected) {
        assertEquals(expected, Quantities.parseBytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "Mi", "1 Mi", " 1", "1Ki ", "1.5.5", "1MiB", "1mi", "e3", "1e", "1e+", "1e-",
            "1e3.5", "abc", "0x10", "1KI", "--1", "+", ".", "-.", "1K", "1e1000000001", "1ee3", "1,5"})
    void rejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> Quantities.parseBytes(text));
    }

    @org.junit.jupiter.api.Test
    void rejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> Quantities.parseBytes(null));
    }
}
