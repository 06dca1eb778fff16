package io.imageprune.prune;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.imageprune.config.BoundedStop;
import io.imageprune.config.ImagePruneConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Hot standby: every replica consumes the state topic, but only the holder of a coordination.k8s.io Lease plans and
 * deletes. {@link #leading()} turns false as soon as a renewal fails past the renew deadline, which is shorter than
 * the lease: a replica stops deleting before another may start. After losing the lease it stands as a candidate again.
 */
@ApplicationScoped
public class LeaderElection {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    /** Where and how to elect. */
    public record Settings(String namespace, String leaseName, String identity, Duration leaseDuration,
                           Duration renewDeadline, Duration retryPeriod) {
    }

    private static final Duration RELEASE_WAIT = Duration.ofMillis(1500);

    private final KubernetesClient client;
    private final Settings settings;
    private volatile boolean leading;
    public static final String METRIC = "imageprune.leader";
    private volatile String leader;
    private volatile boolean active;
    private CompletableFuture<?> election;
    private final java.util.List<Runnable> onLeading = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Inject
    public LeaderElection(KubernetesClient client, ImagePruneConfig config, MeterRegistry registry) {
        this(client, new Settings(config.leader().namespace().orElseGet(() -> namespaceOf(client)),
                config.leader().leaseName(), config.ingest().id(), config.leader().leaseDuration(),
                config.leader().renewDeadline(), config.leader().retryPeriod()));
        Gauge.builder(METRIC, this, e -> e.leading() ? 1 : 0)
                .description("1 while this replica holds the lease and may prune").register(registry);
    }

    LeaderElection(KubernetesClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    private static String namespaceOf(KubernetesClient client) {
        String namespace = client.getNamespace();
        return namespace == null || namespace.isBlank() ? "default" : namespace;
    }

    public synchronized void start() {
        if (active) {
            return;
        }
        active = true;
        campaign();
    }

    private synchronized void campaign() {
        if (!active) {
            return;
        }
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("imageprune")
                .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        newLeader -> leader = newLeader))
                .build()).build().start();
        // the elector ends when it loses the lease; this replica then waits as a candidate again
        election.whenComplete((ignored, failure) -> {
            leading = false;
            if (failure != null && active && !election.isCancelled()) {
                LOG.warnf("leader election on lease %s/%s failed: %s", settings.namespace(), settings.leaseName(),
                        failure.getMessage());
            }
            if (active) {
                campaign();
            }
        });
    }

    /** Called each time this replica becomes the leader, before {@link #leading()} turns true. */
    public void onLeading(Runnable listener) {
        onLeading.add(listener);
    }

    private void startedLeading() {
        onLeading.forEach(Runnable::run);
        leading = true;
        LOG.infof("%s holds lease %s/%s and prunes", settings.identity(), settings.namespace(), settings.leaseName());
    }

    private void stoppedLeading() {
        leading = false;
        LOG.warnf("%s lost lease %s/%s: pruning stops before the next deletion", settings.identity(),
                settings.namespace(), settings.leaseName());
    }

    /** Whether this replica may delete right now. */
    public boolean leading() {
        return leading;
    }

    /** The identity of the current leader as last seen, or null. */
    public String leader() {
        return leader;
    }

    /**
     * Gives the lease up (released at once, so a standby takes over without waiting for it to expire). Releasing is a
     * call to the API server, which may not answer: after {@link #RELEASE_WAIT} the lease is left to expire.
     */
    @PreDestroy
    public void stop() {
        CompletableFuture<?> running;
        synchronized (this) {
            if (!active) {
                return;
            }
            active = false;
            leading = false;
            running = election;
        }
        if (running != null) {
            // the elector's cancel waits for its lock, which a renewal holds while its request is on its way
            BoundedStop.run("lease release", RELEASE_WAIT, () -> running.cancel(true));
        }
    }
}
