package io.imageprune.options;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GoDurationTest {
    @ParameterizedTest
    @CsvSource({"60m,3600000", "1h30m,5400000", "90m,5400000", "0s,0", "0,0", "1.5h,5400000", "2h45m30.5s,9930500",
            "300ms,300", "-1h,-3600000", "+5s,5000", "1h0m0s,3600000"})
    void parsesGoSyntax(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "h", "5 m", "1d", "-", "1.2.3s", ".s", "m5", "3000000h", "\u0665m"})
    void rejectsWhatGoRejects(String text) {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
    }

    @org.junit.jupiter.api.Test
    void subMillisecondUnits() {
        assertEquals(Duration.ofNanos(1500), GoDuration.parse("1.5us"));
        assertEquals(Duration.ofNanos(7), GoDuration.parse("7ns"));
    }
}
