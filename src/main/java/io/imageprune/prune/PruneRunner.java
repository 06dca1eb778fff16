package io.imageprune.prune;

import io.imageprune.audit.AuditPublisher;
import io.imageprune.audit.RunJournal;
import io.imageprune.audit.RunSummary;
import io.imageprune.audit.UnfinishedLink;
import io.imageprune.cluster.ClusterWrites;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.execute.DeletionCaps;
import io.imageprune.execute.DeletionCounts;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.StreamStage;
import io.imageprune.registry.RegistryConnections;
import io.imageprune.registry.RegistryHost;
import io.imageprune.state.LiveGraph;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Starts prune runs on the live graph and sees them through: gates and per-run caps first (safety rule 3), then
 * stage 1 ({@link StageOneDriver}) and stage 2 ({@link StageTwoDriver}) as jobs on a Mutiny pool with at most
 * {@code num-workers} streams or images in flight, then the summary. oc's rules of what each outcome means live in
 * {@code execute} ({@link io.imageprune.execute.StreamStep}, {@link io.imageprune.execute.ImageStep}); every
 * request is sent from {@link RunRequests}. One run at a time.
 */
@ApplicationScoped
public class PruneRunner {
    private static final Logger LOG = Logger.getLogger(PruneRunner.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final LiveGraph live;
    private final ImagePruneConfig config;
    private final RegistryConnections registries;
    private final AuditPublisher audit;
    private final PruneMetrics metrics;
    private final RunHistory history;
    private final PruneSettings settings;
    private final DeletionCaps caps;
    private final RunJournal journal;
    private final UnfinishedLinks unfinishedLinks;
    private final StageOneDriver stageOne;
    private final StageTwoDriver stageTwo;
    private final Reclamation reclamation;
    private final Instance<ClusterImageConfig> imageConfig;
    private final AtomicReference<PruneRun> current = new AtomicReference<>();
    private volatile BooleanSupplier leadership = () -> true;
    private volatile boolean shuttingDown;

    public PruneRunner(LiveGraph live, ImagePruneConfig config, ClusterWrites cluster, RegistryConnections registries,
                       AuditPublisher audit, PruneMetrics metrics, RunHistory history, PruneSettings settings,
                       DeletionCaps caps, DeletionBudget budget, RunJournal journal, UnfinishedLinks unfinishedLinks,
                       Reclamation reclamation, Instance<ClusterImageConfig> imageConfig) {
        this.reclamation = reclamation;
        this.imageConfig = imageConfig;
        this.unfinishedLinks = unfinishedLinks;
        this.journal = journal;
        this.settings = settings;
        this.live = live;
        this.config = config;
        this.registries = registries;
        this.audit = audit;
        this.metrics = metrics;
        this.history = history;
        this.caps = caps;
        RunGuard guard = new RunGuard(live, config, () -> leadership.getAsBoolean(), () -> shuttingDown);
        RunRequests requests = new RunRequests(cluster, config.prune(), metrics, guard, journal);
        this.stageOne = new StageOneDriver(live, cluster, requests, guard, budget);
        this.stageTwo = new StageTwoDriver(live, requests, guard, caps, budget,
                config.registry().flavour() == ImagePruneConfig.RegistryFlavour.DISTRIBUTION);
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
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            running = current.get();
        }
        if (running != null && running.state() == PruneRun.State.RUNNING) {
            LOG.warnf("run %s has not ended %s after shutdown began (a request is still on its way): no summary; "
                    + "its actions so far are audited and the next start lists it as interrupted", running.id, bound);
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
            throw refuse(null, RunRefusedException.Gate.NOT_LEADER, RunGuard.SHUTTING_DOWN);
        }
        if (!leadership.getAsBoolean()) {
            throw refuse(null, RunRefusedException.Gate.NOT_LEADER, RunGuard.NOT_LEADER);
        }
        if (!live.synced()) {
            throw refuse(run, RunRefusedException.Gate.NOT_SYNCED,
                    "the reference graph is not synced: " + live.notSyncedReason());
        }
        if (live.lag() > config.prune().maxLag()) {
            throw refuse(run, RunRefusedException.Gate.LAGGING, "the state consumer is " + live.lag()
                    + " records behind, more than imageprune.prune.max-lag=" + config.prune().maxLag());
        }
        // a confirmed full run that prunes the registry finishes what interrupted runs left after their stream writes
        List<UnfinishedLink> leftovers = !dry && targets.full() && options.pruneRegistry()
                ? unfinishedLinks.pending() : List.of();
        StreamStage streams;
        Uni<RegistryHost> registryHost;
        try {
            streams = live.read(graph -> planStage1(graph, options, targets, leftovers));
            registryHost = dry || !options.pruneRegistry() ? null : live.read(this::registryHost);
        } catch (PlanRefused e) {
            throw refuse(run, e.gate, e.getMessage());
        }
        if (!current.compareAndSet(null, run)) {
            throw refuse(null, RunRefusedException.Gate.IN_PROGRESS, "another run started at the same moment");
        }
        history.add(run);
        LOG.infof("run %s (%s, %s) started on %s", run.id, trigger.label(), dry ? "dry run" : "confirmed",
                targets.describe());
        // durable runs: run.started is on the audit topic before the first action
        journal.started(RunStarts.of(run, streams, config)).chain(() -> execute(run, streams, leftovers, registryHost))
                .emitOn(Infrastructure.getDefaultWorkerPool())
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
     * Stage 1 as planned now, after checking what the whole run would delete against the per-run caps (safety rule
     * 3): its links, and the images and blobs stage 2 would delete after it.
     *
     * @throws PlanRefused when invalid references refuse the run, or it would delete more of a kind than allowed
     */
    private StreamStage planStage1(ReferenceGraph graph, PruneOptions options, RunTargets targets,
                                   List<UnfinishedLink> leftovers) {
        if (!live.synced()) {
            // checked again under the lock: a consumer restart empties the graph only after unmarking it
            throw new PlanRefused(RunRefusedException.Gate.NOT_SYNCED,
                    "the reference graph is not synced: " + live.notSyncedReason());
        }
        Planner planner = Planner.of(graph, options);
        if (planner.refuses()) {
            throw new PlanRefused(RunRefusedException.Gate.INVALID_REFERENCES, planner.refusalMessage());
        }
        StreamStage stage = planner.planStreams(targets.streams());
        List<ImagePlan> images = planner.planImages(stage.prunedStreams(), targets.imagesWith(stage.releasedImages()))
                .plans();
        DeletionCounts planned = DeletionCounts.of(stage.plans(), images, options.pruneRegistry());
        int leftoverLayers = (int) leftovers.stream().filter(l -> l.kind() == ActionKind.LAYER_LINK).count();
        DeletionCounts counts = new DeletionCounts(planned.images(), planned.layerLinks() + leftoverLayers,
                planned.manifestLinks() + leftovers.size() - leftoverLayers, planned.blobs());
        String tooMany = caps.exceeded(counts, graph.imageCount());
        if (tooMany != null) {
            throw new PlanRefused(RunRefusedException.Gate.TOO_MANY_DELETIONS, tooMany);
        }
        return stage;
    }

    // ------------------------------------------------------------------------------------------------ execution

    private Uni<Void> execute(PruneRun run, StreamStage streams, List<UnfinishedLink> leftovers,
                              Uni<RegistryHost> registryHost) {
        PruneExecutor.warnUnreadable(streams, run.ledger);
        PruneExecutor.warnGraphScope(run.options, run.ledger);
        int workers = Math.max(1, config.prune().numWorkers());
        return connect(registryHost).chain(registry -> stageOne.leftoverLinks(run, registry, leftovers, unfinishedLinks)
                        .chain(() -> Multi.createFrom().iterable(streams.plans())
                        .onItem().transformToUni(plan -> stageOne.stream(run, registry, plan)).merge(workers)
                        .collect().last()
                        .chain(() -> RunRequests.onWorker(() -> stageTwo.plan(run, registry)))
                        .chain(images -> Multi.createFrom().iterable(images)
                                .onItem().transformToUni(plan -> stageTwo.image(run, registry, plan)).merge(workers)
                                .collect().last()))
                        .eventually(registry::close))
                .replaceWithVoid();
    }

    /**
     * The registry of a confirmed run that prunes it: configured, else (drop-in) the image config's, else discovered;
     * a host only discovered from image references gets the token only when allowed. A host that cannot be found
     * fails the run when it connects, as oc fails.
     *
     * @throws PlanRefused when the host was discovered and {@code imageprune.registry.allow-discovered-host} is false
     */
    private Uni<RegistryHost> registryHost(ReferenceGraph graph) {
        Optional<String> internal = config.imagePruner().enabled()
                ? imageConfig.get().observed().internalRegistryHostname() : Optional.empty();
        RegistryHost host;
        try {
            host = registries.host(internal, graph.images(), graph.streams());
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
        if (host.source() == RegistryHost.Source.DISCOVERED && !config.registry().allowDiscoveredHost()) {
            throw new PlanRefused(RunRefusedException.Gate.UNTRUSTED_REGISTRY_HOST, "the registry host " + host.url()
                    + " was only discovered from image references, which anyone who can create an image or a stream"
                    + " chooses; a confirmed run does not send deletions and the service account token there: set"
                    + " imageprune.registry.url" + (config.imagePruner().enabled()
                    ? " (or wait for images.config.openshift.io/cluster to name the internal registry)"
                    : " or use the ImagePruner drop-in") + ", or imageprune.registry.allow-discovered-host=true");
        }
        return Uni.createFrom().item(host);
    }

    /** algorithm §3: only a confirmed run that prunes the registry connects (and pings) it. */
    private Uni<RegistryCalls> connect(Uni<RegistryHost> host) {
        if (host == null) {
            return Uni.createFrom().item(RegistryCalls.NONE);
        }
        return host.chain(registries::connect).map(RegistryCalls::of);
    }

    private void observed(PruneRun run, ActionRecord action) {
        Instant now = Instant.now();
        metrics.action(action, run.dryRun);
        reclamation.acted(action, run.dryRun, run.startedAt, now);
        audit.action(run.id, run.dryRun, now, action);
        if (action.outcome() == Outcome.FAILED) {
            LOG.warnf("run %s: %s", run.id, action.error());
        }
    }

    private void finished(PruneRun run, Throwable failure) {
        try {
            Instant end = Instant.now();
            PruneResult result = run.ledger.result(List.of(), false);
            String stop = run.stoppedBy();
            // a run held back by the lease, staleness or shutdown did not do its job: never reported as succeeded
            String reason = failure != null ? PruneExecutor.message(failure)
                    : stop != null ? RunSummary.STOPPED_PREFIX + stop : null;
            PruneRun.State state = reason != null || !result.failures().isEmpty() ? PruneRun.State.FAILED
                    : PruneRun.State.SUCCEEDED;
            run.finish(state, reason, result, end);
            metrics.run(run.trigger, state.name(), Duration.between(run.startedAt, end));
            publishSummary(run);
            if (!run.dryRun) {
                // a confirmed run's events are on the topic before the next run starts (bounded wait); a dry run's
                // follow in order on the one sender thread, and a slow broker must not hold up the next run
                audit.flush();
            }
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
                report.failures(), outcomes(report, Outcome.SAVED), outcomes(report, Outcome.LEFT_FOR_GC),
                run.state().name(), run.reason(), List.of()));
    }

    private static int outcomes(RunReport report, Outcome outcome) {
        return report.actions().values().stream().mapToInt(counts -> counts.getOrDefault(outcome.name(), 0)).sum();
    }

    private static String runId(Instant now) {
        return RUN_ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000,
                0x1000000));
    }
}
