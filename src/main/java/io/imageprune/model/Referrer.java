package io.imageprune.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An object that may reference images: a pod, a workload with a pod template, a build or a build config.
 *
 * @param phase       a pod's status.phase ("" for everything else)
 * @param containers  init containers first, then regular containers, in spec order (empty for builds)
 * @param buildSource the strategy's input image (null when there is none, and for non-builds)
 */
public record Referrer(ReferrerKind kind, String namespace, String name, Instant created, String phase,
                       List<Container> containers, BuildSource buildSource) {
    public Referrer {
        Objects.requireNonNull(kind, "kind");
        namespace = namespace == null ? "" : namespace;
        Objects.requireNonNull(name, "name");
        created = Times.orZero(created);
        phase = phase == null ? "" : phase;
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** {@code <Kind>/<namespace>/<name>}, the object's identity everywhere in imageprune. */
    public String key() {
        return kind.kind() + "/" + namespace + "/" + name;
    }
}
