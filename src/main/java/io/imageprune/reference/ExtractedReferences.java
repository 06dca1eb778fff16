package io.imageprune.reference;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one referrer's image strings mean to the pruner. Immutable.
 *
 * @param refs          the stream references, in the order they occur (init containers, then containers, or the build
 *                      source); a reference occurring twice (two containers, same image) is listed twice
 * @param errors        the invalid-reference messages in spec §4.4 format, in collection order
 * @param pinnedDigests the digest of every container image / DockerImage build source that parses and has one
 *                      (whatever its shape), and the id of a well-formed ImageStreamImage build source; as written,
 *                      in first-occurrence order (for the "workload-pinned images are never deleted" safety rule)
 */
public record ExtractedReferences(List<ImageRef> refs, List<String> errors, Set<String> pinnedDigests) {

    public static final ExtractedReferences EMPTY = new ExtractedReferences(List.of(), List.of(), Set.of());

    public ExtractedReferences {
        refs = List.copyOf(refs);
        errors = List.copyOf(errors);
        pinnedDigests = pinnedDigests.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(new LinkedHashSet<>(pinnedDigests));
    }

    public boolean hasErrors() {
        return !errors.isEmpty();
    }

    public boolean isEmpty() {
        return refs.isEmpty() && errors.isEmpty() && pinnedDigests.isEmpty();
    }
}
