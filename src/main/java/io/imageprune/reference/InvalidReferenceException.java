package io.imageprune.reference;

/**
 * A pull spec (or image stream tag / image name) that does not parse. The message is the cause text alone, exactly
 * as the Go implementation prints it, e.g. {@code invalid reference format}.
 *
 * <p>No stack trace is captured: parsing runs over very many strings and failures are ordinary data.
 */
public final class InvalidReferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidReferenceException(String message) {
        super(message, null, false, false);
    }
}
