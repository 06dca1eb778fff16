package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.reference.InvalidReferenceException;
import io.imageprune.reference.ReferenceParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.imageprune.properties.PlannerPropertiesTest.assertSetEquals;
import static io.imageprune.properties.PlannerPropertiesTest.assertSubset;
import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static io.imageprune.properties.PlannerPropertiesTest.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Contain mode on generated clusters to which invalid references are added, built from the cluster's own streams and
 * images in the shapes the docs describe (a truncated digest, upper case, a bad tag, an unparsable repository with a
 * digest fragment, an ImageStreamTag without a tag). For each the test knows independently what it could name. Contain
 * keeps a superset of what ignore keeps, never removes a revision of a stream the reference could name nor deletes an
 * image it could name (or that a named manifest list holds), and on a cluster without invalid references plans
 * exactly as stop does.
 */
class ContainPropertiesTest {
    private static final String HOST = RandomCluster.HOST;

    /** What one added reference could name, worked out from how it was built. */
    private record Named(String reference, Set<String> repositories, String namespace, Set<String> images) {
    }

    @Test
    void containKeepsASupersetOfIgnoreAndNeverWhatTheReferenceCouldName() {
        AtomicInteger added = new AtomicInteger();
        AtomicInteger containKeptMore = new AtomicInteger();
        forEachSeed("contain keeps what invalid references could name", (c, rnd) -> {
            PruneOptions base = randomOptions(c, rnd, rnd.nextBoolean(), "");
            ReferenceGraph g = c.graph();
            List<Named> named = addInvalidReferences(c, g, rnd);
            added.addAndGet(named.size());
            String ctx = c.summary() + ", " + describe(base) + ", references " + named.stream()
                    .map(Named::reference).toList();
            assertTrue(Planner.of(g, base.withInvalidRefs(InvalidReferenceMode.STOP)).refuses(),
                    ctx + ": the generated references must be invalid and counted");

            PlannerPropertiesTest.Outcome ignore = run(c, g, base.withInvalidRefs(InvalidReferenceMode.IGNORE));
            PlannerPropertiesTest.Outcome contain = run(c, g, base.withInvalidRefs(InvalidReferenceMode.CONTAIN));
            assertSubset(contain.images(), ignore.images(), ctx + ": images deleted");
            assertSubset(contain.revisions(), ignore.revisions(), ctx + ": revisions removed");
            assertSubset(contain.layerLinks(), ignore.layerLinks(), ctx + ": layer links deleted");
            assertSubset(contain.manifestLinks(), ignore.manifestLinks(), ctx + ": manifest links deleted");
            assertSubset(contain.blobs(), ignore.blobs(), ctx + ": blobs deleted");

            for (Named reference : named) {
                for (var plan : contain.result().streamUpdates()) {
                    if (reference.repositories().contains(plan.repo())
                            || plan.original().namespace().equals(reference.namespace())) {
                        fail(ctx + ": " + plan.repo() + " loses revisions although " + reference + " could name it");
                    }
                }
                Set<String> kept = withManifestChildren(g, reference.images());
                for (String repo : reference.repositories()) {
                    kept.addAll(imagesOf(g.stream(repo)));
                }
                for (ImageStream stream : g.streams()) {
                    if (stream.namespace().equals(reference.namespace())) {
                        kept.addAll(imagesOf(stream));
                    }
                }
                Set<String> deleted = new HashSet<>(contain.images());
                deleted.retainAll(kept);
                assertTrue(deleted.isEmpty(), ctx + ": deletes " + deleted + " that " + reference + " could name");
            }
            if (!contain.images().equals(ignore.images()) || !contain.revisions().equals(ignore.revisions())) {
                containKeptMore.incrementAndGet();
            }
        });
        // vacuity guards: references were added, and containing them kept something ignore prunes in many clusters
        assertTrue(added.get() > 0 && added.get() >= PlannerPropertiesTest.SEEDS, "invalid references added: " + added);
        assertTrue(containKeptMore.get() > 0 && containKeptMore.get() >= PlannerPropertiesTest.SEEDS / 4,
                "clusters where contain kept more than ignore: " + containKeptMore + " of " + PlannerPropertiesTest.SEEDS);
    }

    @Test
    void withoutInvalidReferencesContainPlansExactlyAsStop() {
        AtomicInteger compared = new AtomicInteger();
        forEachSeed("contain is stop without invalid references", (c, rnd) -> {
            if (c.invalidRefs) {
                return;
            }
            PruneOptions base = randomOptions(c, rnd, rnd.nextBoolean(), rnd.nextBoolean() ? "" : c.namespaces.get(0));
            ReferenceGraph g = c.sharedGraph();
            PlannerPropertiesTest.Outcome stop = run(c, g, base.withInvalidRefs(InvalidReferenceMode.STOP));
            PlannerPropertiesTest.Outcome contain = run(c, g, base.withInvalidRefs(InvalidReferenceMode.CONTAIN));
            String ctx = c.summary() + ", " + describe(base);
            assertSetEquals(stop.images(), contain.images(), ctx + ": images");
            assertSetEquals(stop.revisions(), contain.revisions(), ctx + ": revisions");
            assertSetEquals(stop.blobs(), contain.blobs(), ctx + ": blobs");
            compared.incrementAndGet();
        });
        assertTrue(compared.get() > 0 && compared.get() >= PlannerPropertiesTest.SEEDS / 2,
                "clusters compared: " + compared);
    }

