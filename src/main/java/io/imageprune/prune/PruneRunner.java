package io.imageprune.prune;

import io.imageprune.audit.AuditPublisher;
import io.imageprune.audit.RunSummary;
import io.imageprune.cluster.ClusterWrites;
import io.imageprune.cluster.StreamConflictException;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.NotFoundException;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ImageStream;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.LastMomentCheck;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;
import io.imageprune.registry.RegistryClient;
import io.imageprune.registry.RegistryConnections;
import io.imageprune.registry.RegistryException;
import io.imageprune.state.LiveGraph;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starts and carries out prune runs on the live graph: gates first (safety rule 3), then stage 1 and stage 2 as
 * jobs on a Mutiny pool with at most {@code num-workers} streams or images in flight, oc's failure semantics through
 * the {@link io.imageprune.execute.RunLedger}, safety rule 2 (a stream's status before its links) and safety rule 4
 * (every DELETE re-checked against the graph as it is at that moment). One run at a time.
 */
@ApplicationScoped
public class PruneRunner {
    private static final Logger LOG = Logger.getLogger(PruneRunner.class);
    private static final int STREAM_WRITE_ATTEMPTS = 5;
    private static final String NOT_LEADER = "this replica does not hold the leader lease";
    private static final String SHUTTING_DOWN = "this replica is shutting down";
    private static final String LEFT_FOR_GC =
            "the registry has no blob deletion API; its garbage collection reclaims the blob";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final LiveGraph live;
    private final ImagePruneConfig config;
    private final ClusterWrites cluster;
    private final RegistryConnections registries;
    private final AuditPublisher audit;
    private final PruneMetrics metrics;
    private final RunHistory history;
    private final PruneSettings settings;
    private final AtomicReference<PruneRun> current = new AtomicReference<>();
    private volatile BooleanSupplier leadership = () -> true;
    private volatile boolean shuttingDown;

    public PruneRunner(LiveGraph live, ImagePruneConfig config, ClusterWrites cluster, RegistryConnections registries,
                       AuditPublisher audit, PruneMetrics metrics, RunHistory history, PruneSettings settings) {
        this.settings = settings;
        this.live = live;
        this.config = config;
        this.cluster = cluster;
        this.registries = registries;
        this.audit = audit;
        this.metrics = metrics;
        this.history = history;
    }

    /** Runs (and every DELETE of a running run) need this to hold; leader election supplies it. */
    public void leadership(BooleanSupplier holdsLease) {
        this.leadership = holdsLease;
    }

    /**
     * Shutdown: no run starts any more, a running one stops before its next stream write or DELETE (what is in
     * flight completes) and ends; waits at most {@code bound} for that.
     *
     * @return whether no run is in progress any more: its summary is queued for the audit topic
     */
    public boolean shutDown(Duration bound) {
        shuttingDown = true;
        long deadline = System.nanoTime() + bound.toNanos();
        PruneRun running = current.get();
        // ended once finished: the summary is queued then, while the wait for the audit topic may go on
        while (running != null && running.state() == PruneRun.State.RUNNING && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            running = current.get();
        }
        if (running != null && running.state() == PruneRun.State.RUNNING) {
            LOG.warnf("run %s has not ended %s after shutdown began (a request is still on its way): no summary; "
                    + "its actions so far are audited", running.id, bound);
            return false;
        }
        return true;
    }

    public boolean busy() {
        return current.get() != null;
    }

    /** Whether a run could start now as far as this replica is concerned: it leads and none is running. */
    public boolean mayStart() {
        return current.get() == null && !shuttingDown && leadership.getAsBoolean();
    }

    /**
     * Starts a run: checks the gates and plans synchronously, then executes in the background.
     *
     * @param dryRun null: as configured ({@code imageprune.prune.confirm=false} means dry run)
     * @return the run's report as it starts
     * @throws RunRefusedException when a gate is closed; the refused run is recorded unless one was in progress
     */
    public RunReport start(RunTrigger trigger, RunTargets targets, Boolean dryRun) throws RunRefusedException {
        Instant now = Instant.now();
        boolean dry = dryRun != null ? dryRun : !config.prune().confirm();
        PruneOptions options = settings.options(now);
        PruneRun run = new PruneRun(runId(now), trigger, dry, targets, options, now);
        run.listener(action -> observed(run, action));
        PruneRun running = current.get();
        if (running != null) {
            throw refuse(null, RunRefusedException.Gate.IN_PROGRESS, "run " + running.id + " is in progress");
        }
        if (shuttingDown) {
            // another replica takes over: as for a replica without the lease, nothing is recorded
            throw refuse(null, RunRefusedException.Gate.NOT_LEADER, SHUTTING_DOWN);
        }
        if (!leadership.getAsBoolean()) {
            throw refuse(null, RunRefusedException.Gate.NOT_LEADER, NOT_LEADER);
        }
        if (!live.synced()) {
            throw refuse(run, RunRefusedException.Gate.NOT_SYNCED,
                    "the reference graph is not synced: " + live.notSyncedReason());
        }
        if (live.lag() > config.prune().maxLag()) {
            throw refuse(run, RunRefusedException.Gate.LAGGING, "the state consumer is " + live.lag()
                    + " records behind, more than imageprune.prune.max-lag=" + config.prune().maxLag());
        }
        StreamStage streams;
        try {
            streams = live.read(graph -> planStage1(graph, options, targets));
        } catch (PlanRefused e) {
            throw refuse(run, e.gate, e.getMessage());
        }
        if (!current.compareAndSet(null, run)) {
            throw refuse(null, RunRefusedException.Gate.IN_PROGRESS, "another run started at the same moment");
        }
        history.add(run);
        LOG.infof("run %s (%s, %s) started on %s", run.id, trigger.label(), dry ? "dry run" : "confirmed",
                targets.describe());
        execute(run, streams).emitOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(ignored -> finished(run, null), failure -> finished(run, failure));
        return run.report();
    }

    /** Planning under the graph's lock found a closed gate; the run is refused outside it. */
    private static final class PlanRefused extends RuntimeException {
        private final RunRefusedException.Gate gate;

        PlanRefused(RunRefusedException.Gate gate, String message) {
            super(message, null, false, false);
            this.gate = gate;
        }
    }

    /**
     * Stage 1 as planned now, after checking what stage 2 would delete against the caps (safety rule 3).
     *
     * @throws PlanRefused when invalid references refuse the run, or it would delete more images than allowed
     */
    private StreamStage planStage1(ReferenceGraph graph, PruneOptions options, RunTargets targets) {
        Planner planner = Planner.of(graph, options);
        if (planner.refuses()) {
            throw new PlanRefused(RunRefusedException.Gate.INVALID_REFERENCES, planner.refusalMessage());
        }
        StreamStage stage = planner.planStreams(targets.streams());
        String tooMany = tooManyDeletions(previewImageDeletions(planner, stage, targets), graph.imageCount());
        if (tooMany != null) {
            throw new PlanRefused(RunRefusedException.Gate.TOO_MANY_DELETIONS, tooMany);
        }
        return stage;
    }

    /** Why deleting this many images is refused (safety rule 3), or null. */
    private String tooManyDeletions(int deletions, int images) {
        int limit = config.prune().maxImageDeletions();
        double share = config.prune().maxImageDeletionShare();
        if (deletions > limit || deletions > share * images) {
            return "the run would delete " + deletions + " of " + images + " images, more than "
                    + "imageprune.prune.max-image-deletions=" + limit + " or imageprune.prune.max-image-deletion-share="
                    + share;
        }
        return null;
    }

    private int previewImageDeletions(Planner planner, StreamStage stage, RunTargets targets) {
        Map<String, ImageStream> overrides = new HashMap<>();
        Set<String> released = new HashSet<>();
        for (StreamPlan plan : stage.plans()) {
            overrides.put(plan.repo(), plan.pruned());
            plan.removedRevisions().forEach(r -> released.add(r.image()));
        }
        return planner.planImages(overrides, targets.imagesWith(released)).plans().size();
    }

    // ------------------------------------------------------------------------------------------------ execution

    private Uni<Void> execute(PruneRun run, StreamStage streams) {
        streams.untouched().forEach((repo, rule) -> {
            if (rule == Rule.UNREADABLE_STREAM) {
                run.ledger.warning("imagestream " + repo + ": " + rule.description());
            }
        });
        int workers = Math.max(1, config.prune().numWorkers());
        return connect(run).chain(registry -> Multi.createFrom().iterable(streams.plans())
                        .onItem().transformToUni(plan -> stream(run, registry, plan)).merge(workers)
                        .collect().last()
                        .chain(() -> onWorker(() -> planImages(run)))
                        .chain(images -> Multi.createFrom().iterable(images)
                                .onItem().transformToUni(plan -> image(run, registry, plan)).merge(workers)
                                .collect().last())
                        .eventually(registry::close))
                .replaceWithVoid();
    }

    /** Spec §3: only a confirmed run that prunes the registry connects (and pings) it. */
    private Uni<RegistryCalls> connect(PruneRun run) {
        if (run.dryRun || !run.options.pruneRegistry()) {
            return Uni.createFrom().item(NoRegistry.INSTANCE);
        }
        String host;
        try {
            host = live.read(graph -> registries.host(graph.images(), graph.streams()));
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        return registries.connect(host).map(ClientCalls::new);
    }

    /** The registry client as a run uses it; closed when the run ends. */
    private record ClientCalls(RegistryClient client) implements RegistryCalls {
        @Override
        public Uni<Void> deleteLayerLink(String repo, String digest) {
            return client.deleteLayerLink(repo, digest);
        }

        @Override
        public Uni<Void> deleteManifestLink(String repo, String digest) {
            return client.deleteManifestLink(repo, digest);
        }

        @Override
        public Uni<Void> deleteBlob(String digest) {
            return client.deleteBlob(digest);
        }

        @Override
        public boolean deletesGlobalBlobs() {
            return client.deletesGlobalBlobs();
        }

        @Override
        public boolean retryable(Throwable failure) {
            return failure instanceof RegistryException e && e.retryable();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private List<ImagePlan> planImages(PruneRun run) {
        Set<String> released = new HashSet<>();
        run.removedByRun.values().forEach(revisions -> revisions.forEach(r -> released.add(r.image())));
        ImageStage stage = live.read(graph -> {
            Map<String, ImageStream> overrides;
            synchronized (run.streamsAfterStage1) {
                overrides = new HashMap<>(run.streamsAfterStage1);
            }
            return Planner.of(graph, run.options).planImages(overrides, run.targets.imagesWith(released));
        });
        if (stage.failure() != null) {
            run.ledger.failure(stage.failure());
        }
        // the graph may have changed a lot while stage 1 ran: the caps hold for what stage 2 deletes now
        String tooMany = live.read(graph -> tooManyDeletions(stage.plans().size(), graph.imageCount()));
        if (tooMany != null) {
            run.ledger.failure("image deletions refused: " + tooMany);
            return List.of();
        }
        run.imagePlans(stage.plans());
        return stage.plans();
    }

    // ---------------------------------------------------------------------------------------------- stage 1

    private Uni<Void> stream(PruneRun run, RegistryCalls registry, StreamPlan planned) {
        if (run.dryRun) {
            run.streamsAfterStage1.put(planned.repo(), planned.pruned());
            run.removedByRun.put(planned.repo(), planned.removedRevisions());
            run.ledger.stream(planned, Outcome.DONE, null);
            if (run.options.pruneRegistry()) {
                planned.layerLinkDeletions().forEach(b -> run.ledger.layerLink(planned.repo(), b, Outcome.DONE, null));
                planned.manifestLinkDeletions()
                        .forEach(m -> run.ledger.manifestLink(planned.repo(), m, Outcome.DONE, null));
            }
            return Uni.createFrom().voidItem();
        }
        return onWorker(() -> writeStream(run, planned)).chain(written -> {
            if (written == null || !run.options.pruneRegistry()) {
                return Uni.createFrom().voidItem();
            }
            String repo = written.repo();
            String unknown = live.read(graph -> unknownImages(written.pruned(), graph));
            if (unknown != null) {
                // its layers are not known, so any of these links may be one of them: keep them all this time
                written.layerLinkDeletions().forEach(blob -> run.ledger.layerLink(repo, blob, Outcome.SAVED, unknown));
            }
            return Multi.createFrom().iterable(unknown != null ? List.<String>of() : written.layerLinkDeletions())
                    .onItem().transformToUniAndConcatenate(blob -> guarded(run,
                            check -> check.layerLinkSaved(repo, blob, written.removedRevisions()),
                            "layer link", () -> registry.deleteLayerLink(repo, blob), registry,
                            (outcome, error) -> run.ledger.layerLink(repo, blob, outcome, error)))
                    .collect().last()
                    .chain(() -> Multi.createFrom().iterable(written.manifestLinkDeletions())
                            .onItem().transformToUniAndConcatenate(digest -> guarded(run,
                                    check -> check.manifestLinkSaved(repo, digest, written.removedRevisions()),
                                    "manifest link", () -> registry.deleteManifestLink(repo, digest), registry,
                                    (outcome, error) -> run.ledger.manifestLink(repo, digest, outcome, error)))
                            .collect().last())
                    .replaceWithVoid();
        });
    }

    /**
     * Spec §6.2-6.4 with safety rule 2: read the stream, re-decide on that copy against the graph as it is now,
     * write its status; on a conflict all of it again. Links are deleted by the caller only after this succeeded.
     *
     * @return the plan that was written, or null when nothing was written
     */
    private StreamPlan writeStream(PruneRun run, StreamPlan planned) {
        String repo = planned.repo();
        String conflict = null;
        for (int attempt = 1; attempt <= STREAM_WRITE_ATTEMPTS; attempt++) {
            String stop = stopReason(run);
            if (stop != null) {
                run.ledger.stream(planned, Outcome.SAVED, stop);
                return null;
            }
            ClusterWrites.FreshStream fresh;
            try {
                fresh = cluster.readStream(repo);
            } catch (RuntimeException e) {
                // a failed read leaves the listed stream fully protective in stage 2, as in oc
                run.ledger.stream(planned, Outcome.FAILED, ClusterWrites.failureText(e));
                return null;
            }
            if (fresh == null) {
                run.streamsAfterStage1.put(repo, null);
                run.ledger.stream(planned, Outcome.ALREADY_GONE, null);
                return null;
            }
            StreamPlan[] decided = new StreamPlan[1];
            String stopped = live.read(graph -> {
                Planner planner = Planner.of(graph, run.options);
                String graphStop = graphStopReason(planner);
                if (graphStop == null) {
                    decided[0] = planner.planFreshStream(fresh.model());
                }
                return graphStop;
            });
            if (stopped != null) {
                run.ledger.stream(planned, Outcome.SAVED, stopped);
                return null;
            }
            StreamPlan plan = decided[0];
            if (plan == null) {
                run.ledger.stream(planned, Outcome.SAVED, "the stream as it is now loses no revision");
                return null;
            }
            try {
                cluster.writeStatus(fresh, plan);
            } catch (StreamConflictException e) {
                conflict = e.getMessage();
                continue;
            } catch (NotFoundException e) {
                run.streamsAfterStage1.put(repo, null);
                run.ledger.stream(planned, Outcome.ALREADY_GONE, null);
                return null;
            } catch (RuntimeException e) {
                run.ledger.stream(planned, Outcome.FAILED, ClusterWrites.failureText(e));
                return null;
            }
            run.streamsAfterStage1.put(repo, plan.pruned());
            run.removedByRun.put(repo, plan.removedRevisions());
            run.ledger.stream(plan, Outcome.DONE, null);
            return plan;
        }
        run.ledger.stream(planned, Outcome.FAILED, conflict);
        return null;
    }

    /** The kept revisions whose image the graph does not know yet (a push still on its way), as a reason, or null. */
    private static String unknownImages(ImageStream stream, ReferenceGraph graph) {
        Set<String> unknown = new java.util.TreeSet<>();
        stream.tags().forEach(tag -> tag.items().forEach(item -> {
            if (graph.image(item.image()) == null) {
                unknown.add(item.image());
            }
        }));
        return unknown.isEmpty() ? null : "the stream keeps revisions of images not in the graph yet " + unknown
                + ", whose layers may be these";
    }

    // ---------------------------------------------------------------------------------------------- stage 2

    private Uni<Void> image(PruneRun run, RegistryCalls registry, ImagePlan plan) {
        List<String> digests = new ArrayList<>(plan.blobDeletions());
        if (plan.deleteManifestBlob()) {
            digests.add(plan.name());
        }
        if (run.dryRun) {
            boolean leftForGc = config.registry().flavour() == ImagePruneConfig.RegistryFlavour.DISTRIBUTION;
            digests.forEach(d -> run.ledger.blob(plan, d, leftForGc ? Outcome.LEFT_FOR_GC : Outcome.DONE,
                    leftForGc ? LEFT_FOR_GC : null));
            run.ledger.image(plan, Outcome.DONE, null);
            return Uni.createFrom().voidItem();
        }
        return onWorker(() -> lastMomentReason(run, check -> check.imageSaved(plan.name(), run.removedByRun)))
                .chain(saved -> {
                    if (saved != null) {
                        run.ledger.image(plan, Outcome.SAVED, saved);
                        return Uni.createFrom().voidItem();
                    }
                    return Multi.createFrom().iterable(digests)
                            .onItem().transformToUniAndConcatenate(digest -> blob(run, registry, plan, digest))
                            .collect().asList()
                            .chain(outcomes -> {
                                boolean anyDeleted = outcomes.stream().anyMatch(Outcome::succeeded);
                                boolean anyFailed = outcomes.contains(Outcome.FAILED);
                                if (anyFailed && !anyDeleted) {
                                    // every blob deletion failed: the image stays for a later run (spec §7.3)
                                    return Uni.createFrom().voidItem();
                                }
                                return onWorker(() -> deleteImage(run, plan));
                            });
                });
    }

    private Uni<Outcome> blob(PruneRun run, RegistryCalls registry, ImagePlan plan, String digest) {
        if (!registry.deletesGlobalBlobs()) {
            run.ledger.blob(plan, digest, Outcome.LEFT_FOR_GC, LEFT_FOR_GC);
            return Uni.createFrom().item(Outcome.LEFT_FOR_GC);
        }
        AtomicReference<Outcome> seen = new AtomicReference<>();
        return guarded(run, check -> check.blobSaved(digest, run.holders(digest), run.removedByRun),
                "blob", () -> registry.deleteBlob(digest), registry, (outcome, error) -> {
                    seen.set(outcome);
                    run.ledger.blob(plan, digest, outcome, error);
                }).map(ignored -> seen.get());
    }

    private Void deleteImage(PruneRun run, ImagePlan plan) {
        String saved = lastMomentReason(run, check -> check.imageSaved(plan.name(), run.removedByRun));
        if (saved != null) {
            run.ledger.image(plan, Outcome.SAVED, saved);
            return null;
        }
        try {
            run.ledger.image(plan, cluster.deleteImage(plan.name()) ? Outcome.DONE : Outcome.ALREADY_GONE, null);
        } catch (RuntimeException e) {
            run.ledger.image(plan, Outcome.FAILED, ClusterWrites.failureText(e));
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface OutcomeSink {
        void record(Outcome outcome, String error);
    }

    /**
     * One registry DELETE: the last-moment check, then the call with retries (exponential backoff with jitter) on
     * failures the registry calls retryable; the outcome goes to the sink.
     */
    private Uni<Void> guarded(PruneRun run, Function<LastMomentCheck, String> check, String operation,
                              Supplier<Uni<Void>> call, RegistryCalls registry, OutcomeSink sink) {
        long[] started = new long[1];
        ImagePruneConfig.Prune prune = config.prune();
        // the check belongs to every attempt: a retry may come seconds later, after the lease or a reference changed
        Uni<Void> attempt = onWorker(() -> lastMomentReason(run, check)).chain(saved -> {
            if (saved != null) {
                return Uni.createFrom().failure(new Saved(saved));
            }
            started[0] = System.nanoTime();
            return call.get().onItemOrFailure().invoke((ok, failure) -> metrics.registryCall(operation,
                    failure == null ? "success" : registry.retryable(failure) ? "retryable" : "failure",
                    Duration.ofNanos(System.nanoTime() - started[0])));
        });
        return attempt
                .onFailure(registry::retryable).invoke(() -> metrics.retry(operation))
                .onFailure(registry::retryable).retry()
                .withBackOff(prune.initialBackoff(), prune.maxBackoff()).withJitter(0.5)
                .atMost(Math.max(0, prune.maxAttempts() - 1))
                // the ledger's listeners publish to Kafka: never on the HTTP client's event loop
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onItemOrFailure().invoke((ok, failure) -> {
                    if (failure instanceof Saved saved) {
                        sink.record(Outcome.SAVED, saved.getMessage());
                    } else {
                        sink.record(failure == null ? Outcome.DONE : Outcome.FAILED,
                                failure == null ? null : PruneExecutor.message(failure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** A target the last-moment check kept: not a failure, never retried. */
    private static final class Saved extends RuntimeException {
        Saved(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Why the target must stay right now, or null: the run's own stop conditions, then the graph — read under its
     * lock, where "synced" is checked again, since a consumer restart empties the graph only after unmarking it.
     */
    private String lastMomentReason(PruneRun run, Function<LastMomentCheck, String> check) {
        String stop = stopReason(run);
        if (stop != null) {
            return stop;
        }
        return live.read(graph -> {
            Planner planner = Planner.of(graph, run.options);
            String graphStop = graphStopReason(planner);
            return graphStop != null ? graphStop : check.apply(planner.lastMomentCheck());
        });
    }

    /**
     * Called under the graph's read lock: why nothing may be decided on the graph now (it stopped being synced, or
     * invalid references appeared that refuse the run, as oc would), or null.
     */
    private String graphStopReason(Planner planner) {
        if (!live.synced()) {
            return "the reference graph stopped being synced: " + live.notSyncedReason();
        }
        return planner.refuses() ? "invalid references appeared: " + planner.refusalMessage() : null;
    }

    /** Safety rule 3 while running: no DELETE from a graph that stopped being synced or lags, or without the lease. */
    private String stopReason(PruneRun run) {
        if (shuttingDown) {
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

    private static <T> Uni<T> onWorker(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private void observed(PruneRun run, ActionRecord action) {
        metrics.action(action, run.dryRun);
        audit.action(run.id, run.dryRun, Instant.now(), action);
        if (action.outcome() == Outcome.FAILED) {
            LOG.warnf("run %s: %s", run.id, action.error());
        }
    }

    private void finished(PruneRun run, Throwable failure) {
        try {
            Instant end = Instant.now();
            PruneResult result = run.ledger.result(List.of(), false);
            String reason = failure == null ? null : PruneExecutor.message(failure);
            PruneRun.State state = failure != null || !result.failures().isEmpty() ? PruneRun.State.FAILED
                    : PruneRun.State.SUCCEEDED;
            run.finish(state, reason, result, end);
            metrics.run(run.trigger, state.name(), Duration.between(run.startedAt, end));
            publishSummary(run);
            // the run's events are on their way to the topic before the next run starts (bounded wait)
            audit.flush();
            LOG.infof("run %s %s: %s%s", run.id, state.name().toLowerCase(), result.stats(),
                    reason == null ? "" : " (" + reason + ")");
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: finishing it failed", run.id);
        } finally {
            // whatever happened above, the next run must be able to start
            current.set(null);
        }
    }

    private RunRefusedException refuse(PruneRun run, RunRefusedException.Gate gate, String reason) {
        metrics.refused(gate);
        if (run == null) {
            // another run or another replica is pruning: nothing is wrong
            LOG.debugf("prune run refused (%s): %s", gate.name().toLowerCase(), reason);
        } else {
            LOG.warnf("prune run refused (%s): %s", gate.name().toLowerCase(), reason);
        }
        if (run == null) {
            return new RunRefusedException(gate, reason, null);
        }
        run.finish(PruneRun.State.REFUSED, reason, null, run.startedAt);
        history.add(run);
        publishSummary(run);
        return new RunRefusedException(gate, reason, run.id);
    }

    private void publishSummary(PruneRun run) {
        RunReport report = run.report();
        audit.summary(new RunSummary(run.id, run.trigger.label(), run.dryRun, run.startedAt, run.finishedAt(),
                run.state() == PruneRun.State.REFUSED ? run.reason() : null, report.stats(), report.bytesReclaimed(),
                report.failures(), outcomes(report, Outcome.SAVED), outcomes(report, Outcome.LEFT_FOR_GC)));
    }

    private static int outcomes(RunReport report, Outcome outcome) {
        return report.actions().values().stream().mapToInt(counts -> counts.getOrDefault(outcome.name(), 0)).sum();
    }

    private static String runId(Instant now) {
        return RUN_ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000,
                0x1000000));
    }

    /** What a dry run, or a run that leaves the registry alone, connects to. */
    private enum NoRegistry implements RegistryCalls {
        INSTANCE;

        @Override
        public Uni<Void> deleteLayerLink(String repo, String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> deleteManifestLink(String repo, String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> deleteBlob(String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public boolean deletesGlobalBlobs() {
            return true;
        }

        @Override
        public boolean retryable(Throwable failure) {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
