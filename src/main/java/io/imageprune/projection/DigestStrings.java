package io.imageprune.projection;

import java.nio.charset.StandardCharsets;

/**
 * Canonical {@code sha256:<64 lowercase hex>} digests as their 32 bytes, and back. Decoding goes through a lossy,
 * direct-mapped cache of the strings made before: the same layer digest is named by thousands of images, and a replay
 * that made a new string for each would hold each digest thousands of times and compare them character by character
 * in the graph's tables (the cache makes them the same object). Thread-safe: a slot holds an immutable String,
 * written and read as one reference; a lost race only costs a duplicate string.
 */
final class DigestStrings {
    private static final String PREFIX = "sha256:";
    private static final int LENGTH = PREFIX.length() + 64;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    /** 2^20 slots (4 MiB with compressed references): a few hundred thousand distinct digests mostly stay cached. */
    private static final int CACHE_BITS = 20;

    private DigestStrings() {
    }

    /** The cache, made on first use (a process that only encodes never pays for it). */
    private static final class Cache {
        static final String[] SLOTS = new String[1 << CACHE_BITS];
    }

    /** Each byte's value as a lowercase hex digit, or -1. */
    private static final byte[] NIBBLES = new byte[256];

    static {
        java.util.Arrays.fill(NIBBLES, (byte) -1);
        for (int i = 0; i < HEX_DIGITS.length; i++) {
            NIBBLES[HEX_DIGITS[i]] = (byte) i;
        }
    }

    /**
     * Writes the 32 bytes of the digest at {@code out[off]} when it is canonical, and says whether it was (when not,
     * what was written there means nothing). One pass over a copy of the text: the copy is one array copy, and
     * reading an array costs far less than a {@code charAt} per character, which the encoder of a snapshot's 2.5
     * million digests spent half its time in.
     */
    static boolean toBits(String digest, byte[] out, int off) {
        if (digest.length() != LENGTH || !digest.startsWith(PREFIX)) {
            return false;
        }
        // a character beyond Latin-1 becomes '?', which is no hex digit
        byte[] text = digest.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 32; i++) {
            int high = NIBBLES[text[PREFIX.length() + 2 * i] & 0xFF];
            int low = NIBBLES[text[PREFIX.length() + 2 * i + 1] & 0xFF];
            if ((high | low) < 0) {
                return false;
            }
            out[off + i] = (byte) (high << 4 | low);
        }
        return true;
    }

    /** The digest whose 32 bytes are at {@code bits[off]}: the cached string when it is there. */
    static String fromBits(byte[] bits, int off) {
        // the bits are a hash already: their first bytes pick the slot
        int slot = ((bits[off] & 0xFF) << 12 | (bits[off + 1] & 0xFF) << 4 | (bits[off + 2] & 0xF0) >> 4)
                & ((1 << CACHE_BITS) - 1);
        String[] slots = Cache.SLOTS;
        String cached = slots[slot];
        if (cached != null && sameDigest(cached, bits, off)) {
            return cached;
        }
        byte[] text = new byte[LENGTH];
        for (int i = 0; i < PREFIX.length(); i++) {
            text[i] = (byte) PREFIX.charAt(i);
        }
        for (int i = 0; i < 32; i++) {
            int b = bits[off + i] & 0xFF;
            text[PREFIX.length() + 2 * i] = HEX_DIGITS[b >>> 4];
            text[PREFIX.length() + 2 * i + 1] = HEX_DIGITS[b & 0xF];
        }
        String digest = new String(text, StandardCharsets.ISO_8859_1);
        slots[slot] = digest;
        return digest;
    }

    private static boolean sameDigest(String cached, byte[] bits, int off) {
        for (int i = 0; i < 32; i++) {
            int b = bits[off + i] & 0xFF;
            int at = PREFIX.length() + 2 * i;
            if (cached.charAt(at) != HEX_DIGITS[b >>> 4] || cached.charAt(at + 1) != HEX_DIGITS[b & 0xF]) {
                return false;
            }
        }
        return true;
    }
}
