package io.imageprune.projection;

/**
 * A projection key or value that cannot be produced or read: a malformed key, an unknown kind, an unsupported schema
 * version, malformed JSON, a missing required field, a field of the wrong type, or a value whose object does not
 * belong under its record key. The message always says which of these it is.
 */
public class ProjectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProjectionException(String message) {
        super(message);
    }

    public ProjectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
