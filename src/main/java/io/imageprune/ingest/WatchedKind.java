package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.AnyNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.referrers.ReferrerKindSpec;

import java.util.List;
import java.util.function.Function;

/**
 * A kind the ingest lists and watches, and which list errors oc tolerates for it (algorithm §2): build configs, builds
 * and deployment configs may be missing (404, plain Kubernetes); daemon sets, deployments and replica sets may be
 * forbidden (403). {@code group} and {@code plural} name its API resource for RBAC ({@link
 * io.imageprune.service.ApiAccess}: the ingest needs {@code list} and {@code watch} on each).
 */
public record WatchedKind(
        String kind, String group, String plural, boolean clusterScoped, int toleratedStatus,
        Function<OpenShiftClient, ? extends AnyNamespaceOperation<? extends HasMetadata, ?, ?>> resources) {

    static final int NONE = 0;

    @SuppressWarnings("unchecked")
    Informable<HasMetadata> inAllNamespaces(OpenShiftClient client) {
        AnyNamespaceOperation<? extends HasMetadata, ?, ?> operation = resources.apply(client);
        if (clusterScoped) {
            return (Informable<HasMetadata>) (Object) operation;
        }
        return (Informable<HasMetadata>) (Object) ((MixedOperation<?, ?, ?>) operation).inAnyNamespace();
    }

    @SuppressWarnings("unchecked")
    Informable<HasMetadata> inNamespace(OpenShiftClient client, String namespace) {
        NonNamespaceOperation<?, ?, ?> operation = ((MixedOperation<?, ?, ?>) resources.apply(client))
                .inNamespace(namespace);
        return (Informable<HasMetadata>) (Object) operation;
    }

    /** In the order the ingest starts them; group "" is the core API. */
    public static final List<WatchedKind> ALL = List.of(
            new WatchedKind("Image", "image.openshift.io", "images", true, NONE,
                    OpenShiftClient::images),
            new WatchedKind("ImageStream", "image.openshift.io", "imagestreams", false, NONE,
                    OpenShiftClient::imageStreams),
            new WatchedKind("Pod", "", "pods", false, NONE,
                    OpenShiftClient::pods),
            new WatchedKind("ReplicationController", "", "replicationcontrollers", false, NONE,
                    OpenShiftClient::replicationControllers),
            new WatchedKind("DeploymentConfig", "apps.openshift.io", "deploymentconfigs", false, 404,
                    OpenShiftClient::deploymentConfigs),
            new WatchedKind("ReplicaSet", "apps", "replicasets", false, 403, c -> c.apps().replicaSets()),
            new WatchedKind("Deployment", "apps", "deployments", false, 403, c -> c.apps().deployments()),
            new WatchedKind("DaemonSet", "apps", "daemonsets", false, 403, c -> c.apps().daemonSets()),
            new WatchedKind("Build", "build.openshift.io", "builds", false, 404,
                    OpenShiftClient::builds),
            new WatchedKind("BuildConfig", "build.openshift.io", "buildconfigs", false, 404,
                    OpenShiftClient::buildConfigs),
            new WatchedKind("StatefulSet", "apps", "statefulsets", false, NONE, c -> c.apps().statefulSets()),
            new WatchedKind("Job", "batch", "jobs", false, NONE, c -> c.batch().v1().jobs()),
            new WatchedKind("CronJob", "batch", "cronjobs", false, NONE, c -> c.batch().v1().cronjobs()),
            new WatchedKind("LimitRange", "", "limitranges", false, NONE,
                    OpenShiftClient::limitRanges),
            // admin annotations (issue 12): unseen protection is no protection, so forbidden is not tolerated
            new WatchedKind("Namespace", "", "namespaces", true, NONE, OpenShiftClient::namespaces));

    static final String NAMESPACE = "Namespace";

    /** A custom resource kind that holds images, watched through a dynamic informer; a CRD not installed is tolerated. */
    static WatchedKind of(ReferrerKindSpec spec) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(spec.group()).withVersion(spec.version()).withKind(spec.kind())
                .withPlural(spec.plural()).withNamespaced(!spec.clusterScoped()).build();
        return new WatchedKind(spec.kind(), spec.group(), spec.plural(), spec.clusterScoped(), 404,
                client -> client.genericKubernetesResources(context));
    }
}
