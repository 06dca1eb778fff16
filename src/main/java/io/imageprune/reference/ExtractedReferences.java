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
 * @param invalid       the references that do not parse, in collection order (their messages: {@link #errors()})
 * @param pinnedDigests the digest of every container image / DockerImage build source that parses and has one
 *                      (whatever its shape), and the id of a well-formed ImageStreamImage build source; as written,
 *                      in first-occurrence order (for the "workload-pinned images are never deleted" safety rule)
 */
public record ExtractedReferences(List<ImageRef> refs, List<InvalidReference> invalid, Set<String> pinnedDigests) {

    public static final ExtractedReferences EMPTY = new ExtractedReferences(List.of(), List.of(), Set.of());

    public ExtractedReferences {
        refs = List.copyOf(refs);
        invalid = List.copyOf(invalid);
        pinnedDigests = pinnedDigests.isEmpty()
                ? Set.of()
                : Collections.unmodifiableSet(new LinkedHashSet<>(pinnedDigests));
    }

    /** The invalid-reference messages in algorithm §4.4 format, in collection order. */
    public List<String> errors() {
        return invalid.isEmpty() ? List.of() : invalid.stream().map(InvalidReference::message).toList();
    }

    public boolean hasErrors() {
        return !invalid.isEmpty();
    }

    public boolean isEmpty() {
        return refs.isEmpty() && invalid.isEmpty() && pinnedDigests.isEmpty();
    }
}
