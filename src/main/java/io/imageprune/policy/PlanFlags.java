package io.imageprune.policy;

import io.imageprune.options.InvalidReferenceMode;

import java.time.Duration;
import java.time.Instant;

/**
 * The options of {@code oc adm prune images} as a user gave them: null means "not given". {@link #resolve} applies
 * oc's completion and validation rules (algorithm §1), so the command line and the REST API decide alike.
 */
public record PlanFlags(Integer keepTagRevisions, Duration keepYoungerThan, Boolean pruneOverSizeLimit,
                        Boolean allImages, Boolean pruneRegistry, String namespace,
                        InvalidReferenceMode invalidRefs, Boolean keepPinnedImages) {

    /** The values used for flags that were not given (oc's defaults, or the service's configuration). */
    public record Defaults(int keepTagRevisions, Duration keepYoungerThan, boolean allImages, boolean pruneRegistry,
                           InvalidReferenceMode invalidRefs, boolean keepPinnedImages) {
        public static final Defaults OC = new Defaults(3, Duration.ofMinutes(60), true, true,
                InvalidReferenceMode.STOP, true);
    }

    /** A flag combination oc rejects; the message is oc's. */
    public static final class InvalidFlagsException extends IllegalArgumentException {
        private final String flag;

        public InvalidFlagsException(String flag, String message) {
            super(message);
            this.flag = flag;
        }

        /** The flag the message is about, without dashes: {@code keep-tag-revisions}. */
        public String flag() {
            return flag;
        }
    }

    public PruneOptions resolve(Instant now, Defaults defaults) {
        boolean sizeMode = pruneOverSizeLimit != null;
        if (sizeMode && (keepTagRevisions != null || keepYoungerThan != null)) {
            throw new InvalidFlagsException("prune-over-size-limit",
                    "--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than");
        }
        if (keepYoungerThan != null && keepYoungerThan.isNegative()) {
            throw new InvalidFlagsException("keep-younger-than", "--keep-younger-than must be greater than or equal to 0");
        }
        if (keepTagRevisions != null && keepTagRevisions < 0) {
            throw new InvalidFlagsException("keep-tag-revisions", "--keep-tag-revisions must be greater than or equal to 0");
        }
        // Giving --prune-over-size-limit (even =false) unsets the two age/count options (algorithm §1).
        return PruneOptions.library(now,
                sizeMode ? null : orDefault(keepYoungerThan, defaults.keepYoungerThan()),
                sizeMode ? null : orDefault(keepTagRevisions, defaults.keepTagRevisions()),
                pruneOverSizeLimit,
                orDefault(allImages, defaults.allImages()),
                orDefault(pruneRegistry, defaults.pruneRegistry()),
                namespace,
                false,
                orDefault(keepPinnedImages, defaults.keepPinnedImages()))
                .withInvalidRefs(orDefault(invalidRefs, defaults.invalidRefs()));
    }

    private static <T> T orDefault(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