    /** One to four always-counted referrers with an invalid reference each, in the shapes of the docs. */
    private static List<Named> addInvalidReferences(RandomCluster c, ReferenceGraph g, Random rnd) {
        List<Named> named = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            String ns = c.namespaces.get(rnd.nextInt(c.namespaces.size()));
            ImageStream stream = c.streams.isEmpty() ? null : c.streams.get(rnd.nextInt(c.streams.size()));
            Image image = c.images.isEmpty() ? null : c.images.get(rnd.nextInt(c.images.size()));
            String repo = stream == null ? ns + "/absent" : stream.namespace() + "/" + stream.name();
            String hex = image == null ? "0123456789abcdef" : image.name().substring("sha256:".length());
            String fragment = hex.substring(0, 12 + rnd.nextInt(40));
            String name = "invalid-" + i;
            switch (rnd.nextInt(5)) {
                case 0 -> named.add(workload(g, ns, name, HOST + "/" + repo + "@sha256:" + fragment,
                        Set.of(repo), null, images(c, fragment)));
                case 1 -> named.add(workload(g, ns, name, HOST + "/" + repo.toUpperCase(Locale.ROOT) + ":latest",
                        Set.of(repo), null, Set.of()));
                case 2 -> named.add(workload(g, ns, name, HOST + "/" + repo + ":bad tag", Set.of(repo), null,
                        Set.of()));
                case 3 -> named.add(workload(g, ns, name, HOST + "/-bad-/x@sha256:" + fragment.toUpperCase(Locale.ROOT),
                        Set.of(), ns, images(c, fragment)));
                default -> {
                    String streamName = stream == null ? "absent" : stream.name();
                    String sourceNs = stream == null ? ns : stream.namespace();
                    g.putReferrer(new Referrer(ReferrerKind.BUILD_CONFIG, ns, name, RandomCluster.NOW, "", List.of(),
                            new BuildSource("ImageStreamTag", sourceNs, streamName)));
                    named.add(new Named(sourceNs + " " + streamName, Set.of(sourceNs + "/" + streamName), null,
                            Set.of()));
                }
            }
        }
        return named;
    }

    private static Named workload(ReferenceGraph g, String ns, String name, String image, Set<String> repositories,
                                  String namespace, Set<String> images) {
        try {
            ReferenceParser.parse(image);
            throw new AssertionError("the generator built a valid reference: " + image);
        } catch (InvalidReferenceException expected) {
            // as intended
        }
        g.putReferrer(new Referrer(ReferrerKind.DEPLOYMENT, ns, name, RandomCluster.NOW, "",
                List.of(new Container("c", false, image)), null));
        return new Named(image, repositories, namespace, images);
    }

    /** The cluster's images whose digest starts with the fragment: found by scanning, not by the code under test. */
    private static Set<String> images(RandomCluster c, String fragment) {
        Set<String> images = new HashSet<>();
        for (Image image : c.images) {
            if (image.name().startsWith("sha256:" + fragment)) {
                images.add(image.name());
            }
        }
        return images;
    }

    private static Set<String> withManifestChildren(ReferenceGraph g, Set<String> images) {
        Set<String> all = new HashSet<>(images);
        Deque<String> pending = new ArrayDeque<>(images);
        while (!pending.isEmpty()) {
            Image image = g.image(pending.pop());
            if (image != null) {
                for (String child : image.manifestDigests()) {
                    if (all.add(child)) {
                        pending.add(child);
                    }
                }
            }
        }
        return all;
    }

    private static Set<String> imagesOf(ImageStream stream) {
        Set<String> images = new HashSet<>();
        if (stream != null) {
            for (Tag tag : stream.tags()) {
                for (TagEvent item : tag.items()) {
                    images.add(item.image());
                }
            }
        }
        return images;
    }

    @Test
    void theGeneratorsReferencesAreInvalid() {
        assertFalse(List.of(HOST + "/a/b@sha256:0123456789ab", HOST + "/A/B:latest", HOST + "/a/b:bad tag",
                HOST + "/-bad-/x@sha256:0123456789AB").stream().anyMatch(ContainPropertiesTest::parses));
    }

    private static boolean parses(String reference) {
        try {
            ReferenceParser.parse(reference);
            return true;
        } catch (InvalidReferenceException e) {
            return false;
        }
    }
}
