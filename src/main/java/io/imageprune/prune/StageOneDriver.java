package io.imageprune.prune;

import io.imageprune.audit.Intent;
import io.imageprune.audit.UnfinishedLink;
import io.imageprune.execute.ActionKind;
import io.imageprune.cluster.ClusterWrites;
import io.imageprune.cluster.StreamConflictException;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.execute.DeletionCounts;
import io.imageprune.execute.NotFoundException;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.StreamStep;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ImageStream;
import io.imageprune.policy.Planner;
import io.imageprune.policy.StreamPlan;
import io.imageprune.state.LiveGraph;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stage 1 of a run for one stream (algorithm §6.2-6.4, safety rules 2 and 4): read the stream, re-decide on that copy
 * against the graph as it is now, take its links from the window's budget, write its status (again on a conflict),
 * then its links one after the other, each re-checked. What each outcome means is {@link StreamStep}'s to say.
 */
final class StageOneDriver {
    private static final int STREAM_WRITE_ATTEMPTS = 5;

    private final LiveGraph live;
    private final ClusterWrites cluster;
    private final RunRequests requests;
    private final RunGuard guard;
    private final DeletionBudget budget;

    StageOneDriver(LiveGraph live, ClusterWrites cluster, RunRequests requests, RunGuard guard, DeletionBudget budget) {
        this.live = live;
        this.cluster = cluster;
        this.requests = requests;
        this.guard = guard;
        this.budget = budget;
    }

