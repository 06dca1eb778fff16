package io.imageprune.options;

import java.util.Locale;

/**
 * What a run does when a counted referrer holds a reference that does not parse, or an image or stream carries an
 * identity that must not reach a URL ({@code --invalid-refs}, {@code imageprune.plan.invalid-refs}).
 */
public enum InvalidReferenceMode {
    /** oc's default: nothing is pruned while any exists. */
    STOP,
    /**
     * Everything else is pruned; what the bad reference could name is kept ({@link io.imageprune.policy.InvalidReferenceContainment}); an
     * object with an invalid identity is left alone with everything it names, as with {@link #IGNORE}.
     */
    CONTAIN,
    /** oc's {@code --ignore-invalid-refs}: the reference is skipped as if absent. */
    IGNORE;

    /** The option value: {@code stop}, {@code contain}, {@code ignore}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
