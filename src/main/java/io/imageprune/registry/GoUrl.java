package io.imageprune.registry;

import io.imageprune.reference.GoQuote;

/**
 * The part of Go's {@code net/url.Parse} that oc's registry code depends on: scheme, host, path and query of an
 * absolute URL, with the same acceptance rules, so that {@code --registry-url} values are accepted or refused as oc
 * does. {@link java.net.URI} differs in too many places (empty hosts, {@code :port} without host, bracket handling).
 *
 * @param scheme   lower-cased scheme, "" when absent
 * @param host     host with optional {@code :port}, brackets kept for IPv6 literals
 * @param path     decoded path
 * @param rawQuery text after the first {@code ?}
 */
record GoUrl(String scheme, String host, String path, String rawQuery) {

    /** @throws IllegalArgumentException with Go's text, {@code parse "<url>": <cause>} */
    static GoUrl parse(String raw) {
        try {
            return parseUnwrapped(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parse " + GoQuote.quote(raw) + ": " + e.getMessage(), e);
        }
    }

    private static GoUrl parseUnwrapped(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("net/url: invalid control character in URL");
            }
        }
        int hash = raw.indexOf('#');
        String rest = hash >= 0 ? raw.substring(0, hash) : raw;
        String scheme = "";
        int colon = schemeEnd(rest);
        if (colon == 0) {
            throw new IllegalArgumentException("missing protocol scheme");
        }
        if (colon > 0) {
            scheme = rest.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            rest = rest.substring(colon + 1);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (!rest.startsWith("/")) {
            if (!scheme.isEmpty()) {
                return new GoUrl(scheme, "", "", query); // opaque: "scheme:opaque"
            }
            int slash = rest.indexOf('/');
            String segment = slash >= 0 ? rest.substring(0, slash) : rest;
            if (segment.indexOf(':') >= 0) {
                throw new IllegalArgumentException("first path segment in URL cannot contain colon");
            }
        }
        String host = "";
        if (rest.startsWith("//") && (!scheme.isEmpty() || !rest.startsWith("///"))) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            rest = slash >= 0 ? authority.substring(slash) : "";
            authority = slash >= 0 ? authority.substring(0, slash) : authority;
            int at = authority.lastIndexOf('@');
            host = parseHost(at >= 0 ? authority.substring(at + 1) : authority);
        }
        return new GoUrl(scheme, host, unescape(rest, false), query);
    }

    /** Index of the colon ending a valid scheme, -1 when there is none, 0 when the string starts with a colon. */
    private static int schemeEnd(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                continue;
            }
            if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    return -1;
                }
                continue;
            }
            return c == ':' ? i : -1;
        }
        return -1;
    }

    private static String parseHost(String host) {
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in host");
            }
            String colonPort = host.substring(close + 1);
            if (!validOptionalPort(colonPort)) {
                throw new IllegalArgumentException("invalid port " + GoQuote.quote(colonPort) + " after host");
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
                throw new IllegalArgumentException(
                        "invalid port " + GoQuote.quote(host.substring(colon)) + " after host");
            }
        }
        return unescape(host, true);
    }

    private static boolean validOptionalPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String unescape(String s, boolean hostMode) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    String bad = s.substring(i, Math.min(s.length(), i + 3));
                    throw new IllegalArgumentException("invalid URL escape " + GoQuote.quote(bad));
                }
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                if (hostMode && c < 0x80 && !allowedInHost(c)) {
                    throw new IllegalArgumentException(
                            "invalid character " + GoQuote.quote(String.valueOf(c)) + " in host name");
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Go's {@code shouldEscape(c, encodeHost) == false}. */
    private static boolean allowedInHost(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "-_.~!$&'()*+,;=:[]<>\"".indexOf(c) >= 0;
    }
}
