package io.imageprune.snapshot;

import io.imageprune.model.ReferrerKind;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which item kinds the loader converts, and from which API groups. */
final class Kinds {
    private Kinds() {
    }

    private static final Set<String> KNOWN = known();

    private static Set<String> known() {
        Set<String> kinds = new HashSet<>(List.of("Image", "ImageStream", "LimitRange", "Namespace"));
        for (ReferrerKind k : ReferrerKind.values()) {
            kinds.add(k.kind());
        }
        return Set.copyOf(kinds);
    }

    static boolean isKnown(String kind) {
        return KNOWN.contains(kind);
    }

    /**
     * Whether apiVersion names an API group that serves this kind. OpenShift kinds are also accepted from the legacy
     * core group ({@code v1}), and workloads from {@code extensions}; this keeps e.g. {@code config.openshift.io/v1
     * Image} (the cluster image configuration) or {@code config.openshift.io/v1 Build} out.
     */
    static boolean groupMatches(String kind, String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        switch (kind) {
            case "Image":
            case "ImageStream":
                return group.equals("image.openshift.io") || group.isEmpty();
            case "Pod":
            case "ReplicationController":
            case "LimitRange":
            case "Namespace":
                return group.isEmpty();
            case "Deployment":
            case "DaemonSet":
            case "ReplicaSet":
            case "StatefulSet":
                return group.equals("apps") || group.equals("extensions");
            case "Job":
            case "CronJob":
                return group.equals("batch");
            case "DeploymentConfig":
                return group.equals("apps.openshift.io") || group.isEmpty();
            case "Build":
            case "BuildConfig":
                return group.equals("build.openshift.io") || group.isEmpty();
            default:
                return false;
        }
    }
}
