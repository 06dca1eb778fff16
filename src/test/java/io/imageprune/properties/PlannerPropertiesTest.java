package io.imageprune.properties;

import io.imageprune.execute.LinkDeletion;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.execute.PruneStats;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Property-based tests of the pure decision core (graph, planner, dry-run executor) over {@link RandomCluster}s.
 *
 * <p>Each property runs over {@value #DEFAULT_SEEDS} seeds (override with {@code -Dimageprune.properties.seeds=N},
 * start with {@code -Dimageprune.properties.seed=S} to reproduce one seed). All failing seeds of a property are
 * collected and reported together, the smallest cluster first. Every property counts the cases that exercised what it
 * claims and fails when there were none (a vacuity guard), and so does a run with no seed.
 */
class PlannerPropertiesTest {
    static final int DEFAULT_SEEDS = 250;
    static final int SEEDS = Integer.getInteger("imageprune.properties.seeds", DEFAULT_SEEDS);
    static final long FIRST_SEED = Long.getLong("imageprune.properties.seed", 1L);

    static final Instant NOW = RandomCluster.NOW;
    /** Clusters are generated once per seed and shared by all properties. */
    private static final Map<Long, RandomCluster> CLUSTERS = new HashMap<>();
    /** keep-younger-than settings in increasing order; null (no threshold: everything timestamped is young) last. */
    static final Duration[] KEEP_YOUNGER = {Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(60),
            Duration.ofHours(2), null};

    // ------------------------------------------------------------ a. safety rule 1

    @Test
    void pinnedImagesAreNeverDeletedAndPinningOnlyKeepsMore() {
        int[] protectedPins = {0};
        forEachSeed("safety rule 1", (c, rnd) -> {
            PruneOptions on = randomOptions(c, rnd, true, "");
            PruneOptions off = on.withKeepPinnedImages(false);
            ReferenceGraph g = c.sharedGraph();
            Set<String> pins = c.pinned(on.threshold(), "");
            Set<String> pinsWithChildren = c.pinnedWithChildren(on.threshold(), "");
            Outcome withRule = run(c, g, on);
            Outcome withoutRule = run(c, g, off);
            String ctx = c.summary() + ", " + describe(on);

            Set<String> bad = intersection(withRule.images, pins);
            assertTrue(bad.isEmpty(), ctx + ": pinned images deleted with keepPinnedImages=true: " + bad);
            assertSubset(withRule.images, withoutRule.images, ctx + ": image deletions with the rule ⊆ without");
            assertSubset(withRule.blobs, withoutRule.blobs, ctx + ": blob deletions with the rule ⊆ without");
            Set<String> extra = minus(withoutRule.images, withRule.images);
            assertSubset(extra, pinsWithChildren,
                    ctx + ": extra deletions without the rule are pinned images or children of pinned manifest lists");
            Set<String> lostChildren = intersection(withRule.images, pinsWithChildren);
            assertTrue(lostChildren.isEmpty(), ctx + ": children of pinned manifest lists deleted: " + lostChildren);
            assertEquals(withRule.revisions, withoutRule.revisions, ctx + ": stage 1 does not depend on the rule");
            // the rule at the repository (docs/algorithm.md §6.2) keeps the links of images named by digest there
            assertSubset(withRule.layerLinks, withoutRule.layerLinks, ctx + ": layer links with the rule ⊆ without");
            assertSubset(withRule.manifestLinks, withoutRule.manifestLinks, ctx + ": manifest links with the rule ⊆ without");
            protectedPins[0] += extra.size();
        });
        assertTrue(protectedPins[0] > 0, "vacuous: safety rule 1 never protected an image in " + SEEDS + " seeds");
    }

    // ----------------------------------------------------------- b. idempotence

