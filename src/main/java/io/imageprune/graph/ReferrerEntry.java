package io.imageprune.graph;

import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.reference.ExtractedReferences;

import java.time.Instant;

/** A referrer as the graph keeps it: the object and what its image strings mean to the pruner, parsed once. */
public record ReferrerEntry(Referrer referrer, ExtractedReferences references) {

    /**
     * Whether this referrer counts whatever the threshold: everything but pods, and pods that are Running or Pending.
     * Other pods count only while young (algorithm §5.3), see {@link #counts(Instant)}.
     */
    public boolean alwaysCounted() {
        if (referrer.kind() != ReferrerKind.POD) {
            return true;
        }
        String phase = referrer.phase();
        return "Running".equals(phase) || "Pending".equals(phase);
    }

    /** Whether oc would read this referrer's references for a run with the given keep-younger-than threshold. */
    public boolean counts(Instant threshold) {
        return alwaysCounted() || !referrer.created().isBefore(threshold);
    }
}
