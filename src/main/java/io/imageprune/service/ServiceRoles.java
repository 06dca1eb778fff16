package io.imageprune.service;

import io.imageprune.config.BoundedStop;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.prune.ClusterImageConfig;
import io.imageprune.prune.ImagePrunerDropIn;
import io.imageprune.prune.LeaderElection;
import io.imageprune.prune.PruneRunner;
import io.imageprune.prune.PruneTriggers;
import io.imageprune.prune.RunRecovery;

import io.imageprune.cluster.ClusterLocation;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateConsumer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the roles this process is configured for, and stops them within a bound. The role beans are only looked up
 * when enabled, so a command such as {@code plan} builds no Kubernetes client and no Kafka client.
 */
@ApplicationScoped
public class ServiceRoles {
    private static final Logger LOG = Logger.getLogger(ServiceRoles.class);
    /** How long a run in progress may take to stop before its next action and write its summary. */
    static final Duration RUN_STOP = Duration.ofSeconds(2);
    /**
     * What stopping the roles may take in all; the container then closes the Kafka producers (about 3 s more, see
     * AuditPublisher and StatePublisher). Together below 10 s, and the pod's terminationGracePeriodSeconds.
     */
    public static final Duration STOP_BUDGET = Duration.ofSeconds(4);

    void onStart(@Observes StartupEvent event, ImagePruneConfig config, Instance<ClusterIngest> ingest,
                 Instance<StateConsumer> state, Instance<PruneTriggers> triggers, Instance<LeaderElection> leader,
                 Instance<PruneRunner> runner, Instance<ImagePrunerDropIn> imagePruner, LiveGraph live,
                 Instance<RunRecovery> recovery, ClusterLocation cluster, Instance<ClusterImageConfig> imageConfig) {
        boolean leaderElection = config.state().enabled() && config.leader().enabled();
        // without a cluster the client would quietly try https://kubernetes.default.svc, forever
        boolean noCluster = (config.ingest().enabled() || leaderElection || config.imagePruner().enabled())
                && !cluster.where().known();
        if (noCluster) {
            LOG.errorf("%s: the ingest, leader election and the ImagePruner drop-in do not start",
                    cluster.where().from());
        }
        if (config.imagePruner().enabled() && !noCluster) {
            imagePruner.get().start();
            imageConfig.get().start();
        }
        if (leaderElection) {
            LeaderElection election = leader.get();
            // the leader's runs wait until it has read the audit topic back (history, interrupted runs, budgets)
            RunRecovery recovered = recovery.get();
            election.onLeading(() -> recovered.start(election::leading));
            runner.get().leadership(() -> election.leading() && recovered.recovered());
            if (!noCluster) {
                election.start();
            }
        } else if (config.state().enabled()) {
            RunRecovery recovered = recovery.get();
            recovered.start(() -> true);
            runner.get().leadership(recovered::recovered);
        }
        if (config.state().enabled() && config.prune().eventDriven()) {
            // before the consumer starts: replayed objects may become eligible later, at instants only replay sees
            triggers.get().start();
        }
        if (config.state().enabled()) {
            triggers.get().startSchedule();
        }
        if (config.state().enabled()) {
            state.get().start();
        } else {
            live.markNotSynced("the state role is disabled (imageprune.state.enabled=false)");
        }
        if (config.ingest().enabled() && !noCluster) {
            ingest.get().startInBackground();
        }
    }

    /**
     * Stops the roles side by side before the container destroys the beans (in an order of its own): the ingest and
     * the state consumer at once, whatever they wait for; a run before its next action, and only then the lease, so
     * that no other replica starts pruning while this one may still send a DELETE it had checked.
     */
    void onStop(@Observes ShutdownEvent event, ImagePruneConfig config, Instance<ClusterIngest> ingest,
                Instance<StateConsumer> state, Instance<LeaderElection> leader, Instance<PruneRunner> runner) {
        long started = System.nanoTime();
        Map<String, Runnable> steps = new LinkedHashMap<>();
        if (config.ingest().enabled()) {
            steps.put("ingest", () -> ingest.get().shutDown());
        }
        if (config.state().enabled()) {
            steps.put("state consumer", () -> state.get().shutDown(STOP_BUDGET));
            steps.put("runs", () -> {
                boolean ended = runner.get().shutDown(RUN_STOP);
                if (config.leader().enabled()) {
                    if (ended) {
                        leader.get().stop();
                    } else {
                        // a request may still be sent: releasing now would let another replica prune beside it
                        LOG.warn("a run has not ended: the lease is not released, it expires on its own");
                    }
                }
            });
        }
        if (steps.isEmpty()) {
            return;
        }
        boolean stopped = BoundedStop.all(STOP_BUDGET, steps);
        LOG.infof("roles %s in %d ms", stopped ? "stopped" : "abandoned", (System.nanoTime() - started) / 1_000_000);
    }
}
