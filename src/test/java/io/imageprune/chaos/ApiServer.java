package io.imageprune.chaos;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.openshift.api.model.Build;
import io.fabric8.openshift.api.model.Image;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.client.OpenShiftClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The fabric8 CRUD mock API server as the service's cluster, reached through a {@link TcpRelay} so that watches can be
 * dropped and the server replaced by a new one (all watches gone, resource versions reset) holding the same objects
 * less those deleted while it was away.
 */
final class ApiServer implements AutoCloseable {
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(Image.class, ImageStream.class, Pod.class,
            Deployment.class, Build.class, LimitRange.class, Lease.class);

    private KubernetesServer server;
    private final TcpRelay relay;
    private final OpenShiftClient client;

    ApiServer() {
        server = startServer();
        relay = new TcpRelay(portOf(server));
        Config config = new ConfigBuilder().withMasterUrl(url()).withTrustCerts(true).withNamespace("imageprune")
                .withRequestRetryBackoffLimit(5).withRequestRetryBackoffInterval(200).build();
        client = new KubernetesClientBuilder().withConfig(config).build().adapt(OpenShiftClient.class);
    }

    /** The API server URL the service and the harness use (the relay's). */
    String url() {
        return "http://127.0.0.1:" + relay.port();
    }

    OpenShiftClient client() {
        return client;
    }

    /** Cuts every open connection: watches must be re-established (and may have to relist). */
    void dropWatches() {
        relay.dropAll();
    }

    /**
     * Replaces the server by a new, empty one, fills it with every object of the old one for which {@code keep} holds
     * (the others are the deletions made while it was away) and sends new connections there.
     *
     * @return the objects not carried over
     */
    synchronized List<HasMetadata> restart(Predicate<HasMetadata> keep) {
        List<HasMetadata> all = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : KINDS) {
            all.addAll(kind == Image.class ? client.resources(kind).list().getItems()
                    : client.resources(kind).inAnyNamespace().list().getItems());
        }
        server.after();
        relay.dropAll();
        server = startServer();
        OpenShiftClient fresh = server.getClient().adapt(OpenShiftClient.class);
        List<HasMetadata> dropped = new ArrayList<>();
        for (HasMetadata object : all) {
            if (!keep.test(object)) {
                dropped.add(object);
                continue;
            }
            object.getMetadata().setResourceVersion(null);
            object.getMetadata().setUid(null);
            fresh.resource(object).create();
        }
        relay.target(portOf(server));
        relay.dropAll();
        return dropped;
    }

    @Override
    public void close() {
        client.close();
        relay.close();
        server.after();
    }

    private static KubernetesServer startServer() {
        KubernetesServer s = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        s.before();
        return s;
    }

    private static int portOf(KubernetesServer s) {
        return URI.create(s.getClient().getConfiguration().getMasterUrl()).getPort();
    }
}
