package io.imageprune.prune;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.function.Consumer;

/**
 * Follows one named cluster-scoped resource through an informer: every state it is added or updated to, and its
 * deletion. The drop-ins read their operator resources ({@link ImagePrunerDropIn}, {@link ClusterImageConfig}) this
 * way.
 */
final class NamedResourceInformer {
    private final KubernetesClient client;
    private final ResourceDefinitionContext kind;
    private final String name;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    NamedResourceInformer(KubernetesClient client, ResourceDefinitionContext kind, String name) {
        this.client = client;
        this.kind = kind;
        this.name = name;
    }

    /** Starts following the resource, once; later calls do nothing until {@link #stop()}. */
    synchronized void start(Consumer<GenericKubernetesResource> current, Runnable gone) {
        if (informer != null) {
            return;
        }
        informer = client.genericKubernetesResources(kind).withName(name).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource resource) {
                current.accept(resource);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource resource) {
                current.accept(resource);
            }

            @Override
            public void onDelete(GenericKubernetesResource resource, boolean unknownFinalState) {
                gone.run();
            }
        });
    }

    synchronized void stop() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }
}
