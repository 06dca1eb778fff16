package io.imageprune.state;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a dead letter too large to send whole becomes. */
class DeadLettersTest {
    @Test
    void aTruncatedDeadLetterKeepsTheFirstBytesAndNamesTheWholeValue() {
        byte[] value = new byte[DeadLetters.TRUNCATED_VALUE_BYTES * 3 + 1];
        Arrays.fill(value, (byte) 'x');
        value[value.length - 1] = 'y';
        ProducerRecord<String, byte[]> dead = DeadLetters.truncated("dlq", "Pod/team/big", value, "too big",
                "state-0@4");
        assertEquals("dlq", dead.topic());
        assertEquals("Pod/team/big", dead.key());
        assertArrayEquals(Arrays.copyOf(value, DeadLetters.TRUNCATED_VALUE_BYTES), dead.value());
        assertEquals(Integer.toString(value.length), header(dead, DeadLetters.ORIGINAL_SIZE_HEADER));
        assertEquals(DeadLetters.sha256(value), header(dead, DeadLetters.ORIGINAL_SHA256_HEADER));
        assertEquals("too big", header(dead, DeadLetters.REASON_HEADER));
        assertEquals("state-0@4", header(dead, DeadLetters.ORIGIN_HEADER));
    }

    @Test
    void sha256IsLowercaseHex() {
        // the SHA-256 test vector of "abc" (FIPS 180-2)
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                DeadLetters.sha256("abc".getBytes(StandardCharsets.UTF_8)));
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
