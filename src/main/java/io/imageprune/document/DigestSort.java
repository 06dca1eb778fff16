package io.imageprune.document;

import java.util.Arrays;
import java.util.List;

/**
 * Sorts strings in their natural order, fast when they are {@code sha256:} digests: a plan's 300,000 blob digests
 * sorted as strings cost a comparison of two strings on the heap each, most of the document's time. Each digest's
 * first nine hex digits (36 bits, in the same order as the text) go into a {@code long} with the digest's index below
 * them, the longs are sorted as primitives, and digests whose nine digits are equal are then ordered as strings among
 * themselves. Anything else (another algorithm, upper case, a short string) is sorted as strings: same order.
 */
final class DigestSort {
    private static final String PREFIX = "sha256:";
    private static final int KEY_DIGITS = 9;
    private static final int INDEX_BITS = 24;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

    private DigestSort() {
    }

    static String[] sorted(List<String> values) {
        String[] strings = values.toArray(String[]::new);
        long[] keyed = strings.length <= INDEX_MASK + 1 ? keys(strings) : null;
        if (keyed == null) {
            Arrays.sort(strings);
            return strings;
        }
        Arrays.sort(keyed);
        String[] sorted = new String[strings.length];
        for (int i = 0; i < keyed.length; i++) {
            sorted[i] = strings[(int) (keyed[i] & INDEX_MASK)];
        }
        // equal leading digits: the index is not the order, the whole digest is
        int run = 0;
        for (int i = 1; i <= keyed.length; i++) {
            if (i == keyed.length || (keyed[i] >>> INDEX_BITS) != (keyed[run] >>> INDEX_BITS)) {
                if (i - run > 1) {
                    Arrays.sort(sorted, run, i);
                }
                run = i;
            }
        }
        return sorted;
    }

    /** Each string's leading digits above its index; null when one is not a digest the key orders. */
    private static long[] keys(String[] strings) {
        long[] keyed = new long[strings.length];
        for (int i = 0; i < strings.length; i++) {
            long digits = leadingDigits(strings[i]);
            if (digits < 0) {
                return null;
            }
            // 36 bits of digits above 24 of index: the sign bit stays clear, so the longs' order is the digits'
            keyed[i] = digits << INDEX_BITS | i;
        }
        return keyed;
    }

    /** The value of the first nine hex digits after {@code sha256:}, or -1 when the string is not such a digest. */
    private static long leadingDigits(String value) {
        if (value.length() < PREFIX.length() + KEY_DIGITS || !value.startsWith(PREFIX)) {
            return -1;
        }
        long digits = 0;
        for (int i = PREFIX.length(); i < PREFIX.length() + KEY_DIGITS; i++) {
            char c = value.charAt(i);
            int digit;
            if (c >= '0' && c <= '9') {
                digit = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                digit = c - 'a' + 10;
            } else {
                return -1;
            }
            digits = digits << 4 | digit;
        }
        return digits;
    }
}
