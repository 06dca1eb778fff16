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

    static boolean canonical(String s) {
        if (s.length() != LENGTH || !s.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Writes the 32 bytes of a {@link #canonical} digest at {@code out[off]}. */
    static void toBits(String digest, byte[] out, int off) {
        for (int i = 0; i < 32; i++) {
            int at = PREFIX.length() + 2 * i;
            out[off + i] = (byte) (nibble(digest.charAt(at)) << 4 | nibble(digest.charAt(at + 1)));
        }
    }

    private static int nibble(char c) {
        return c <= '9' ? c - '0' : c - 'a' + 10;
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
