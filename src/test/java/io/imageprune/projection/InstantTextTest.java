package io.imageprune.projection;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InstantTextTest {
    @Test
    void formatAgreesWithTheJdkAndParsesBack() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-62135596800L - 1000, 253402300799L + 1000);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nano);
            String text = InstantText.format(t);
            assertEquals(t, Instant.parse(text), text);
            assertEquals(t, InstantText.parse(text), text);
            assertEquals(t, InstantText.parse(t.toString()), t.toString());
            if (nano == 0) {
                assertEquals(t.toString(), text);
            }
        }
    }

    @Test
    void fractionsUseAsFewDigitsAsNeeded() {
        assertEquals("2024-05-01T10:00:00Z", InstantText.format(Instant.parse("2024-05-01T10:00:00Z")));
        assertEquals("2024-05-01T10:00:00.5Z", InstantText.format(Instant.parse("2024-05-01T10:00:00.500Z")));
        assertEquals("2024-05-01T10:00:00.000000001Z",
                InstantText.format(Instant.parse("2024-05-01T10:00:00.000000001Z")));
        assertEquals("1969-12-31T23:59:59.999999999Z", InstantText.format(Instant.ofEpochSecond(-1, 999_999_999)));
        assertEquals("0001-01-01T00:00:00Z", InstantText.format(Instant.parse("0001-01-01T00:00:00Z")));
        assertEquals("+10000-01-01T00:00:00Z", InstantText.format(Instant.parse("+10000-01-01T00:00:00Z")));
    }

    @Test
    void parseAcceptsOtherRfc3339Spellings() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        assertEquals(t, InstantText.parse("2024-05-01T12:00:00+02:00"));
        assertEquals(t, InstantText.parse("2024-05-01T10:00:00.000Z"));
        assertEquals(Instant.MIN, InstantText.parse(Instant.MIN.toString()));
        assertEquals(Instant.MAX, InstantText.parse(Instant.MAX.toString()));
        assertEquals(Instant.parse("2024-02-29T23:59:59.1Z"), InstantText.parse("2024-02-29T23:59:59.1Z"));
    }

    @Test
    void parseRejectsNonTimestamps() {
        for (String s : List.of("", "x", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
                "2024-05-01T10:60:00Z", "2024-05-01T10:00:00,5Z",
                "2024-05-01T10:00:00.1234567890Z", "2024-05-01 10:00:00Z", "2024-05-01T10:00:00", "2024-05-01",
                "0000-01-01T00:00:00X", "2024-0a-01T00:00:00Z", "2024-05-01T10:00:0-Z")) {
            assertThrows(DateTimeException.class, () -> InstantText.parse(s), s);
        }
    }
}
