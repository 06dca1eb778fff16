package io.imageprune.prune;

import io.imageprune.cluster.ClusterLocation;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.state.LiveGraph;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pruner's state for GET /api/v1/status, in the condition vocabulary of the image registry operator's pruner
 * (Available, Scheduled, Failed, Degraded), so dashboards and alerts written for it keep working.
 */
@ApplicationScoped
public class PrunerStatus {
    /** One condition as the operator reports it. */
    public record Condition(String type, String status, String reason, String message) {
    }

    private final LiveGraph live;
    private final ImagePruneConfig config;
    private final PruneSettings settings;
    private final RunHistory history;
    private final Instance<PruneTriggers> triggers;
    private final Instance<ImagePrunerDropIn> dropIn;
    private final Instance<LeaderElection> leader;
    private final ClusterLocation cluster;
    private final ContainedReferences contained;

    public PrunerStatus(LiveGraph live, ImagePruneConfig config, PruneSettings settings, RunHistory history,
                        Instance<PruneTriggers> triggers, Instance<ImagePrunerDropIn> dropIn,
                        Instance<LeaderElection> leader, ClusterLocation cluster, ContainedReferences contained) {
        this.cluster = cluster;
        this.contained = contained;
        this.live = live;
        this.config = config;
        this.settings = settings;
        this.history = history;
        this.triggers = triggers;
        this.dropIn = dropIn;
        this.leader = leader;
    }

    /** The settings in force and where they come from, the leader, and the latest run. */
    public Map<String, Object> pruning() {
        PruneSettings.Values values = settings.current();
        Map<String, Object> pruning = new LinkedHashMap<>();
        pruning.put("confirm", config.prune().confirm());
        pruning.put("eventDriven", config.prune().eventDriven());
        pruning.put("schedule", schedule());
        pruning.put("settingsFrom", values.source());
        pruning.put("keepTagRevisions", values.keepTagRevisions());
        pruning.put("keepYoungerThan", values.keepYoungerThan().toString());
        pruning.put("ignoreInvalidRefs", values.ignoreInvalidRefs());
        pruning.put("invalidRefs", settings.options(java.time.Instant.now()).invalidRefs().value());
        // at most 100, like the invalid identities; the gauge counts them all
        List<?> containedNow = contained.now();
        pruning.put("containedInvalidReferences", containedNow.size() <= 100 ? containedNow
                : containedNow.subList(0, 100));
        if (settings.registryPruningOff() != null) {
            pruning.put("registryPruningOff", settings.registryPruningOff());
        }
        if (config.leader().enabled() && config.state().enabled()) {
            pruning.put("leading", leader.get().leading());
            pruning.put("leader", leader.get().leader());
        }
        List<RunReport> runs = history.reports();
        pruning.put("lastRun", runs.isEmpty() ? null : runs.get(runs.size() - 1));
        return pruning;
    }

    public List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>();
        conditions.add(live.synced()
                ? new Condition("Available", "True", "Synced", "the reference graph is synced with the cluster")
                : new Condition("Available", "False", "NotSynced", live.notSyncedReason()));
        String schedule = schedule();
        if (schedule != null) {
            conditions.add(new Condition("Scheduled", "True", "Scheduled", "full runs on " + schedule
                    + (config.prune().eventDriven() ? ", and targeted passes as objects become eligible" : "")));
        } else if (config.prune().eventDriven()) {
            conditions.add(new Condition("Scheduled", "True", "EventDriven",
                    "targeted passes as objects become eligible"));
        } else {
            conditions.add(new Condition("Scheduled", "False", "NoSchedule", "runs only on POST /api/v1/runs"));
        }
        conditions.add(failed());
        conditions.add(degraded());
        return conditions;
    }

    private Condition failed() {
        List<RunReport> runs = history.reports();
        for (int i = runs.size() - 1; i >= 0; i--) {
            RunReport run = runs.get(i);
            if (run.state().equals("RUNNING") || run.state().equals("REFUSED")) {
                continue;
            }
            if (run.state().equals("FAILED")) {
                String first = run.failures().isEmpty() ? run.reason() : run.failures().get(0);
                return new Condition("Failed", "True", "RunFailed", "run " + run.id() + " failed: " + first
                        + (run.failures().size() > 1 ? " (and " + (run.failures().size() - 1) + " more)" : ""));
            }
            break;
        }
        return new Condition("Failed", "False", "AsExpected", "the latest run did not fail");
    }

    private Condition degraded() {
        boolean needsCluster = config.ingest().enabled() || config.imagePruner().enabled()
                || config.state().enabled() && config.leader().enabled();
        if (needsCluster && !cluster.where().known()) {
            return new Condition("Degraded", "True", "NoKubeconfig", cluster.where().from());
        }
        if (config.imagePruner().enabled()) {
            ImagePrunerDropIn.Observed observed = dropIn.get().observed();
            if (observed.error() != null) {
                return new Condition("Degraded", "True", "InvalidImagePruner", observed.error());
            }
            if (observed.present() && !observed.operatorSuspended()) {
                return new Condition("Degraded", "True", "OperatorPrunerActive", "imagepruner/"
                        + config.imagePruner().name() + " has suspend: false, so the operator's CronJob prunes too;"
                        + " set spec.suspend: true to leave pruning to imageprune");
            }
        }
        if (live.lag() > config.prune().maxLag()) {
            return new Condition("Degraded", "True", "Lagging", "the state consumer is " + live.lag()
                    + " records behind; pruning waits");
        }
        return new Condition("Degraded", "False", "AsExpected", "");
    }

    private String schedule() {
        return config.state().enabled() ? triggers.get().schedule() : null;
    }
}
