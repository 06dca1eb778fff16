package io.imageprune.reference;

import java.util.Objects;

/**
 * The parts of a successfully parsed pull spec, as library-go's {@code reference.Parse} returns them (algorithm §4.2).
 * Absent parts are empty strings, never null.
 *
 * @param registry  the registry host (with port), or the whole reference for a registry-only spec
 *                  such as {@code example.com} or {@code localhost:5000}
 * @param namespace the first path component when the (registry-less) name has a {@code /}
 * @param name      the rest of the name (may itself contain {@code /}, e.g. {@code b/c/d/e})
 * @param tag       the tag as written, without defaulting to {@code latest}
 * @param id        the digest exactly as written ({@code sha256:ABC…} keeps its case)
 */
public record ParsedReference(String registry, String namespace, String name, String tag, String id) {
    public ParsedReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(id, "id");
    }

    /** Whether the reference carries a digest. */
    public boolean hasId() {
        return !id.isEmpty();
    }

    /**
     * Whether the reference has exactly the {@code host/namespace/name} shape that the pruner understands (algorithm
     * §4.3): a registry, a namespace, and a name without {@code /}.
     */
    public boolean isHostNamespaceName() {
        return !registry.isEmpty() && !namespace.isEmpty() && name.indexOf('/') < 0;
    }
}
