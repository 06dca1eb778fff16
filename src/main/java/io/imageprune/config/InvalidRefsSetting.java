package io.imageprune.config;

import io.imageprune.options.OptionValues;
import io.imageprune.options.InvalidReferenceMode;

/**
 * The configured invalid-reference mode: {@code imageprune.plan.invalid-refs}, or its old form
 * {@code imageprune.plan.ignore-invalid-refs=true}, read by the one option parser (a value that is not stop, contain
 * or ignore, or the two keys disagreeing, stops the start through {@link io.imageprune.service.SafetySettings}).
 */
public final class InvalidRefsSetting {
    public static final String KEY = "imageprune.plan.invalid-refs";
    static final String ALIAS = "imageprune.plan.ignore-invalid-refs";

    private InvalidRefsSetting() {
    }

    /**
     * @throws io.imageprune.options.InvalidOptionException naming the key for a bad value or a contradiction
     */
    public static InvalidReferenceMode of(ImagePruneConfig.Plan plan) {
        InvalidReferenceMode mode = plan.invalidRefs().map(value -> OptionValues.invalidRefs(KEY, value)).orElse(null);
        // false is the alias's default, so only true says something
        InvalidReferenceMode resolved = OptionValues.invalidRefs(KEY, mode, ALIAS,
                plan.ignoreInvalidRefs() ? Boolean.TRUE : null);
        return resolved == null ? InvalidReferenceMode.STOP : resolved;
    }
}
