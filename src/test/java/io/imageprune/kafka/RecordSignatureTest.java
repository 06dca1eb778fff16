package io.imageprune.kafka;

import io.imageprune.kafka.RecordSignature.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordSignatureTest {
    private static final String OLD = key('o');
    private static final String NEW = key('n');
    private static final String KEY = "Pod/ns/web-1";
    private static final byte[] VALUE = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);

    private static String key(char fill) {
        return Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSignedRecordVerifies() {
        RecordSignature signing = RecordSignature.of(List.of(NEW));
        byte[] mac = signing.sign(KEY, VALUE);
        assertEquals(32, mac.length);
        assertEquals(Verdict.VALID, signing.verify(KEY, VALUE, mac));
    }

    @Test
    void anyChangeBreaksTheSignature() {
        RecordSignature signing = RecordSignature.of(List.of(NEW));
        byte[] mac = signing.sign(KEY, VALUE);
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify("Pod/ns/web-2", VALUE, mac));
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify(KEY, "{\"v\":2}".getBytes(StandardCharsets.UTF_8), mac));
        // a tombstone under the projection's signature: the forged delete the header exists for
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify(KEY, null, mac));
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify(KEY, VALUE, new byte[32]));
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify(KEY, VALUE, new byte[0]));
        assertEquals(Verdict.UNSIGNED, signing.verify(KEY, VALUE, null));
    }

    @Test
    void aTombstoneIsSignedApartFromAnEmptyValue() {
        RecordSignature signing = RecordSignature.of(List.of(NEW));
        byte[] tombstone = signing.sign(KEY, null);
        assertEquals(Verdict.VALID, signing.verify(KEY, null, tombstone));
        assertEquals(Verdict.BAD_SIGNATURE, signing.verify(KEY, new byte[0], tombstone));
        assertFalse(java.util.Arrays.equals(tombstone, signing.sign(KEY, new byte[0])));
    }

    @Test
    void keyAndValueBoundariesCannotShift() {
        RecordSignature signing = RecordSignature.of(List.of(NEW));
        byte[] a = signing.sign("ab", "c".getBytes(StandardCharsets.UTF_8));
        byte[] b = signing.sign("a", "bc".getBytes(StandardCharsets.UTF_8));
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void rotationAcceptsThePreviousKeyAndSignsWithTheCurrent() {
        RecordSignature before = RecordSignature.of(List.of(OLD));
        RecordSignature during = RecordSignature.of(List.of(NEW, OLD));
        RecordSignature after = RecordSignature.of(List.of(NEW));
        byte[] oldMac = before.sign(KEY, VALUE);
        assertEquals(Verdict.VALID, during.verify(KEY, VALUE, oldMac));
        assertArrayEquals(after.sign(KEY, VALUE), during.sign(KEY, VALUE));
        assertEquals(Verdict.VALID, during.verify(KEY, VALUE, during.sign(KEY, VALUE)));
        assertEquals(Verdict.BAD_SIGNATURE, after.verify(KEY, VALUE, oldMac));
    }

    @Test
    void shortOrMalformedKeysAreRefusedByPosition() {
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class,
                () -> RecordSignature.of(List.of(NEW, tooShort)));
        assertTrue(shortKey.getMessage().contains("keys[1] has 16 bytes"), shortKey.getMessage());
        IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class,
                () -> RecordSignature.of(List.of("not base64!")));
        assertTrue(notBase64.getMessage().contains("keys[0] is not base64"), notBase64.getMessage());
    }

    @Test
    void withoutKeysNothingIsSigned() {
        assertFalse(RecordSignature.of(List.of()).enabled());
        assertThrows(IllegalStateException.class, () -> RecordSignature.disabled().sign(KEY, VALUE));
    }
}
