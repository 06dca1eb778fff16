package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.graph.ReferrerEntry;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.Eligibility;
import io.imageprune.policy.Extensions;
import io.imageprune.policy.ImagePlan;
import io.imageprune.policy.ImageStage;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event-driven passes on a graph that changes between them: a generated sequence of events (a pod or another referrer
 * deleted, a tag given a new revision, a revision dropped, an image deleted or put back, an image given the protect
 * annotation) is applied to one graph, and after each event the pass the service makes — {@link Eligibility} names
 * the due streams and images, stage 1 on those streams, stage 2 on those images plus what stage 1 released — must
 * decide exactly as a whole-graph plan restricted to the same targets, and delete nothing the full run keeps. The
 * graph's digest → images index, built by the first pass, must follow every change (checked against the images).
 */
class EventDrivenPlanningTest {
    private static final int EVENTS_PER_SEED = 8;

    private enum Kind { POD_DELETED, REFERRER_DELETED, NEW_REVISION, REVISION_DROPPED, IMAGE_DELETED, IMAGE_PUT,
        IMAGE_PROTECTED }

    @Test
    void eachEventsTargetedPassDecidesAsTheWholeGraphPlanRestrictedToItsTargets() {
        int[] perKind = new int[Kind.values().length];
        int[] deletingPasses = {0};
        int[] pulledIn = {0};
        int[] indexChecks = {0};
        forEachSeed("event-driven passes", (c, rnd) -> {
            ReferenceGraph g = c.graph();
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            if (rnd.nextBoolean()) {
                o = o.withExtensions(new Extensions(false, false, false, true, false));
            }
            Duration keepYoungerThan = Duration.between(o.threshold(), RandomCluster.NOW);
            List<Image> removed = new ArrayList<>();
            for (int e = 0; e < EVENTS_PER_SEED; e++) {
                Kind kind = Kind.values()[rnd.nextInt(Kind.values().length)];
                List<Eligibility.Due> due = apply(kind, g, c, rnd, removed, keepYoungerThan);
                if (due == null) {
                    continue;
                }
                perKind[kind.ordinal()]++;
                String ctx = c.summary() + ", " + describe(o) + ", event " + e + " " + kind;
                int deleted = checkPass(g, o, due, ctx, pulledIn);
                deletingPasses[0] += deleted > 0 ? 1 : 0;
                assertIndexFollowsTheGraph(g, ctx);
                indexChecks[0]++;
            }
        });
        for (Kind kind : Kind.values()) {
            assertTrue(perKind[kind.ordinal()] > 0, "vacuous: no " + kind + " event was ever applied");
        }
        assertTrue(deletingPasses[0] > 0, "vacuous: no event-driven pass ever deleted an image");
        assertTrue(pulledIn[0] > 0, "vacuous: sharing never pulled a non-target into an event-driven pass");
        assertTrue(indexChecks[0] > 0, "vacuous: the digest index was never checked");
    }

