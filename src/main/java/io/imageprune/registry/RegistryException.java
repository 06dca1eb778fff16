package io.imageprune.registry;

import java.util.List;

/**
 * A registry call that did not succeed. The message follows oc: the status line ("503 Service Unavailable"), the
 * registry's error list, or the transport error's own text.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final int status;
    private final transient List<RegistryError> errors;

    public RegistryException(String message, boolean retryable, int status, List<RegistryError> errors,
                             Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A transport-level failure: no HTTP answer. */
    public static RegistryException transport(String message, boolean retryable, Throwable cause) {
        return new RegistryException(message, retryable, 0, List.of(), cause);
    }

    /** Worth another attempt: a 5xx answer, a timeout, or a broken connection. */
    public boolean retryable() {
        return retryable;
    }

    /** The HTTP status, 0 when the registry gave no answer. */
    public int status() {
        return status;
    }

    /** The errors the registry listed in an unexpected 2xx/3xx answer; empty otherwise. */
    public List<RegistryError> errors() {
        return errors;
    }
}
