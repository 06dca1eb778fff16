package io.imageprune.model;

import java.time.Instant;

/** Time conventions shared with the Kubernetes API: an absent timestamp is Go's zero time, older than anything. */
public final class Times {
    /** Go's zero {@code time.Time} (year 1), which is how an empty creationTimestamp compares. */
    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private Times() {
    }

    public static Instant orZero(Instant t) {
        return t == null ? ZERO : t;
    }

    public static boolean isZero(Instant t) {
        return t == null || ZERO.equals(t);
    }
}
