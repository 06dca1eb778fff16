package io.imageprune.kafka;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * HMAC-SHA256 of a state record, so that only a holder of the signing key decides what the graph believes. The MAC
 * covers the key and the value, length-prefixed so that no two (key, value) pairs share an input, with a tombstone
 * marked apart from an empty value. The first key signs; every key verifies, so a key can be rotated: add the new key
 * in front, roll out, then drop the old one.
 */
public final class RecordSignature {
    /** The header holding the 32-byte MAC. */
    public static final String HEADER = "imageprune.signature";
    /** Shortest accepted key: HMAC-SHA256's own output size. */
    static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DOMAIN = "imageprune.cluster-state/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte TOMBSTONE = 0;
    private static final byte VALUE = 1;

    /** How a record's signature checked out. */
    public enum Verdict {
        VALID, UNSIGNED, BAD_SIGNATURE;

        /** The {@code reason} tag of the bad-record counter. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final List<SecretKeySpec> keys;

    private RecordSignature(List<SecretKeySpec> keys) {
        this.keys = keys;
    }

    /** No keys: records are neither signed nor checked. */
    public static RecordSignature disabled() {
        return new RecordSignature(List.of());
    }

    /**
     * @param base64Keys the current key first, then an optional previous one still accepted
     * @throws IllegalArgumentException naming the position of a key that is not base64 or shorter than 32 bytes
     */
    public static RecordSignature of(List<String> base64Keys) {
        List<SecretKeySpec> keys = new ArrayList<>();
        for (int i = 0; i < base64Keys.size(); i++) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64Keys.get(i).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("imageprune.kafka.signing.keys[" + i + "] is not base64: "
                        + e.getMessage());
            }
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("imageprune.kafka.signing.keys[" + i + "] has " + key.length
                        + " bytes; at least " + MIN_KEY_BYTES + " are needed (e.g. openssl rand -base64 32)");
            }
            keys.add(new SecretKeySpec(key, ALGORITHM));
        }
        return new RecordSignature(List.copyOf(keys));
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** @param value null for a tombstone */
    public byte[] sign(String key, byte[] value) {
        if (!enabled()) {
            throw new IllegalStateException("no signing key configured");
        }
        return mac(keys.get(0), key, value);
    }

    /**
     * @param signature the header's value, null when the record has none
     * @param value     null for a tombstone
     */
    public Verdict verify(String key, byte[] value, byte[] signature) {
        if (signature == null) {
            return Verdict.UNSIGNED;
        }
        boolean valid = false;
        for (SecretKeySpec candidate : keys) {
            // every key is tried, whatever matched, so the time taken says nothing about which one did
            valid |= MessageDigest.isEqual(mac(candidate, key, value), signature);
        }
        return valid ? Verdict.VALID : Verdict.BAD_SIGNATURE;
    }

    private static byte[] mac(SecretKeySpec secret, String key, byte[] value) {
        byte[] keyBytes = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            mac.update(DOMAIN);
            mac.update(ByteBuffer.allocate(4).putInt(keyBytes.length).array());
            mac.update(keyBytes);
            if (value == null) {
                mac.update(TOMBSTONE);
            } else {
                mac.update(VALUE);
                mac.update(ByteBuffer.allocate(4).putInt(value.length).array());
                mac.update(value);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
