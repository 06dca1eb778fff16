package io.imageprune.policy;

import io.imageprune.model.NamespaceScope;

/**
 * What a run leaves out when the graph does not cover every namespace (oc's namespace mode, algorithm §9,
 * generalised to a set of namespaces): an image that only a workload outside the scope uses looks unreferenced, so
 * stage 2 is skipped and stage 1 prunes only the streams of the covered namespaces; an unknown scope covers none.
 */
public final class PartialGraph {
    private PartialGraph() {
    }

    /**
     * Why runs on a graph of this scope are limited ("stage 2 skipped: the graph covers namespace a only; …"), or
     * null for a graph of the whole cluster.
     */
    public static String limit(NamespaceScope scope) {
        if (scope.all()) {
            return null;
        }
        if (!scope.known()) {
            return "stage 2 skipped and no image stream pruned: the graph covers an unknown set of namespaces (the "
                    + "newest sync marker does not record which namespaces its ingest watches)";
        }
        return "stage 2 skipped: the graph covers " + scope.describe() + " only; no image or blob is deleted and "
                + "only image streams there are pruned";
    }
}
