package io.imageprune.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class Rfc3339Test {
    @ParameterizedTest
    @CsvSource({
            "2024-11-30T03:54:16Z, 2024-11-30T03:54:16Z",
            "2024-11-30t03:54:16z, 2024-11-30T03:54:16Z",
            "0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z",
            "2024-02-29T23:59:59Z, 2024-02-29T23:59:59Z",
            "2000-02-29T00:00:00Z, 2000-02-29T00:00:00Z",
            "1970-01-01T00:00:00Z, 1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z, 1969-12-31T23:59:59Z",
            "9999-12-31T23:59:59Z, 9999-12-31T23:59:59Z",
            "2024-11-30T03:54:16.5Z, 2024-11-30T03:54:16.500Z",
            "2024-11-30T03:54:16.123456789Z, 2024-11-30T03:54:16.123456789Z",
            "2024-11-30T05:54:16+02:00, 2024-11-30T03:54:16Z",
            "2024-11-30T03:54:16.25-01:30, 2024-11-30T05:24:16.250Z",
            "2024-11-30T03:54:16+00:00, 2024-11-30T03:54:16Z",
    })
    void parses(String text, String expected) {
        assertEquals(Instant.parse(expected), Rfc3339.parse(text));
        if (text.length() == 20) {
            byte[] padded = ("xx" + text + "yy").getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(Instant.parse(expected), Rfc3339.parseFast(padded, 2, text.length()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2024-11-30", "2024-11-30T03:54Z", "2024-11-30T03:54:16",
            "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
            "2024-01-01 00:00:00Z", "2024-1-01T00:00:00Z", "2024-01-01T00:00:00X", "x024-01-01T00:00:00Z",
            "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00.Z"})
    void rejects(String text) {
        assertNull(Rfc3339.parse(text));
    }

    @Test
    void fastPathAgreesWithJavaTime() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long day = random.nextInt(4_000_000) - 719_162; // years 1..~9000
            long seconds = day * 86_400L + random.nextInt(86_400);
            Instant instant = Instant.ofEpochSecond(seconds);
            String text = instant.toString();
            if (text.length() != 20) {
                continue;
            }
            assertEquals(instant, Rfc3339.parseFast(text.getBytes(StandardCharsets.ISO_8859_1), 0, 20), text);
        }
        for (int year = 1; year <= 2400; year += 7) {
            assertEquals(LocalDate.of(year, 3, 1).toEpochDay(), io.imageprune.model.Times.epochDay(year, 3, 1));
            assertEquals(LocalDate.of(year, 1, 31).toEpochDay(), io.imageprune.model.Times.epochDay(year, 1, 31));
        }
    }
}