    /** Applies one event to the graph; the due passes it makes, or null when the cluster offers no such event. */
    private static List<Eligibility.Due> apply(Kind kind, ReferenceGraph g, RandomCluster c, Random rnd,
                                               List<Image> removed, Duration keepYoungerThan) {
        switch (kind) {
            case POD_DELETED, REFERRER_DELETED -> {
                List<Referrer> candidates = new ArrayList<>();
                for (ReferrerEntry entry : g.referrers()) {
                    if ((entry.referrer().kind() == ReferrerKind.POD) == (kind == Kind.POD_DELETED)) {
                        candidates.add(entry.referrer());
                    }
                }
                if (candidates.isEmpty()) {
                    return null;
                }
                candidates.sort(java.util.Comparator.comparing(Referrer::key));
                Referrer gone = candidates.get(rnd.nextInt(candidates.size()));
                g.removeReferrer(gone.kind(), gone.namespace(), gone.name());
                return Eligibility.of(gone, null, keepYoungerThan, RandomCluster.NOW, image -> streamsNaming(g, image));
            }
            case NEW_REVISION, REVISION_DROPPED -> {
                List<ImageStream> streams = new ArrayList<>(g.streams());
                streams.removeIf(s -> s.tags().isEmpty());
                if (streams.isEmpty()) {
                    return null;
                }
                streams.sort(java.util.Comparator.comparing(ImageStream::repo));
                ImageStream before = streams.get(rnd.nextInt(streams.size()));
                List<Tag> tags = new ArrayList<>(before.tags());
                int t = rnd.nextInt(tags.size());
                List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                if (kind == Kind.NEW_REVISION) {
                    Image image = c.images.get(rnd.nextInt(c.images.size()));
                    items.add(0, new TagEvent(image.name(), RandomCluster.NOW.minusSeconds(60L * rnd.nextInt(240))));
                } else if (items.isEmpty()) {
                    return null;
                } else {
                    items.remove(rnd.nextInt(items.size()));
                }
                tags.set(t, new Tag(tags.get(t).name(), items));
                ImageStream after = before.withTags(tags);
                g.putStream(after);
                return Eligibility.of(before, after, keepYoungerThan, RandomCluster.NOW, image -> streamsNaming(g, image));
            }
            case IMAGE_DELETED -> {
                List<Image> images = new ArrayList<>(g.images());
                if (images.isEmpty()) {
                    return null;
                }
                images.sort(java.util.Comparator.comparing(Image::name));
                Image gone = images.get(rnd.nextInt(images.size()));
                List<Eligibility.Due> due = Eligibility.of(gone, null, keepYoungerThan, RandomCluster.NOW,
                        image -> streamsNaming(g, image));
                g.removeImage(gone.name());
                removed.add(gone);
                return due;
            }
            case IMAGE_PUT -> {
                if (removed.isEmpty()) {
                    return null;
                }
                Image back = removed.remove(rnd.nextInt(removed.size()));
                g.putImage(back);
                return Eligibility.of(null, back, keepYoungerThan, RandomCluster.NOW, image -> streamsNaming(g, image));
            }
            case IMAGE_PROTECTED -> {
                List<Image> images = new ArrayList<>(g.images());
                images.removeIf(i -> !i.annotations().protect().isEmpty());
                if (images.isEmpty()) {
                    return null;
                }
                images.sort(java.util.Comparator.comparing(Image::name));
                Image before = images.get(rnd.nextInt(images.size()));
                Image after = new Image(before.name(), before.created(), before.managed(), before.mediaType(),
                        before.layers(), before.hasMetadata(), before.configDigest(), before.size(),
                        before.manifestDigests(), before.dockerImageReference(),
                        new AdminAnnotations(rnd.nextBoolean() ? "true" : "yes please", "", ""));
                g.putImage(after);
                // the annotation may keep the image and, through its manifest lists, its children: all targets
                List<Eligibility.Due> due = new ArrayList<>(Eligibility.of(before, after, keepYoungerThan,
                        RandomCluster.NOW, image -> streamsNaming(g, image)));
                Set<String> images2 = new HashSet<>(after.manifestDigests());
                images2.add(after.name());
                due.add(new Eligibility.Due(RandomCluster.NOW, Set.of(), images2));
                return due;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static Set<String> streamsNaming(ReferenceGraph g, String image) {
        return Set.copyOf(g.revisionsNaming(image).keySet());
    }

    /**
     * The service's targeted pass for the due targets (planned as if due now) against the whole-graph plan.
     *
     * @return how many images the targeted pass deletes
     */
    private static int checkPass(ReferenceGraph g, PruneOptions o, List<Eligibility.Due> due, String ctx,
                                 int[] pulledIn) {
        Set<String> streamTargets = new HashSet<>();
        Set<String> imageTargets = new HashSet<>();
        for (Eligibility.Due d : due) {
            streamTargets.addAll(d.streams());
            imageTargets.addAll(d.images());
        }
        Planner planner = Planner.of(g, o);
        if (planner.refuses()) {
            return 0;
        }
        StreamStage fullStage1 = planner.planStreams();
        StreamStage stage1 = planner.planStreams(streamTargets);
        assertEquals(fullStage1.plans().stream().filter(p -> streamTargets.contains(p.repo())).toList(),
                stage1.plans(), ctx + ": stage 1 on " + new TreeSet<>(streamTargets));

        Map<String, ImageStream> overrides = new HashMap<>();
        Set<String> targets = new HashSet<>(imageTargets);
        for (StreamPlan plan : stage1.plans()) {
            overrides.put(plan.repo(), plan.pruned());
            plan.removedRevisions().forEach(r -> targets.add(r.image()));
        }
        ImageStage targeted = planner.planImages(overrides, targets);
        ImageStage sameStageOne = planner.planImages(overrides);
        assertEquals(sameStageOne.failure(), targeted.failure(), ctx + ": an aborted stage 2 aborts the same way");
        Set<String> expected = TargetedPlanningTest.component(targets, sameStageOne.plans(),
                TargetedPlanningTest.holdersByDigest(g.images()));
        assertEquals(sameStageOne.plans().stream().filter(p -> expected.contains(p.name())).toList(),
                targeted.plans(), ctx + ": stage 2 on " + targets.size() + " targets");

        // and against the full run (whose stage 1 rewrites every stream): nothing deleted that it keeps
        Map<String, ImageStream> fullOverrides = new HashMap<>();
        fullStage1.plans().forEach(p -> fullOverrides.put(p.repo(), p.pruned()));
        Map<String, ImagePlan> fullRun = new HashMap<>();
        planner.planImages(fullOverrides).plans().forEach(p -> fullRun.put(p.name(), p));
        for (ImagePlan plan : targeted.plans()) {
            ImagePlan full = fullRun.get(plan.name());
            assertTrue(full != null, ctx + ": " + plan.name() + " deleted by the pass, kept by the full run");
            assertTrue(full.blobDeletions().containsAll(plan.blobDeletions()),
                    ctx + ": blobs of " + plan.name() + " the full run keeps");
            if (!targets.contains(plan.name())) {
                pulledIn[0]++;
            }
        }
        return targeted.plans().size();
    }

    /** The graph's digest → images index says what the images it holds say, after every change. */
    private static void assertIndexFollowsTheGraph(ReferenceGraph g, String ctx) {
        Map<String, Set<String>> expected = new HashMap<>();
        for (Image image : g.images()) {
            if (image.blobs() == null) {
                continue; // not indexed: stage 2 does not run while an image's blobs cannot be read
            }
            expected.computeIfAbsent(image.name(), k -> new TreeSet<>()).add(image.name());
            image.blobs().forEach(b -> expected.computeIfAbsent(b, k -> new TreeSet<>()).add(image.name()));
        }
        for (Map.Entry<String, Set<String>> digest : expected.entrySet()) {
            List<Image> holders = g.imagesHolding(digest.getKey());
            Set<String> indexed = new TreeSet<>();
            holders.forEach(i -> indexed.add(i.name()));
            assertEquals(digest.getValue(), indexed, ctx + ": holders of " + digest.getKey());
            assertEquals(indexed.size(), holders.size(), ctx + ": each holder of " + digest.getKey() + " once");
            holders.forEach(i -> assertTrue(g.image(i.name()) == i, ctx + ": a stale holder " + i.name()));
        }
    }
}
