package io.imageprune.prune;

import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import jakarta.inject.Inject;

/**
 * What every service test against the real registry ({@link RealRegistry}) injects and works with: the mock API
 * server, the live graph and the run recovery it waits on, and the parts of the {@link RegistryTestbed} it connected
 * to. The subclass still states its application itself (its test resources and settings stay on the class, so that a
 * reader sees which application a test starts) and when it connects and to what it must be ready.
 */
abstract class RegistryServiceTestBase {
    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    RunRecovery recovery;

    OpenShiftClient client;
    ClusterObjects cluster;
    RegistryPusher pusher;
    FaultProxy proxy;

    /** Works with what {@code testbed} connected to from now on. */
    void use(RegistryTestbed testbed) {
        client = testbed.client();
        cluster = testbed.cluster();
        pusher = testbed.pusher();
        proxy = testbed.proxy();
    }
}
