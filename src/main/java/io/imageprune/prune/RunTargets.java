package io.imageprune.prune;

import java.util.HashSet;
import java.util.Set;

/**
 * What a run looks at: everything (a full run), or the streams and images a targeted pass was asked about.
 *
 * @param streams repositories {@code <ns>/<name>}, null for all
 * @param images  image names, null for all
 */
public record RunTargets(Set<String> streams, Set<String> images) {
    public static final RunTargets ALL = new RunTargets(null, null);

    public RunTargets {
        streams = streams == null ? null : Set.copyOf(streams);
        images = images == null ? null : Set.copyOf(images);
    }

    public boolean full() {
        return streams == null && images == null;
    }

    /** The images stage 2 looks at: the targets plus those the stage-1 plans took revisions from. */
    public Set<String> imagesWith(Set<String> releasedByStage1) {
        if (images == null && streams == null) {
            return null;
        }
        Set<String> all = new HashSet<>(releasedByStage1);
        if (images != null) {
            all.addAll(images);
        }
        return all;
    }

    public String describe() {
        return full() ? "all streams and images"
                : (streams == null ? 0 : streams.size()) + " stream(s), " + (images == null ? 0 : images.size())
                + " image(s)";
    }
}