    @Test
    void applyingADryRunLeavesNothingToDo() {
        int[] applied = {0};
        forEachSeed("idempotence", (c, rnd) -> {
            String ns = rnd.nextInt(5) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), ns);
            Outcome first = run(c, c.sharedGraph(), o);
            ReferenceGraph fresh = c.graph();
            boolean streamsFirst = rnd.nextBoolean();
            if (streamsFirst) {
                first.result.streamUpdates().forEach(p -> fresh.putStream(p.pruned()));
            }
            first.result.imageDeletions().forEach(fresh::removeImage);
            if (!streamsFirst) {
                first.result.streamUpdates().forEach(p -> fresh.putStream(p.pruned()));
            }
            Outcome second = run(c, fresh, o);
            String ctx = c.summary() + ", " + describe(o) + ", second run after applying the first";
            assertEquals(Set.of(), second.images, ctx + ": image deletions");
            assertEquals(Set.of(), second.revisions, ctx + ": removed revisions");
            assertEquals(List.of(), second.result.streamUpdates().stream().map(StreamPlan::repo).toList(),
                    ctx + ": stream updates");
            assertEquals(Set.of(), second.layerLinks, ctx + ": layer link deletions");
            assertEquals(Set.of(), second.manifestLinks, ctx + ": manifest link deletions");
            assertEquals(Set.of(), second.blobs, ctx + ": blob deletions");
            applied[0] += first.images.size() + first.revisions.size();
        });
        assertTrue(applied[0] > 0, "vacuous: the first runs never deleted anything");
    }

    // ---------------------------------------------------------- c. monotonicity

    @Test
    void moreKeepTagRevisionsNeverDeletesMore() {
        int[] strictlyFewer = {0};
        forEachSeed("monotonic keep-tag-revisions", (c, rnd) -> {
            PruneOptions base = randomOptions(c, rnd, rnd.nextBoolean(), "");
            int k0 = rnd.nextInt(5);
            ReferenceGraph g = c.sharedGraph();
            List<Outcome> outs = new ArrayList<>();
            List<PruneOptions> opts = new ArrayList<>();
            for (int k = k0; k <= k0 + 3; k++) {
                PruneOptions o = withKeepTagRevisions(base, k);
                opts.add(o);
                outs.add(run(c, g, o));
            }
            assertEachNotMoreThanEarlier(outs, opts, c.summary());
            strictlyFewer[0] += deletesLess(outs.get(0), outs.get(outs.size() - 1)) ? 1 : 0;
        });
        assertTrue(strictlyFewer[0] > 0, "vacuous: more keep-tag-revisions never deleted less");
    }

    @Test
    void moreKeepYoungerThanNeverDeletesMore() {
        int[] strictlyFewer = {0};
        forEachSeed("monotonic keep-younger-than", (c, rnd) -> {
            PruneOptions base = randomOptions(c, rnd, rnd.nextBoolean(), "");
            ReferenceGraph g = c.sharedGraph();
            List<Outcome> outs = new ArrayList<>();
            List<PruneOptions> opts = new ArrayList<>();
            for (Duration d : KEEP_YOUNGER) {
                PruneOptions o = withKeepYoungerThan(base, d);
                opts.add(o);
                outs.add(run(c, g, o));
            }
            assertEachNotMoreThanEarlier(outs, opts, c.summary());
            strictlyFewer[0] += deletesLess(outs.get(0), outs.get(outs.size() - 1)) ? 1 : 0;
        });
        assertTrue(strictlyFewer[0] > 0, "vacuous: more keep-younger-than never deleted less");
    }

    /** The larger setting removed fewer revisions or deleted fewer images: the comparison was not between equals. */
    private static boolean deletesLess(Outcome smaller, Outcome larger) {
        return larger.revisions.size() < smaller.revisions.size() || larger.images.size() < smaller.images.size();
    }

    /** {@link #assertNotMore} for every pair of runs whose settings grow in list order. */
    private static void assertEachNotMoreThanEarlier(List<Outcome> outs, List<PruneOptions> opts, String summary) {
        for (int i = 0; i < outs.size(); i++) {
            for (int j = i + 1; j < outs.size(); j++) {
                assertNotMore(outs.get(i), outs.get(j), summary + ", " + describe(opts.get(i)) + " vs "
                        + describe(opts.get(j)));
            }
        }
    }

    /** Everything the run with the larger setting deletes, the run with the smaller one deletes too. */
    private static void assertNotMore(Outcome smaller, Outcome larger, String ctx) {
        assertSubset(larger.images, smaller.images, ctx + ": image deletions");
        assertSubset(larger.revisions, smaller.revisions, ctx + ": removed revisions");
        assertSubset(larger.layerLinks, smaller.layerLinks, ctx + ": layer link deletions");
        assertSubset(larger.manifestLinks, smaller.manifestLinks, ctx + ": manifest link deletions");
        assertSubset(larger.blobs, smaller.blobs, ctx + ": blob deletions");
    }

    // ---------------------------------------------------------- d. blob safety

    @Test
    void blobsAndLinksOfSurvivorsAreNeverDeleted() {
        int[] blobsSeen = {0};
        forEachSeed("blob and link safety", (c, rnd) -> {
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), "");
            Outcome out = run(c, c.sharedGraph(), o);
            String ctx = c.summary() + ", " + describe(o);

            // global blobs: never one a surviving image holds (as layer, config, or as its own manifest)
            Map<String, String> heldBySurvivor = new HashMap<>();
            Set<String> ofDeleted = new HashSet<>();
            for (Image i : c.images) {
                if (out.images.contains(i.name())) {
                    ofDeleted.add(i.name());
                    ofDeleted.addAll(RandomCluster.blobsOf(i));
                } else {
                    heldBySurvivor.putIfAbsent(i.name(), i.name() + " (its manifest)");
                    for (String b : RandomCluster.blobsOf(i)) {
                        heldBySurvivor.putIfAbsent(b, i.name());
                    }
                }
            }
            for (String b : out.result.blobDeletions()) {
                assertFalse(heldBySurvivor.containsKey(b),
                        ctx + ": blob " + b + " deleted although surviving image " + heldBySurvivor.get(b)
                                + " holds it");
                assertTrue(ofDeleted.contains(b), ctx + ": blob " + b + " deleted but no deleted image holds it");
            }
            assertEquals(out.blobs.size(), out.result.blobDeletions().size(), ctx + ": a blob deleted twice");

            // repository links: never one a remaining revision of the pruned stream still uses
            for (StreamPlan p : out.result.streamUpdates()) {
                Set<String> held = new HashSet<>();
                Set<String> manifests = new HashSet<>();
                for (Tag t : p.pruned().tags()) {
                    for (TagEvent e : t.items()) {
                        Image i = c.imageByName.get(e.image());
                        if (i != null) {
                            held.addAll(RandomCluster.blobsOf(i));
                            manifests.add(i.name());
                        }
                    }
                }
                for (String b : p.layerLinkDeletions()) {
                    assertFalse(held.contains(b), ctx + ": layer link " + p.repo() + "/" + b
                            + " deleted although a remaining revision's image holds it");
                }
                for (String m : p.manifestLinkDeletions()) {
                    assertFalse(manifests.contains(m), ctx + ": manifest link " + p.repo() + "/" + m
                            + " deleted although a remaining revision names it");
                }
            }
            if (!o.pruneRegistry()) {
                assertTrue(out.blobs.isEmpty() && out.layerLinks.isEmpty() && out.manifestLinks.isEmpty(),
                        ctx + ": registry deletions with prune-registry off");
            }

            // images of remaining revisions, and children of kept manifest lists, are never deleted
            Map<String, ImageStream> pruned = new HashMap<>();
            out.result.streamUpdates().forEach(p -> pruned.put(p.repo(), p.pruned()));
            for (ImageStream s : c.streams) {
                for (Tag t : pruned.getOrDefault(s.repo(), s).tags()) {
                    for (TagEvent e : t.items()) {
                        assertFalse(out.images.contains(e.image()), ctx + ": image " + e.image()
                                + " deleted although " + s.repo() + ":" + t.name() + " still lists it");
                    }
                }
            }
            Set<String> used = Oracle.usedAfterStage1(c, pruned);
            Set<String> deletedButUsed = intersection(out.images, used);
            assertTrue(deletedButUsed.isEmpty(),
                    ctx + ": children of kept manifest lists deleted: " + deletedButUsed);
            blobsSeen[0] += out.blobs.size();
        });
        assertTrue(blobsSeen[0] > 0, "vacuous: no blob was ever deleted");
    }

    // ------------------------------------------------------- e. stage-1 invariants

    @Test
    void stageOneKeepsWhatTheSpecProtects() {
        int[] removedChecked = {0};
        int[] refusalsChecked = {0};
        forEachSeed("stage-1 invariants", (c, rnd) -> {
            String ns = rnd.nextInt(5) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), ns);
            Outcome out = run(c, c.sharedGraph(), o);
            String ctx = c.summary() + ", " + describe(o);
            Set<String> usedTags = c.usedTags(o.threshold(), o.namespace());
            Set<String> usedImages = c.usedImages(o.threshold(), o.namespace());
            Map<String, ImageStream> byRepo = new HashMap<>();
            c.streams.forEach(s -> byRepo.put(s.repo(), s));

            for (StreamPlan p : out.result.streamUpdates()) {
                ImageStream s = byRepo.get(p.repo());
                String where = ctx + ", stream " + p.repo();
                assertTrue(o.namespace().isEmpty() || o.namespace().equals(s.namespace()),
                        where + ": stream outside the namespace updated");
                assertFalse(!o.pruneOverSizeLimit() && s.created().isAfter(o.threshold()),
                        where + ": young stream (created " + s.created() + ") updated");
                assertFalse(c.streamUnreadable(s), where + ": stream with unreadable image metadata updated");
                for (RemovedRevision rr : p.removedRevisions()) {
                    TagEvent e = item(s, rr.tag(), rr.index());
                    String rev = where + ", removed " + rr.tag() + "[" + rr.index() + "]=" + rr.image()
                            + " created " + e.created() + " by " + rr.rule();
                    assertEquals(e.image(), rr.image(), rev + ": wrong image recorded");
                    assertFalse(rr.index() == 0 && usedTags.contains(s.repo() + ":" + rr.tag()),
                            rev + ": rev 0 of a tag a counted referrer uses");
                    assertFalse(!o.pruneOverSizeLimit() && e.created().isAfter(o.threshold()),
                            rev + ": revision younger than the threshold");
                    boolean exists = c.imageByName.containsKey(e.image());
                    assertFalse(!o.pruneOverSizeLimit() && exists && rr.index() < o.keepTagRevisions(),
                            rev + ": among the newest keep-tag-revisions and its image exists");
                    assertFalse(exists && usedImages.contains(s.repo() + "@" + e.image()),
                            rev + ": a counted referrer uses the image by digest in this stream");
                    removedChecked[0]++;
                }
                assertEquals(expectedPruned(s, p.removedRevisions()), p.pruned(),
                        where + ": pruned copy is not the original minus the removed revisions");
            }
            if (!o.namespace().isEmpty()) {
                assertTrue(out.images.isEmpty() && out.blobs.isEmpty(),
                        ctx + ": images or blobs deleted in namespace mode");
            }
            if (c.invalidRefs) {
                // without ignoreInvalidRefs, an invalid reference of a counted referrer stops everything (§4.4)
                PruneOptions strict = new PruneOptions(o.threshold(), o.keepTagRevisions(), o.pruneOverSizeLimit(),
                        o.allImages(), o.pruneRegistry(), o.namespace(), false, o.keepPinnedImages());
                ReferenceGraph g = c.sharedGraph();
                PruneResult res = PruneExecutor.dryRun(Planner.of(g, strict));
                boolean refuses = c.refuses(o.threshold(), o.namespace());
                assertEquals(refuses, res.refused(), ctx + ": refusal with ignoreInvalidRefs=false "
                        + res.invalidReferences());
                refusalsChecked[0] += refuses ? 1 : 0;
                if (refuses) {
                    assertTrue(res.imageDeletions().isEmpty() && res.streamUpdates().isEmpty()
                            && res.blobDeletions().isEmpty() && res.layerLinkDeletions().isEmpty()
                            && res.manifestLinkDeletions().isEmpty(), ctx + ": a refused run changed something");
                } else {
                    assertEquals(out.images, new HashSet<>(res.imageDeletions()),
                            ctx + ": no counted invalid reference, so ignoreInvalidRefs must not matter");
                }
            }
        });
        assertTrue(removedChecked[0] > 0, "vacuous: no revision was ever removed");
        assertTrue(refusalsChecked[0] > 0, "vacuous: invalid references never refused a run");
    }

    // ------------------------------------------------- f. an independent oracle

    @Test
    void planMatchesAnIndependentReadingOfTheSpec() {
        int[] revisionsExpected = {0};
        int[] imagesExpected = {0};
        forEachSeed("oracle", (c, rnd) -> {
            String ns = rnd.nextInt(6) == 0 ? c.namespaces.get(rnd.nextInt(c.namespaces.size())) : "";
            PruneOptions o = randomOptions(c, rnd, rnd.nextBoolean(), ns);
            Outcome out = run(c, c.sharedGraph(), o);
            Oracle.Expected want = Oracle.of(c, o);
            String ctx = c.summary() + ", " + describe(o);
            assertSetEquals(want.removedRevisions(), out.revisions, ctx + ": removed revisions");
            Map<String, ImageStream> pruned = new TreeMap<>();
            out.result.streamUpdates().forEach(p -> pruned.put(p.repo(), p.pruned()));
            assertEquals(new TreeMap<>(want.pruned()), pruned, ctx + ": pruned streams");
            assertSetEquals(want.layerLinks(), out.layerLinks, ctx + ": layer link deletions");
            assertSetEquals(want.manifestLinks(), out.manifestLinks, ctx + ": manifest link deletions");
            assertSetEquals(want.images(), out.images, ctx + ": image deletions");
            assertSetEquals(want.blobs(), out.blobs, ctx + ": blob deletions");
            revisionsExpected[0] += want.removedRevisions().size();
            imagesExpected[0] += want.images().size();
        });
        assertTrue(revisionsExpected[0] > 0 && imagesExpected[0] > 0,
                "vacuous: the oracle expected " + revisionsExpected[0] + " removed revisions and "
                        + imagesExpected[0] + " image deletions");
    }

    // ================================================================= helpers

    /** A dry run, flattened into comparable sets. */
    record Outcome(PruneResult result, Set<String> images, Set<String> revisions, Set<String> layerLinks,
                   Set<String> manifestLinks, Set<String> blobs) {
    }

    static Outcome run(RandomCluster c, ReferenceGraph g, PruneOptions o) {
        PruneResult res = PruneExecutor.dryRun(Planner.of(g, o));
        assertFalse(res.refused(), c.summary() + ": refused: " + res.invalidReferences());
        if (o.clusterWide() && !c.unreadable.isEmpty()) {
            assertEquals(1, res.failures().size(), c.summary() + ": one stage-2 abort expected: " + res.failures());
            assertTrue(res.failures().get(0).matches("image (sha256:[0-9a-f]{64}): failed to read metadata for "
                    + "image \\1") && c.unreadable.contains(res.failures().get(0).substring(6, 77)),
                    c.summary() + ": stage-2 abort message " + res.failures());
        } else {
            assertEquals(List.of(), res.failures(), c.summary() + ": failures of a dry run");
        }
        Set<String> revisions = new HashSet<>();
        for (StreamPlan p : res.streamUpdates()) {
            for (RemovedRevision rr : p.removedRevisions()) {
                revisions.add(Oracle.revisionKey(p.repo(), rr.tag(), rr.index(), rr.image()));
            }
        }
        // a dry run succeeds at everything it attempts, so the counters equal the lists
        PruneStats st = res.stats();
        String ctx = c.summary() + ", " + describe(o) + ": stats " + st;
        assertEquals(res.imageDeletions().size(), st.deletedImages(), ctx);
        assertEquals(res.streamUpdates().size(), st.updatedImageStreams(), ctx);
        assertEquals(revisions.size(), st.deletedImageStreamTagItems(), ctx);
        assertEquals(res.layerLinkDeletions().size(), st.deletedLayerLinks(), ctx);
        assertEquals(res.manifestLinkDeletions().size(), st.deletedManifestLinks(), ctx);
        assertEquals(res.blobDeletions().size(), st.deletedBlobs(), ctx);
        return new Outcome(res, new HashSet<>(res.imageDeletions()), revisions, links(res.layerLinkDeletions()),
                links(res.manifestLinkDeletions()), new HashSet<>(res.blobDeletions()));
    }

    private static Set<String> links(List<LinkDeletion> links) {
        Set<String> out = new HashSet<>();
        links.forEach(l -> out.add(l.repo() + "|" + l.digest()));
        return out;
    }

    /** Random options: keep-tag-revisions 0-4, keep-younger-than 0/30m/60m/null, size mode, all, registry. */
    static PruneOptions randomOptions(RandomCluster c, Random rnd, boolean keepPinned, String namespace) {
        Duration[] kyt = {Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(60), null};
        return PruneOptions.library(NOW, kyt[rnd.nextInt(kyt.length)], rnd.nextInt(5), rnd.nextInt(3) == 0,
                rnd.nextInt(4) != 0, rnd.nextInt(4) != 0, namespace, c.invalidRefs, keepPinned);
    }

    static PruneOptions withKeepTagRevisions(PruneOptions o, int k) {
        return new PruneOptions(o.threshold(), k, o.pruneOverSizeLimit(), o.allImages(), o.pruneRegistry(),
                o.namespace(), o.ignoreInvalidRefs(), o.keepPinnedImages());
    }

    static PruneOptions withKeepYoungerThan(PruneOptions o, Duration keepYoungerThan) {
        return PruneOptions.library(NOW, keepYoungerThan, o.keepTagRevisions(), o.pruneOverSizeLimit(),
                o.allImages(), o.pruneRegistry(), o.namespace(), o.ignoreInvalidRefs(), o.keepPinnedImages());
    }

    static String describe(PruneOptions o) {
        String kyt = o.threshold().equals(io.imageprune.model.Times.ZERO) ? "null"
                : Duration.between(o.threshold(), NOW).toString();
        return "options{keepYoungerThan=" + kyt + ", keepTagRevisions=" + o.keepTagRevisions() + ", sizeMode="
                + o.pruneOverSizeLimit() + ", allImages=" + o.allImages() + ", pruneRegistry=" + o.pruneRegistry()
                + ", namespace=\"" + o.namespace() + "\", keepPinnedImages=" + o.keepPinnedImages()
                + ", ignoreInvalidRefs=" + o.ignoreInvalidRefs() + "}";
    }

    private static TagEvent item(ImageStream s, String tag, int index) {
        for (Tag t : s.tags()) {
            if (t.name().equals(tag)) {
                return t.items().get(index);
            }
        }
        throw new AssertionError("no tag " + tag + " in " + s.repo());
    }

    private static ImageStream expectedPruned(ImageStream s, List<RemovedRevision> removed) {
        Set<String> gone = new HashSet<>();
        removed.forEach(rr -> gone.add(rr.tag() + "|" + rr.index()));
        List<Tag> tags = new ArrayList<>();
        for (Tag t : s.tags()) {
            List<TagEvent> items = new ArrayList<>();
            for (int i = 0; i < t.items().size(); i++) {
                if (!gone.contains(t.name() + "|" + i)) {
                    items.add(t.items().get(i));
                }
            }
            if (!items.isEmpty()) {
                tags.add(new Tag(t.name(), items));
            }
        }
        return new ImageStream(s.namespace(), s.name(), s.created(), s.dockerImageRepository(), tags);
    }

    static void assertSubset(Set<String> sub, Set<String> sup, String what) {
        Set<String> extra = minus(sub, sup);
        if (!extra.isEmpty()) {
            fail(what + ": not a subset, extra " + new TreeSet<>(extra));
        }
    }

    static void assertSetEquals(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = minus(expected, actual);
        Set<String> unexpected = minus(actual, expected);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            fail(what + ": expected but absent " + new TreeSet<>(missing) + "; present but not expected "
                    + new TreeSet<>(unexpected));
        }
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.retainAll(b);
        return out;
    }

    interface Property {
        void check(RandomCluster cluster, Random rnd);
    }

    /**
     * Runs a property over the seeds; collects every failing seed and reports them together, the one with the
     * smallest cluster first.
     */
    static void forEachSeed(String name, Property property) {
        assertTrue(SEEDS > 0, name + ": vacuous with " + SEEDS + " seeds (imageprune.properties.seeds)");
        Map<Long, String> failures = new TreeMap<>();
        Map<Long, Integer> sizes = new HashMap<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            RandomCluster c = CLUSTERS.computeIfAbsent(seed, RandomCluster::of);
            Random rnd = new Random(seed * 31 + name.hashCode());
            try {
                property.check(c, rnd);
            } catch (AssertionError | RuntimeException e) {
                failures.put(seed, e instanceof AssertionError ? e.getMessage() : e.toString());
                sizes.put(seed, c.images.size() * 10 + c.streams.size());
            }
        }
        if (!failures.isEmpty()) {
            long smallest = failures.keySet().stream().min((a, b) -> Integer.compare(sizes.get(a), sizes.get(b)))
                    .orElseThrow();
            StringBuilder msg = new StringBuilder(name + ": " + failures.size() + " of " + SEEDS
                    + " seeds fail; failing seeds " + failures.keySet() + "\nsmallest: " + failures.get(smallest));
            failures.entrySet().stream().filter(e -> e.getKey() != smallest).limit(3)
                    .forEach(e -> msg.append("\nalso: ").append(e.getValue()));
            fail(msg.toString());
        }
    }
}
