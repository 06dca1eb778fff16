package io.imageprune.service;

import io.imageprune.ingest.WatchedKind;
import io.imageprune.referrers.BuiltinReferrers;
import io.imageprune.referrers.ReferrerKindSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every Kubernetes API permission the service needs, and nothing more: the single source of truth that the RBAC rules
 * of {@code k8s/} are checked against (ManifestsTest). One {@link Rule} per API resource; a resource the code reaches
 * from several places (image streams: watched and pruned) has the union of their verbs.
 */
public final class ApiAccess {
    private ApiAccess() {
    }

    /**
     * One resource of one API group ({@code ""}: core) and the verbs allowed on it; {@code namespaced} rules are
     * granted by a Role in the service's own namespace, the others cluster-wide by a ClusterRole.
     */
    public record Rule(String group, String resource, List<String> verbs, boolean namespaced) {
        public Rule {
            verbs = List.copyOf(verbs);
        }
    }

    /** The ingest lists and watches every {@link WatchedKind} (fabric8 informers). */
    static final List<String> WATCH = List.of("list", "watch");

    /** Prune (ClusterWrites): read a stream, write its status, delete an image. */
    static final List<Rule> PRUNE = List.of(
            new Rule("image.openshift.io", "imagestreams", List.of("get"), false),
            new Rule("image.openshift.io", "imagestreams/status", List.of("update"), false),
            new Rule("image.openshift.io", "images", List.of("delete"), false));

    /** Leader election: a coordination.k8s.io Lease in the service's own namespace (fabric8 renews it with a PATCH). */
    static final Rule LEASES = new Rule("coordination.k8s.io", "leases", List.of("get", "create", "patch"), true);

    /** Authentication of POST /api/v1/runs: the caller's token, then its permission. */
    static final List<Rule> REVIEWS = List.of(
            new Rule("authentication.k8s.io", "tokenreviews", List.of("create"), false),
            new Rule("authorization.k8s.io", "subjectaccessreviews", List.of("create"), false));

    /** The image registry operator's ImagePruner {@code cluster}, read as configuration. */
    static final Rule IMAGE_PRUNERS = new Rule("imageregistry.operator.openshift.io", "imagepruners",
            List.of("get", "list", "watch"), false);

    /** The cluster's image config {@code cluster}: its internal registry, in the ImagePruner drop-in. */
    static final Rule IMAGE_CONFIGS = new Rule("config.openshift.io", "images", List.of("get", "list", "watch"), false);

    /** Every rule, merged per (group, resource, namespaced); verbs in the order first seen. */
    public static final List<Rule> ALL = merge();

    /** The rules of the ClusterRole. */
    public static List<Rule> clusterWide() {
        return ALL.stream().filter(rule -> !rule.namespaced()).toList();
    }

    /** The rules of the Role in the service's own namespace. */
    public static List<Rule> inOwnNamespace() {
        return ALL.stream().filter(Rule::namespaced).toList();
    }

    private static List<Rule> merge() {
        List<Rule> rules = new ArrayList<>();
        for (WatchedKind kind : WatchedKind.ALL) {
            rules.add(new Rule(kind.group(), kind.plural(), WATCH, false));
        }
        // the built-in custom resource referrers; an admin's own kinds need their own grant
        for (ReferrerKindSpec kind : BuiltinReferrers.ALL) {
            rules.add(new Rule(kind.group(), kind.plural(), WATCH, false));
        }
        rules.addAll(PRUNE);
        rules.add(LEASES);
        rules.addAll(REVIEWS);
        rules.add(IMAGE_PRUNERS);
        rules.add(IMAGE_CONFIGS);

        Map<List<Object>, Set<String>> verbs = new LinkedHashMap<>();
        for (Rule rule : rules) {
            verbs.computeIfAbsent(List.of(rule.group(), rule.resource(), rule.namespaced()),
                    k -> new LinkedHashSet<>()).addAll(rule.verbs());
        }
        List<Rule> merged = new ArrayList<>();
        verbs.forEach((key, v) -> merged.add(
                new Rule((String) key.get(0), (String) key.get(1), List.copyOf(v), (Boolean) key.get(2))));
        return List.copyOf(merged);
    }
}