    Uni<Void> stream(PruneRun run, RegistryCalls registry, StreamPlan planned) {
        StreamStep step = new StreamStep(planned, run.options.pruneRegistry(), run.ledger, run.stageOne);
        if (run.dryRun) {
            step.written(planned);
            step.layerLinks().forEach(blob -> step.layerLink(blob, Outcome.DONE, null));
            step.manifestLinks().forEach(digest -> step.manifestLink(digest, Outcome.DONE, null));
            return Uni.createFrom().voidItem();
        }
        return RunRequests.onWorker(() -> writeStream(run, step)).chain(written -> {
            if (!written || step.layerLinks().isEmpty() && step.manifestLinks().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            StreamPlan plan = step.writtenPlan();
            String repo = step.repo();
            List<String> layerLinks = step.layerLinks();
            String unknown = live.read(graph -> unknownImages(plan.pruned(), graph));
            if (unknown != null) {
                // its layers are not known, so any of these links may be one of them: keep them all this time
                layerLinks.forEach(blob -> layerLinkKept(step, blob, unknown));
                layerLinks = List.of();
            }
            return Multi.createFrom().iterable(layerLinks)
                    .onItem().transformToUniAndConcatenate(blob -> requests.registryDelete(run,
                            check -> check.layerLinkSaved(repo, blob, plan.removedRevisions()),
                            "layer link", Intent.layerLink(repo, blob), () -> registry.deleteLayerLink(repo, blob), registry, (outcome, error) -> {
                                giveBackIfNotSent(outcome, DeletionCounts.LAYER_LINK);
                                step.layerLink(blob, outcome, error);
                            }))
                    .collect().last()
                    .chain(() -> Multi.createFrom().iterable(step.manifestLinks())
                            .onItem().transformToUniAndConcatenate(digest -> requests.registryDelete(run,
                                    check -> check.manifestLinkSaved(repo, digest, plan.removedRevisions()),
                                    "manifest link", Intent.manifestLink(repo, digest),
                                    () -> registry.deleteManifestLink(repo, digest), registry,
                                    (outcome, error) -> {
                                        giveBackIfNotSent(outcome, DeletionCounts.MANIFEST_LINK);
                                        step.manifestLink(digest, outcome, error);
                                    }))
                            .collect().last())
                    .replaceWithVoid();
        });
    }

    /**
     * The links interrupted runs planned after their stream writes but did not delete (see {@link UnfinishedLinks}),
     * one after the other, each as any link: the window's budget, the last-moment check against the graph as it is
     * now (the stream may name the image again), its intent, retries; then forgotten unless still to do.
     */
    Uni<Void> leftoverLinks(PruneRun run, RegistryCalls registry, List<UnfinishedLink> links, UnfinishedLinks owner) {
        return Multi.createFrom().iterable(links)
                .onItem().transformToUniAndConcatenate(link -> leftoverLink(run, registry, link, owner))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> leftoverLink(PruneRun run, RegistryCalls registry, UnfinishedLink link, UnfinishedLinks owner) {
        boolean layer = link.kind() == ActionKind.LAYER_LINK;
        DeletionCounts one = layer ? DeletionCounts.LAYER_LINK : DeletionCounts.MANIFEST_LINK;
        String repo = link.repository();
        String digest = link.digest();
        RunRequests.OutcomeSink record = (outcome, error) -> {
            if (layer) {
                run.ledger.layerLink(repo, digest, outcome, error);
            } else {
                run.ledger.manifestLink(repo, digest, outcome, error);
            }
            owner.settled(link, outcome);
        };
        RunRequests.OutcomeSink sink = (outcome, error) -> {
            giveBackIfNotSent(outcome, one);
            record.record(outcome, error);
        };
        return RunRequests.onWorker(() -> {
            String deferred = budget.take(Instant.now(), one);
            if (deferred != null) {
                record.record(Outcome.DEFERRED, deferred);
                return false;
            }
            String unknown = layer ? live.read(graph -> {
                ImageStream stream = graph.stream(repo);
                return stream == null ? null : unknownImages(stream, graph);
            }) : null;
            if (unknown != null) {
                sink.record(Outcome.SAVED, unknown);
                return false;
            }
            return true;
        }).chain(send -> !send ? Uni.createFrom().voidItem() : layer
                ? requests.registryDelete(run, check -> check.leftoverLayerLinkSaved(repo, digest,
                        link.releasedImages()), "layer link", link.intent(),
                        () -> registry.deleteLayerLink(repo, digest), registry, sink)
                : requests.registryDelete(run, check -> check.leftoverManifestLinkSaved(repo, digest),
                        "manifest link", link.intent(), () -> registry.deleteManifestLink(repo, digest), registry,
                        sink));
    }

    private void layerLinkKept(StreamStep step, String blob, String reason) {
        budget.giveBack(Instant.now(), DeletionCounts.LAYER_LINK);
        step.layerLink(blob, Outcome.SAVED, reason);
    }

    private void giveBackIfNotSent(Outcome outcome, DeletionCounts one) {
        if (!outcome.attempted()) {
            budget.giveBack(Instant.now(), one);
        }
    }

    /**
     * algorithm §6.2-6.4 with safety rule 2: read the stream, re-decide on that copy against the graph as it is now,
     * write its status; on a conflict all of it again. Links are deleted by the caller only after this succeeded.
     *
     * @return whether the status was written
     */
    private boolean writeStream(PruneRun run, StreamStep step) {
        String repo = step.repo();
        String conflict = null;
        for (int attempt = 1; attempt <= STREAM_WRITE_ATTEMPTS; attempt++) {
            String stop = guard.stopReason(run);
            if (stop != null) {
                step.notAttempted(Outcome.SAVED, stop);
                return false;
            }
            ClusterWrites.FreshStream fresh;
            try {
                fresh = cluster.readStream(repo);
            } catch (RuntimeException e) {
                // a failed read leaves the listed stream fully protective in stage 2, as in oc
                step.failed(ClusterWrites.failureText(e));
                return false;
            }
            if (fresh == null) {
                step.gone();
                return false;
            }
            StreamPlan[] decided = new StreamPlan[1];
            String stopped = live.read(graph -> {
                Planner planner = Planner.of(graph, run.options);
                String graphStop = guard.graphStopReason(run, planner);
                if (graphStop == null) {
                    decided[0] = planner.planFreshStream(fresh.model());
                }
                return graphStop;
            });
            if (stopped != null) {
                step.notAttempted(Outcome.SAVED, stopped);
                return false;
            }
            StreamPlan plan = decided[0];
            if (plan == null) {
                step.notAttempted(Outcome.SAVED, "the stream as it is now loses no revision");
                return false;
            }
            // the links the write lets go are taken with it: a stream written without its links would lose them
            DeletionCounts links = run.options.pruneRegistry() ? DeletionCounts.links(plan) : DeletionCounts.NONE;
            String deferred = budget.take(Instant.now(), links);
            if (deferred != null) {
                step.notAttempted(Outcome.DEFERRED, deferred);
                return false;
            }
            try {
                requests.writeStatus(run, fresh, plan, () -> decisionStands(run, fresh, plan));
            } catch (RunRequests.NotSent e) {
                budget.giveBack(Instant.now(), links);
                step.notAttempted(Outcome.SAVED, e.getMessage());
                return false;
            } catch (StreamConflictException e) {
                budget.giveBack(Instant.now(), links);
                conflict = e.getMessage();
                continue;
            } catch (NotFoundException e) {
                budget.giveBack(Instant.now(), links);
                step.gone();
                return false;
            } catch (RuntimeException e) {
                budget.giveBack(Instant.now(), links);
                step.failed(ClusterWrites.failureText(e));
                return false;
            }
            step.written(plan);
            return true;
        }
        step.failed(conflict);
        return false;
    }

    /** Asked right before the write: why the stream must now stay as it is (a stop, or a changed decision), or null. */
    private String decisionStands(PruneRun run, ClusterWrites.FreshStream fresh, StreamPlan plan) {
        String stop = guard.stopReason(run);
        if (stop != null) {
            return stop;
        }
        return live.read(graph -> {
            Planner planner = Planner.of(graph, run.options);
            String graphStop = guard.graphStopReason(run, planner);
            if (graphStop != null) {
                return graphStop;
            }
            return plan.equals(planner.planFreshStream(fresh.model())) ? null
                    : "the decision changed while its audit record was being written";
        });
    }

    /** The kept revisions whose image the graph does not know yet (a push still on its way), as a reason, or null. */
    private static String unknownImages(ImageStream stream, ReferenceGraph graph) {
        Set<String> unknown = new TreeSet<>();
        stream.tags().forEach(tag -> tag.items().forEach(item -> {
            if (graph.image(item.image()) == null) {
                unknown.add(item.image());
            }
        }));
        return unknown.isEmpty() ? null : "the stream keeps revisions of images not in the graph yet " + unknown
                + ", whose layers may be these";
    }
}
