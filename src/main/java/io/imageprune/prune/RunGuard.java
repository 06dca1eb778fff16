package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.policy.LastMomentCheck;
import io.imageprune.policy.Planner;
import io.imageprune.state.LiveGraph;

import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Safety rules 3 and 4 while a run executes: why nothing may be sent now (the lease is lost, the graph stopped being
 * synced or lags, invalid references appeared), and why one target must stay (the last-moment check on the graph as
 * it is at that moment).
 */
final class RunGuard {
    static final String NOT_LEADER = "this replica does not hold the leader lease";
    static final String SHUTTING_DOWN = "this replica is shutting down";

    private final LiveGraph live;
    private final ImagePruneConfig config;
    private final BooleanSupplier leadership;
    private final BooleanSupplier shuttingDown;

    RunGuard(LiveGraph live, ImagePruneConfig config, BooleanSupplier leadership, BooleanSupplier shuttingDown) {
        this.shuttingDown = shuttingDown;
        this.live = live;
        this.config = config;
        this.leadership = leadership;
    }

    /**
     * Safety rule 3 while running: no DELETE from a graph that stopped being synced or lags, or without the lease.
     * A reason stops the whole run, which then ends FAILED with it.
     */
    String stopReason(PruneRun run) {
        String reason = stopReason();
        if (reason == null && !live.scope().equals(run.options.graphScope())) {
            // planned for one set of namespaces; streams outside the new one are no longer refreshed
            reason = "the namespaces the graph covers changed from " + run.options.graphScope().describe() + " to "
                    + live.scope().describe();
        }
        if (reason != null) {
            run.stopped(reason);
        }
        return reason;
    }

    private String stopReason() {
        if (shuttingDown.getAsBoolean()) {
            return SHUTTING_DOWN;
        }
        if (!leadership.getAsBoolean()) {
            return NOT_LEADER;
        }
        if (!live.synced()) {
            return "the reference graph stopped being synced: " + live.notSyncedReason();
        }
        if (live.lag() > config.prune().maxLag()) {
            return "the state consumer fell " + live.lag() + " records behind";
        }
        return null;
    }

    /**
     * Called under the graph's read lock: why nothing may be decided on the graph now (it stopped being synced, or
     * invalid references appeared that refuse the run, as oc would), or null.
     */
    String graphStopReason(PruneRun run, Planner planner) {
        String reason = !live.synced() ? "the reference graph stopped being synced: " + live.notSyncedReason()
                : planner.refuses() ? "invalid references appeared: " + planner.refusalMessage() : null;
        if (reason != null) {
            run.stopped(reason);
        }
        return reason;
    }

    /**
     * Why the target must stay right now, or null: the run's own stop conditions, then the graph — read under its
     * lock, where "synced" is checked again, since a consumer restart empties the graph only after unmarking it.
     */
    String lastMomentReason(PruneRun run, Function<LastMomentCheck, String> check) {
        String stop = stopReason(run);
        if (stop != null) {
            return stop;
        }
        return live.read(graph -> {
            Planner planner = Planner.of(graph, run.options);
            String graphStop = graphStopReason(run, planner);
            return graphStop != null ? graphStop : check.apply(planner.lastMomentCheck());
        });
    }
}
