package io.imageprune.snapshot;

/**
 * A snapshot could not be read: the file is unreadable, is not a Kubernetes List, is not valid JSON/YAML, or one of
 * its items is malformed. The message says where (item index, kind and name when known, field path, or line and
 * column for syntax errors).
 */
public class SnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
