package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.openshift.client.OpenShiftClient;

import java.util.ArrayList;
import java.util.List;

/** One listing of every kind the ingest watches, e.g. to write a snapshot of what the cluster holds right now. */
public final class WatchedKinds {
    private WatchedKinds() {
    }

    /** Every object of every watched kind in all namespaces; kinds oc tolerates as missing or forbidden are skipped. */
    @SuppressWarnings("unchecked")
    public static List<HasMetadata> listAll(OpenShiftClient client) {
        List<HasMetadata> objects = new ArrayList<>();
        for (WatchedKind kind : WatchedKind.ALL) {
            try {
                var operation = kind.resources().apply(client);
                var list = kind.clusterScoped() ? operation.list()
                        : ((io.fabric8.kubernetes.client.dsl.MixedOperation<HasMetadata, ?, ?>) (Object) operation)
                        .inAnyNamespace().list();
                for (Object item : ((io.fabric8.kubernetes.api.model.KubernetesResourceList<HasMetadata>) list)
                        .getItems()) {
                    HasMetadata object = (HasMetadata) item;
                    objects.add(object);
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != kind.toleratedStatus()) {
                    throw e;
                }
            }
        }
        return objects;
    }
}
