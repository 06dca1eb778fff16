package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.Rule;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Targeted passes ({@code planStreams(S)}, {@code planImages(overrides, T)}) must give every target exactly the
 * decision of a full run: a targeted pass is how a run re-plans part of the cluster, and any difference would mean a
 * partial run deletes something a full run keeps (or the other way round).
 *
 * <p>Stage 2 is the delicate one: a blob goes when its last holder goes, so an image's blob deletions depend on which
 * other images go with it. The expected targeted set is computed here independently, as the connected component of
 * the targets among the full run's deletions through the digests (an image's own name included) that the full run
 * deletes: those whose holders all go. A digest a kept image holds is deleted by no one and ties nothing together.
 */
class TargetedPlanningTest {

    @Test
    void targetedStageOneIsTheFullStageOneRestrictedToTheTargets() {
        int[] plansSeen = {0};
        int[] untouchedSeen = {0};
        forEachSeed("targeted stage 1", (c, rnd) -> {
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            ReferenceGraph g = c.sharedGraph();
            Planner planner = Planner.of(g, o);
            Set<String> targets = randomStreamTargets(c, rnd);
            String ctx = c.summary() + ", " + describe(o) + ", targets " + new TreeSet<>(targets);

            StreamStage full = planner.planStreams();
            StreamStage targeted = planner.planStreams(targets);

            List<StreamPlan> expectedPlans = full.plans().stream().filter(p -> targets.contains(p.repo())).toList();
            assertEquals(expectedPlans, targeted.plans(), ctx + ": stream plans");
            Map<String, Rule> expectedUntouched = new TreeMap<>(full.untouched());
            expectedUntouched.keySet().retainAll(targets);
            assertEquals(expectedUntouched, new TreeMap<>(targeted.untouched()), ctx + ": untouched streams");
            plansSeen[0] += expectedPlans.size();
            untouchedSeen[0] += expectedUntouched.size();
        });
        assertTrue(plansSeen[0] > 0 && untouchedSeen[0] > 0,
                "vacuous: targets never hit a pruned stream (" + plansSeen[0] + ") or an untouched one ("
                        + untouchedSeen[0] + ")");
    }

    @Test
    void targetedStageTwoGivesEveryImageItsFullRunPlanAndIsClosedUnderSharedBlobs() {
        int[] targetsDeleted = {0};
        int[] pulledInBySharing = {0};
        forEachSeed("targeted stage 2", (c, rnd) -> {
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            ReferenceGraph g = c.sharedGraph();
            Planner planner = Planner.of(g, o);
            Map<String, ImageStream> overrides = stageOneOutcome(planner);
            Set<String> targets = randomImageTargets(c, rnd);
            String ctx = c.summary() + ", " + describe(o) + ", " + targets.size() + " image targets";

            ImageStage full = planner.planImages(overrides);
            ImageStage targeted = planner.planImages(overrides, targets);
            if (full.failure() != null) {
                assertEquals(full.failure(), targeted.failure(), ctx + ": an aborted stage 2 aborts the same way");
                assertEquals(List.of(), targeted.plans(), ctx + ": an aborted stage 2 deletes nothing");
                return;
            }
            assertNull(targeted.failure(), ctx + ": targeted stage 2 failed where the full one did not");

            Map<String, ImagePlan> fullByName = byName(full.plans(), ctx + ", full run");
            Map<String, ImagePlan> targetedByName = byName(targeted.plans(), ctx + ", targeted run");

            for (ImagePlan plan : full.plans()) {
                if (targets.contains(plan.name())) {
                    assertEquals(plan, targetedByName.get(plan.name()),
                            ctx + ": target " + plan.name() + " is deleted by the full run, so identically here");
                }
            }
            for (ImagePlan plan : targeted.plans()) {
                ImagePlan fullPlan = fullByName.get(plan.name());
                assertNotNull(fullPlan, ctx + ": " + plan.name() + " deleted by the targeted run only");
                assertEquals(fullPlan.blobDeletions(), plan.blobDeletions(), ctx + ": blob deletions of " + plan.name());
                assertEquals(fullPlan.deleteManifestBlob(), plan.deleteManifestBlob(),
                        ctx + ": manifest blob of " + plan.name());
                assertEquals(fullPlan, plan, ctx + ": plan of " + plan.name());
            }

            // closure, stated on the cluster: every holder of a digest the targeted run deletes goes in this run too
            Map<String, List<String>> holders = holdersByDigest(c.images);
            for (ImagePlan plan : targeted.plans()) {
                List<String> deletedDigests = new ArrayList<>(plan.blobDeletions());
                if (plan.deleteManifestBlob()) {
                    deletedDigests.add(plan.name());
                }
                for (String digest : deletedDigests) {
                    for (String holder : holders.get(digest)) {
                        assertTrue(fullByName.containsKey(holder), ctx + ": blob " + digest + " deleted (with "
                                + plan.name() + ") although the full run keeps its holder " + holder);
                        assertTrue(targetedByName.containsKey(holder), ctx + ": blob " + digest + " deleted (with "
                                + plan.name() + ") but its holder " + holder + ", deleted by the full run, is not "
                                + "in the targeted stage");
                    }
                }
            }

            // and nothing more than that closure: exactly the targets' component among the full run's deletions
            Set<String> expected = component(targets, full.plans(), holders);
            assertEquals(new TreeSet<>(expected), new TreeSet<>(targetedByName.keySet()),
                    ctx + ": targeted set is not the targets plus their blob-sharing deletions");
            assertEquals(full.plans().stream().filter(p -> expected.contains(p.name())).toList(), targeted.plans(),
                    ctx + ": targeted plans, in name order");

            Set<String> deletedTargets = new HashSet<>(targets);
            deletedTargets.retainAll(fullByName.keySet());
            targetsDeleted[0] += deletedTargets.size();
            pulledInBySharing[0] += expected.size() - deletedTargets.size();
        });
        assertTrue(targetsDeleted[0] > 0, "vacuous: no target was ever deleted");
        assertTrue(pulledInBySharing[0] > 0, "vacuous: sharing never pulled a non-target into the targeted stage");
    }

