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
 * @param ephemeralContainers a pod's spec.ephemeralContainers (oc does not read them; empty for other kinds)
 */
public record Referrer(ReferrerKind kind, String namespace, String name, Instant created, String phase,
                       List<Container> containers, BuildSource buildSource, List<Container> ephemeralContainers) {
    public Referrer {
        Objects.requireNonNull(kind, "kind");
        namespace = namespace == null ? "" : namespace;
        Objects.requireNonNull(name, "name");
        created = Times.orZero(created);
        phase = phase == null ? "" : phase;
        containers = containers == null ? List.of() : List.copyOf(containers);
        ephemeralContainers = ephemeralContainers == null ? List.of() : List.copyOf(ephemeralContainers);
    }

    /** A referrer as oc reads it, without ephemeral containers. */
    public Referrer(ReferrerKind kind, String namespace, String name, Instant created, String phase,
                    List<Container> containers, BuildSource buildSource) {
        this(kind, namespace, name, created, phase, containers, buildSource, List.of());
    }

    /** {@code <Kind>/<namespace>/<name>}, the object's identity everywhere in imageprune. */
    public String key() {
        return kind.kind() + "/" + namespace + "/" + name;
    }
}
