package io.imageprune.ingest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.client.OpenShiftClient;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/** The OpenShift view of Quarkus' Kubernetes client (the quarkus-openshift-client extension cannot be had here). */
@Singleton
public class OpenShiftClientProducer {
    @Produces
    @Singleton
    @Typed(OpenShiftClient.class) // without it the bean is also a KubernetesClient: ambiguous with Quarkus' own
    OpenShiftClient openShiftClient(KubernetesClient client) {
        return client.adapt(OpenShiftClient.class);
    }
}
