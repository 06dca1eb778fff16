package io.imageprune.prune;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.imageprune.service.ApiCalls;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two replicas electing through a Lease in the CRUD mock API: one leads, the other takes over, a lost lease stops. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String ELECTOR_AGENT = "imageprune-elector";

    KubernetesClient client;
    KubernetesMockServer server;
    private final List<LeaderElection> electors = new ArrayList<>();

    /** Electors talk through their own client, so their calls can be told from the test's own. */
    private LeaderElection elector(String identity) {
        KubernetesClient own = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(ELECTOR_AGENT).build()).build();
        LeaderElection elector = new LeaderElection(own, new LeaderElection.Settings("imageprune", "imageprune",
                identity, Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)));
        electors.add(elector);
        elector.start();
        return elector;
    }

    @AfterEach
    void stopAll() throws Exception {
        electors.forEach(LeaderElection::stop);
        List<ApiCalls.Call> calls = ApiCalls.drain(server, ELECTOR_AGENT);
        assertFalse(calls.isEmpty(), "the electors' calls were recorded");
        assertEquals(List.of(), ApiCalls.notGranted(calls), "every call of leader election is granted by ApiAccess");
    }

    @Test
    void exactlyOneLeadsAndTheStandbyTakesOverWhenItStops() {
        LeaderElection a = elector("replica-a");
        await().atMost(WAIT).until(a::leading);
        LeaderElection b = elector("replica-b");
        await().atMost(WAIT).until(() -> "replica-a".equals(b.leader()));
        assertFalse(b.leading(), "the lease is held");
        assertTrue(a.leading());

        a.stop();

        assertFalse(a.leading(), "a stopped replica stops pruning at once");
        await().atMost(WAIT).until(b::leading);
        assertEquals("replica-b", client.leases().inNamespace("imageprune").withName("imageprune").get().getSpec()
                .getHolderIdentity());
    }

    @Test
    void aLeaderWhoseLeaseIsTakenStopsBeforeItsNextRenewal() {
        LeaderElection a = elector("replica-a");
        await().atMost(WAIT).until(a::leading);

        // another holder wins the lease (e.g. the leader was partitioned away and its lease expired meanwhile)
        // a merge patch carries no resourceVersion, so the leader's concurrent renewals cannot make it conflict
        String now = ZonedDateTime.now(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"));
        client.leases().inNamespace("imageprune").withName("imageprune").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"holderIdentity\":\"intruder\","
                        + "\"leaseDurationSeconds\":3600,\"renewTime\":\"" + now + "\",\"acquireTime\":\"" + now
                        + "\"}}");

        await().atMost(WAIT).until(() -> !a.leading());
        Lease lease = client.leases().inNamespace("imageprune").withName("imageprune").get();
        assertEquals("intruder", lease.getSpec().getHolderIdentity(), "the replica did not take it back");
    }
}