    @Test
    void targetingEveryImageIsTheFullStageTwo() {
        int[] deletingPlans = {0};
        forEachSeed("targeted stage 2, all images", (c, rnd) -> {
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            Planner planner = Planner.of(c.sharedGraph(), o);
            Map<String, ImageStream> overrides = stageOneOutcome(planner);
            Set<String> all = new HashSet<>(c.imageByName.keySet());
            var full = planner.planImages(overrides);
            assertEquals(full, planner.planImages(overrides, all), c.summary() + ", " + describe(o));
            deletingPlans[0] += full.plans().isEmpty() ? 0 : 1;
        });
        assertTrue(deletingPlans[0] > 0, "vacuous: the full stage 2 never deleted an image");
    }

    // ================================================================= helpers

    /** The streams as a full stage 1 leaves them: repository → pruned copy. */
    private static Map<String, ImageStream> stageOneOutcome(Planner planner) {
        Map<String, ImageStream> overrides = new HashMap<>();
        for (StreamPlan plan : planner.planStreams().plans()) {
            overrides.put(plan.repo(), plan.pruned());
        }
        return overrides;
    }

    /** About half the streams, sometimes none or all, plus now and then a repository no stream has. */
    private static Set<String> randomStreamTargets(RandomCluster c, Random rnd) {
        Set<String> targets = new HashSet<>();
        int mode = rnd.nextInt(10);
        for (ImageStream s : c.streams) {
            if (mode == 0 || mode > 1 && rnd.nextBoolean()) {
                targets.add(s.repo());
            }
        }
        if (rnd.nextInt(4) == 0) {
            targets.add("nowhere/" + rnd.nextInt(1000));
        }
        return targets;
    }

    /** A few images (a single one often, to make the closure do the work), and now and then an unknown digest. */
    private static Set<String> randomImageTargets(RandomCluster c, Random rnd) {
        Set<String> targets = new HashSet<>();
        List<Image> images = c.images;
        int n = rnd.nextInt(3) == 0 ? 1 : rnd.nextInt(1 + images.size() / 3);
        for (int i = 0; i < n; i++) {
            targets.add(images.get(rnd.nextInt(images.size())).name());
        }
        if (rnd.nextInt(4) == 0) {
            targets.add("sha256:" + "0".repeat(63) + rnd.nextInt(10));
        }
        return targets;
    }

    private static Map<String, ImagePlan> byName(List<ImagePlan> plans, String ctx) {
        Map<String, ImagePlan> out = new LinkedHashMap<>();
        for (ImagePlan plan : plans) {
            if (out.put(plan.name(), plan) != null) {
                fail(ctx + ": image " + plan.name() + " planned twice");
            }
        }
        return out;
    }

    /** Digest → images holding it (layers and config from the spec's blob set, and the image's own manifest). */
    static Map<String, List<String>> holdersByDigest(java.util.Collection<Image> images) {
        Map<String, List<String>> holders = new HashMap<>();
        for (Image image : images) {
            holders.computeIfAbsent(image.name(), k -> new ArrayList<>()).add(image.name());
            for (String blob : RandomCluster.blobsOf(image)) {
                holders.computeIfAbsent(blob, k -> new ArrayList<>()).add(image.name());
            }
        }
        return holders;
    }

    /**
     * The images of {@code deleted} reachable from the targets through digests held in common whose holders are all
     * deleted.
     */
    static Set<String> component(Set<String> targets, List<ImagePlan> deleted,
                                         Map<String, List<String>> holders) {
        Set<String> deletedNames = new HashSet<>();
        deleted.forEach(plan -> deletedNames.add(plan.name()));
        Map<String, Set<String>> digestsOf = new HashMap<>();
        for (ImagePlan plan : deleted) {
            Set<String> digests = new HashSet<>(RandomCluster.blobsOf(plan.image()));
            digests.add(plan.name());
            digests.removeIf(digest -> !deletedNames.containsAll(holders.get(digest)));
            digestsOf.put(plan.name(), digests);
        }
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String t : targets) {
            if (digestsOf.containsKey(t) && reached.add(t)) {
                todo.add(t);
            }
        }
        while (!todo.isEmpty()) {
            Set<String> mine = digestsOf.get(todo.pop());
            for (Map.Entry<String, Set<String>> other : digestsOf.entrySet()) {
                if (!reached.contains(other.getKey()) && !java.util.Collections.disjoint(mine, other.getValue())) {
                    reached.add(other.getKey());
                    todo.add(other.getKey());
                }
            }
        }
        return reached;
    }
}
