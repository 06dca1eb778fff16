package io.imageprune.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * When oc allows plain HTTP or unverified TLS to the registry (algorithm §3 step 2), including library-go's
 * {@code IsPrivateAddress} with its exact edge cases.
 */
public final class InsecureHosts {
    private static final String[] LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"};
    // {network bytes, prefix length}; 127/8 is deliberately absent: only the exact 127.0.0.1 counts, as in library-go
    private static final byte[][] SUBNETS = {
            {10, 0, 0, 0}, {(byte) 172, 16, 0, 0}, {(byte) 192, (byte) 168, 0, 0},
            {(byte) 0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
    private static final int[] PREFIXES = {8, 12, 16, 7, 10};

    private InsecureHosts() {
    }

    /**
     * oc's decision: {@code --force-insecure}; or, without a CA bundle, a kubeconfig that allows insecure TLS (never the
     * case for a service account), a private host, or a host string starting with {@code http://}.
     */
    public static boolean insecure(String host, boolean forceInsecure, boolean caBundleGiven) {
        if (forceInsecure) {
            return true;
        }
        return !caBundleGiven && (isPrivate(host) || host.startsWith("http://"));
    }

    /**
     * {@code <host>[:<port>]} is localhost, 127.0.0.1, ::1, or an IP literal in 10/8, 172.16/12, 192.168/16, fc00::/7 or
     * fe80::/10. Like Go's {@code net.SplitHostPort}, brackets are only understood together with a port: {@code [::1]}
     * alone is not private, while {@code [::1]:5000} and {@code ::1} are.
     */
    public static boolean isPrivate(String addr) {
        String host = splitHost(addr);
        if (host == null) {
            host = addr;
        }
        for (String local : LOCAL_HOSTS) {
            if (local.equals(host)) {
                return true;
            }
        }
        byte[] ip = parseIp(host);
        if (ip == null) {
            return false;
        }
        for (int i = 0; i < SUBNETS.length; i++) {
            if (SUBNETS[i].length == ip.length && matches(ip, SUBNETS[i], PREFIXES[i])) {
                return true;
            }
        }
        return false;
    }

    /** The host of Go's {@code net.SplitHostPort}, or null where Go returns an error. */
    static String splitHost(String hostport) {
        int colon = hostport.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host;
        int afterOpen = 0;
        int afterClose = 0;
        if (hostport.charAt(0) == '[') {
            int close = hostport.indexOf(']');
            if (close < 0 || close + 1 != colon) {
                return null;
            }
            host = hostport.substring(1, close);
            afterOpen = 1;
            afterClose = close + 1;
        } else {
            host = hostport.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                return null;
            }
        }
        if (hostport.indexOf('[', afterOpen) >= 0 || hostport.indexOf(']', afterClose) >= 0) {
            return null;
        }
        return host;
    }

    /** Go's {@code net.ParseIP} without name resolution: 4 bytes for dotted quads, 16 (or 4 if v4-mapped) for IPv6. */
    static byte[] parseIp(String s) {
        if (s.indexOf(':') < 0) {
            return parseIpv4(s);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                    || c == '.';
            if (!ok) {
                return null; // zones, brackets, names: Go's ParseIP refuses them, and InetAddress must not resolve
            }
        }
        try {
            // brackets make the JDK treat the text as an IPv6 literal and never fall back to a name lookup
            return InetAddress.getByName("[" + s + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            ip[i] = (byte) v;
        }
        return ip;
    }

    private static boolean matches(byte[] ip, byte[] net, int prefix) {
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((ip[bit / 8] & mask) != (net[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
