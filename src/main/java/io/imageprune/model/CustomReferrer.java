package io.imageprune.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A custom resource that holds images (a Knative Service, an Argo Rollout, a Tekton run, ...): its identity and the
 * image strings its configured JSONPath expressions yield.
 *
 * @param kind       the API kind, e.g. {@code Rollout}; the graph and the state topic key it as {@code <kind>/<ns>/<name>}
 * @param group      the API group, e.g. {@code argoproj.io}
 * @param namespace  "" for a cluster-scoped kind
 * @param finished   for a kind that counts as a pod counts (a run): when it finished, or null while it has not
 *                   (then it always counts); always null for a kind that counts as a workload template
 * @param runLike    whether it counts as a pod counts (while not finished, or finished after the threshold)
 * @param references the image strings, each with the path it was found at
 */
public record CustomReferrer(String kind, String group, String namespace, String name, boolean runLike,
                             Instant finished, List<Reference> references) {

    /** One image string and where in the object it was found ({@code spec.template.spec.containers[0].image}). */
    public record Reference(String path, String image) {
        public Reference {
            path = path == null ? "" : path;
            image = image == null ? "" : image;
        }
    }

    public CustomReferrer {
        Objects.requireNonNull(kind, "kind");
        group = group == null ? "" : group;
        namespace = namespace == null ? "" : namespace;
        Objects.requireNonNull(name, "name");
        references = references == null ? List.of() : List.copyOf(references);
    }

    public String key() {
        return kind + "/" + namespace + "/" + name;
    }

    /** {@code Rollout shop/web}, or {@code MachineOSBuild worker-1} for a cluster-scoped kind. */
    public String describe() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
