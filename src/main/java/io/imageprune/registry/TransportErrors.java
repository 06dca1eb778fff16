package io.imageprune.registry;

import jakarta.ws.rs.ProcessingException;

import javax.net.ssl.SSLException;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** Turns what the HTTP stack throws into a {@link RegistryException} whose message is the underlying error's text. */
final class TransportErrors {
    /** Go's phrase, which oc tests for to add its --force-insecure hint. */
    static final String HTTP_TO_HTTPS = "server gave HTTP response to HTTPS client";
    private static final String HTTP_HEX = HexFormat.of().formatHex("HTTP/".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private static final Pattern UNREACHABLE = Pattern.compile("(?:operation|connection) timed out|no such host",
            Pattern.CASE_INSENSITIVE);

    private TransportErrors() {
    }

    static RegistryException map(Throwable failure) {
        if (failure instanceof RegistryException r) {
            return r;
        }
        Throwable cause = unwrap(failure);
        // TLS and certificate problems do not heal by trying again; everything else at this level may
        boolean retryable = !(cause instanceof SSLException) || isTimeout(cause);
        return RegistryException.transport(text(cause), retryable, cause);
    }

    /** The error looks like a timeout or an unknown host, the case where oc suggests a reachable --registry-url. */
    static boolean unreachable(RegistryException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (isTimeout(t) || t instanceof UnknownHostException
                    || (t.getMessage() != null && UNREACHABLE.matcher(t.getMessage()).find())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ProcessingException || t instanceof CompletionException
                || t instanceof ExecutionException) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout");
    }

    private static String text(Throwable t) {
        // Netty's report of a plain-HTTP answer to a TLS hello, possibly under Vert.x's "Failed to create SSL
        // connection": say it in Go's words so that oc's --force-insecure hint applies
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.startsWith("not an SSL/TLS record: " + HTTP_HEX)) {
                return HTTP_TO_HTTPS;
            }
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
