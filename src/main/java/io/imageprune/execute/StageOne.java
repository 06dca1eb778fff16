package io.imageprune.execute;

import io.imageprune.model.ImageStream;
import io.imageprune.policy.RemovedRevision;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What stage 1 leaves for stage 2 (algorithm §7.1): per stream whose write succeeded its written copy and the revisions
 * it lost, per stream that was gone null. A stream whose write failed, was saved or deferred has no entry: stage 2 sees
 * it as listed, so it keeps protecting its images. Thread-safe.
 */
public final class StageOne {
    private final Map<String, ImageStream> streams = new HashMap<>();
    private final Map<String, List<RemovedRevision>> removed = new ConcurrentHashMap<>();

    synchronized void written(String repo, ImageStream pruned, List<RemovedRevision> revisions) {
        streams.put(repo, pruned);
        removed.put(repo, List.copyOf(revisions));
    }

    synchronized void gone(String repo) {
        streams.put(repo, null);
    }

    /** The streams stage 2 plans with instead of the listed ones (null: the stream is gone). */
    public synchronized Map<String, ImageStream> overrides() {
        return new HashMap<>(streams);
    }

    /**
     * Revisions each written stream lost: the graph may not show the write yet (safety rule 4). A live view, read by
     * the last-moment checks while stage 1 still runs.
     */
    public Map<String, List<RemovedRevision>> removedByRun() {
        return removed;
    }

    /** The images whose revisions the run removed: stage 2 of a targeted pass looks at them too. */
    public Set<String> releasedImages() {
        Set<String> images = new HashSet<>();
        removed.values().forEach(revisions -> revisions.forEach(r -> images.add(r.image())));
        return images;
    }
}
