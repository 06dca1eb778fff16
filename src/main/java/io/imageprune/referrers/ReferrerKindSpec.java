package io.imageprune.referrers;

import java.util.List;
import java.util.Objects;

/**
 * One kind of custom resource that holds images: which API group and kind, which JSONPath expressions yield its image
 * references, and how it counts.
 *
 * @param group        the API group, e.g. {@code argoproj.io} ("" for the core group)
 * @param version      the API version served, e.g. {@code v1alpha1} (what the service watches)
 * @param kind         e.g. {@code Rollout}
 * @param plural       the resource name, e.g. {@code rollouts} (RBAC and the watch)
 * @param clusterScoped whether the kind lives outside namespaces (MachineOSBuild)
 * @param paths        the JSONPath expressions whose string values are image references
 * @param finished     for a kind that counts as a pod counts (a run): the JSONPath of its completion time; it counts
 *                     while absent, and afterwards while younger than keep-younger-than. Null: counts always, as a
 *                     workload template does
 */
public record ReferrerKindSpec(String group, String version, String kind, String plural, boolean clusterScoped,
                               List<JsonPath> paths, JsonPath finished) {
    public ReferrerKindSpec {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        paths = List.copyOf(paths);
    }

    /** {@code Rollout.argoproj.io}: how the configuration names the kind (to switch it off). */
    public String id() {
        return group.isEmpty() ? kind : kind + "." + group;
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public boolean runLike() {
        return finished != null;
    }
}
