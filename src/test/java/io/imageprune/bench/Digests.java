package io.imageprune.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** sha256 digests that look real and never repeat: the hash of the seed, a label and a running number. */
final class Digests {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final long seed;
    private final MessageDigest sha256;
    private long next;

    Digests(long seed) {
        this.seed = seed;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    String next(String label) {
        return "sha256:" + hex(seed + "/" + label + "/" + ++next);
    }

    /** the digest of a layer, a function of its number */
    String layer(int number) {
        return number == LayerTable.EMPTY ? LayerTable.EMPTY_DIGEST : "sha256:" + hex(seed + "/layer/" + number);
    }

    private String hex(String text) {
        byte[] hash = sha256.digest(text.getBytes(StandardCharsets.US_ASCII));
        char[] hex = new char[hash.length * 2];
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[hash[i] & 0xf];
        }
        return new String(hex);
    }
}
