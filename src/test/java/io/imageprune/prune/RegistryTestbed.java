package io.imageprune.prune;

import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.quarkus.test.kubernetes.client.KubernetesServer;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/**
 * What a service test against the real registry works with: the mock API server's client, the registry's fault
 * proxy with no rules left from an earlier test, a pusher into the registry, and the cluster objects that mirror what
 * it pushes (see {@link RealRegistry}).
 */
record RegistryTestbed(OpenShiftClient client, FaultProxy proxy, RegistryPusher pusher, ClusterObjects cluster) {

    /**
     * Connects to the test's servers once the service is ready.
     *
     * @param ready what the service must show before the test starts (the graph synced, the audit topic read back
     *              ...), each awaited at most {@code wait}
     */
    @SafeVarargs
    static RegistryTestbed connect(KubernetesServer server, Duration wait, Callable<Boolean>... ready) {
        OpenShiftClient client = server.getClient().adapt(OpenShiftClient.class);
        FaultProxy proxy = RealRegistry.proxy();
        proxy.clearRules();
        RegistryTestbed testbed = new RegistryTestbed(client, proxy, new RegistryPusher(RealRegistry.registry().url()),
                ClusterObjects.ofRealRegistry(client));
        for (Callable<Boolean> condition : ready) {
            await().atMost(wait).until(condition);
        }
        return testbed;
    }

    /** As {@link #connect}, and the proxy's record of requests emptied: a test sees only its own. */
    @SafeVarargs
    static RegistryTestbed connectAfresh(KubernetesServer server, Duration wait, Callable<Boolean>... ready) {
        RealRegistry.proxy().clearRequests();
        return connect(server, wait, ready);
    }
}
