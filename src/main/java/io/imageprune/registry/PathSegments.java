package io.imageprune.registry;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of URL path segments (RFC 3986): what the registry client applies to every repository component
 * and digest before it becomes part of a request path, so no value can add a segment, a query or a fragment.
 * Unreserved characters and the {@code : + =} that digests carry stay as they are; everything else, {@code /},
 * {@code %}, {@code ?} and {@code #} included, is encoded as UTF-8 bytes.
 */
public final class PathSegments {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathSegments() {
    }

    /** One path segment: a '/' in it is encoded too. */
    public static String encode(String segment) {
        int i = 0;
        while (i < segment.length() && plain(segment.charAt(i))) {
            i++;
        }
        if (i == segment.length()) {
            return segment;
        }
        StringBuilder b = new StringBuilder(segment.length() + 16).append(segment, 0, i);
        for (byte octet : segment.substring(i).getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (octet & 0xff);
            if (plain(c)) {
                b.append(c);
            } else {
                b.append('%').append(HEX[(octet >> 4) & 0xf]).append(HEX[octet & 0xf]);
            }
        }
        return b.toString();
    }

    /** A path of segments joined by '/' (a repository): each segment encoded, the slashes between them kept. */
    public static String encodePath(String path) {
        String[] segments = path.split("/", -1);
        StringBuilder b = new StringBuilder(path.length() + 8);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(encode(segments[i]));
        }
        return b.toString();
    }

    private static boolean plain(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '+' || c == '=';
    }
}
