package io.imageprune.config;

import io.imageprune.prune.ImagePrunerDropIn;
import io.imageprune.prune.LeaderElection;
import io.imageprune.prune.PruneRunner;
import io.imageprune.prune.PruneTriggers;
import io.imageprune.prune.RunRecovery;

import io.imageprune.ingest.ClusterIngest;
import io.imageprune.state.LiveGraph;
import io.imageprune.state.StateConsumer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * Starts the roles this process is configured for. The role beans are only looked up when enabled, so a command
 * such as {@code plan} builds no Kubernetes client and no Kafka client.
 */
@ApplicationScoped
public class ServiceRoles {
    void onStart(@Observes StartupEvent event, ImagePruneConfig config, Instance<ClusterIngest> ingest,
                 Instance<StateConsumer> state, Instance<PruneTriggers> triggers, Instance<LeaderElection> leader,
                 Instance<PruneRunner> runner, Instance<ImagePrunerDropIn> imagePruner, LiveGraph live,
                 Instance<RunRecovery> recovery) {
        if (config.imagePruner().enabled()) {
            imagePruner.get().start();
        }
        if (config.state().enabled() && config.leader().enabled()) {
            LeaderElection election = leader.get();
            // the leader's runs wait until it has read the audit topic back (history, interrupted runs, budgets)
            RunRecovery recovered = recovery.get();
            election.onLeading(() -> recovered.start(election::leading));
            runner.get().leadership(() -> election.leading() && recovered.recovered());
            election.start();
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
        if (config.ingest().enabled()) {
            ingest.get().startInBackground();
        }
    }
}
