package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.Extensions;
import io.imageprune.policy.PruneOptions;
import io.imageprune.reference.Identities;
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

import static io.imageprune.properties.PlannerPropertiesTest.assertSetEquals;
import static io.imageprune.properties.PlannerPropertiesTest.assertSubset;
import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static io.imageprune.properties.PlannerPropertiesTest.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signatures follow their subject (issue 12 item 5) on generated clusters with cosign tags added: signatures of
 * cluster images, of absent images, of other signatures, old and young. With the option on, what is removed beyond
 * the same run with it off is exactly the orphaned signature revisions (subject absent, or deleted by the run itself;
 * older than keep-younger-than) and the images only they held; what it keeps beyond it is only the current signature
 * of an image the run keeps; and every kept subject keeps its current signatures.
 */
class OrphanSignaturesPropertiesTest {
    private static final String[] SUFFIXES = {".sig", ".att", ".sbom"};
    private static final Duration[] SIGNATURE_AGES = {Duration.ofMinutes(10), Duration.ofMinutes(45),
            Duration.ofHours(3), Duration.ofDays(4)};

    /** One cosign tag revision added to the cluster. */
    private record SignatureRevision(ImageStream stream, String tag, int index, TagEvent item, String subject) {
        String key() {
            return Oracle.revisionKey(stream.namespace() + "/" + stream.name(), tag, index, item.image());
        }
    }

    @Test
    void extraDeletionsAreExactlyTheOrphanedSignaturesAndWhatOnlyTheyHeld() {
        int[] seen = new int[5];
        forEachSeed("orphan signatures", (c, rnd) -> {
            ReferenceGraph g = c.graph();
            List<SignatureRevision> signatures = addSignatures(c, g, rnd);
            PruneOptions random = randomOptions(c, rnd, rnd.nextBoolean(), "");
            PruneOptions off = random.withExtensions(Extensions.NONE);
            PruneOptions on = random.withExtensions(Extensions.NONE.withOrphanSignatures(true));
            PlannerPropertiesTest.Outcome without = run(c, g, off);
            PlannerPropertiesTest.Outcome with = run(c, g, on);
            String ctx = c.summary() + ", " + signatures.size() + " signature revisions, " + describe(on);
            boolean stageTwo = c.unreadable.isEmpty();

            Set<String> extraRevisions = new HashSet<>();
            Set<String> keptRevisions = new HashSet<>();
            Set<String> orphanImages = new HashSet<>();
            Set<String> keptSignatureImages = new HashSet<>();
            for (SignatureRevision s : signatures) {
                boolean present = g.image(s.subject()) != null;
                boolean orphaned = !present || with.images().contains(s.subject());
                boolean removedByOc = without.revisions().contains(s.key());
                if (orphaned && !skipped(c, s.stream(), on) && !on.pruneOverSizeLimit()
                        && !s.item().created().isAfter(on.threshold()) && !removedByOc) {
                    extraRevisions.add(s.key());
                    orphanImages.add(s.item().image());
                    seen[present ? 1 : 0]++;
                }
                if (!orphaned && s.index() == 0 && removedByOc) {
                    keptRevisions.add(s.key());
                    keptSignatureImages.add(s.item().image());
                    seen[2]++;
                }
                if (!orphaned) {
                    seen[3]++;
                    if (s.index() == 0) {
                        assertFalse(with.revisions().contains(s.key()), ctx + ": the current signature " + s.key()
                                + " of the kept image " + s.subject() + " is removed");
                        assertFalse(with.images().contains(s.item().image()), ctx + ": the signature image "
                                + s.item().image() + " of the kept image " + s.subject() + " is deleted");
                    }
                }
            }
            Set<String> removedOnlyWith = new HashSet<>(with.revisions());
            removedOnlyWith.removeAll(without.revisions());
            assertSetEquals(extraRevisions, removedOnlyWith, ctx + ": revisions removed only with the option");
            Set<String> removedOnlyWithout = new HashSet<>(without.revisions());
            removedOnlyWithout.removeAll(with.revisions());
            assertSetEquals(keptRevisions, removedOnlyWithout, ctx + ": revisions kept only with the option");

            Set<String> expectedImages = new HashSet<>();
            for (String image : orphanImages) {
                if (stageTwo && !without.images().contains(image) && onlyHeldByRemoved(g, image, with.revisions())
                        && (on.pruneOverSizeLimit() || !g.image(image).created().isAfter(on.threshold()))) {
                    expectedImages.add(image);
                }
            }
            Set<String> deletedOnlyWith = new HashSet<>(with.images());
            deletedOnlyWith.removeAll(without.images());
            assertSetEquals(expectedImages, deletedOnlyWith, ctx + ": images deleted only with the option");
            Set<String> deletedOnlyWithout = new HashSet<>(without.images());
            deletedOnlyWithout.removeAll(with.images());
            assertSubset(deletedOnlyWithout, keptSignatureImages, ctx + ": images kept only with the option");
            Set<String> extraBlobs = new HashSet<>(with.blobs());
            extraBlobs.removeAll(without.blobs());
            Set<String> blobsOfExtraImages = new HashSet<>();
            expectedImages.forEach(image -> blobsOfExtraImages.addAll(g.image(image).blobs()));
            blobsOfExtraImages.addAll(expectedImages);
            assertSubset(extraBlobs, blobsOfExtraImages, ctx + ": blobs deleted only with the option");
            if (!expectedImages.isEmpty()) {
                seen[4]++;
            }
        });
        String[] what = {"a signature of an absent image removed", "a signature of an image deleted in the same run "
                + "removed", "the current signature of a kept image kept against oc", "a signature of a kept image",
                "an image deleted only with the option"};
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i] > 0, "vacuous: never " + what[i]);
        }
    }

    /** Stage 1 leaves the whole stream alone (algorithm §6.1-6.2, and an identity not safe in a URL). */
    private static boolean skipped(RandomCluster c, ImageStream s, PruneOptions o) {
        return !o.pruneOverSizeLimit() && s.created().isAfter(o.threshold()) || c.streamUnreadable(s)
                || !Identities.problems(s).isEmpty();
    }

    /** Every stream revision naming the image is removed by the run. */
    private static boolean onlyHeldByRemoved(ReferenceGraph g, String image, Set<String> removed) {
        for (String repo : g.streamRepos()) {
            for (Tag tag : g.stream(repo).tags()) {
                for (int i = 0; i < tag.items().size(); i++) {
                    TagEvent item = tag.items().get(i);
                    if (item.image().equals(image) && !removed.contains(Oracle.revisionKey(repo, tag.name(), i,
                            image))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Cosign tags on about half the streams: subjects are cluster images, absent digests or earlier signatures; each
     * tag has one or two revisions, each a fresh managed image with its own layer, old or young.
     */
    private static List<SignatureRevision> addSignatures(RandomCluster c, ReferenceGraph g, Random rnd) {
        List<SignatureRevision> added = new ArrayList<>();
        List<String> signatureImages = new ArrayList<>();
        Map<String, ImageStream> streams = new HashMap<>();
        for (ImageStream s : c.streams) {
            if (rnd.nextBoolean()) {
                continue;
            }
            List<Tag> tags = new ArrayList<>(s.tags());
            List<SignatureRevision> ofStream = new ArrayList<>();
            for (int t = 0; t < 1 + rnd.nextInt(3); t++) {
                int kind = rnd.nextInt(4);
                String subject = kind == 0 || c.images.isEmpty() ? digest(rnd)
                        : kind == 1 && !signatureImages.isEmpty()
                        ? signatureImages.get(rnd.nextInt(signatureImages.size()))
                        : c.images.get(rnd.nextInt(c.images.size())).name();
                String tagName = "sha256-" + subject.substring("sha256:".length())
                        + SUFFIXES[rnd.nextInt(SUFFIXES.length)];
                if (tags.stream().anyMatch(existing -> existing.name().equals(tagName))) {
                    continue;
                }
                List<TagEvent> items = new ArrayList<>();
                Instant created = RandomCluster.NOW.minus(SIGNATURE_AGES[rnd.nextInt(SIGNATURE_AGES.length)]);
                for (int i = 0; i < 1 + rnd.nextInt(2); i++) {
                    String signature = digest(rnd);
                    g.putImage(new Image(signature, created, true, Image.MANIFEST_OCI,
                            List.of(new Layer(digest(rnd), 100)), true, "", 100, List.of(), ""));
                    signatureImages.add(signature);
                    items.add(new TagEvent(signature, created));
                    created = created.minus(Duration.ofHours(1));
                }
                tags.add(new Tag(tagName, items));
                for (int i = 0; i < items.size(); i++) {
                    ofStream.add(new SignatureRevision(null, tagName, i, items.get(i), subject));
                }
            }
            ImageStream extended = new ImageStream(s.namespace(), s.name(), s.created(), s.dockerImageRepository(),
                    tags, s.specTags(), s.annotations());
            g.putStream(extended);
            streams.put(s.namespace() + "/" + s.name(), extended);
            ofStream.forEach(r -> added.add(new SignatureRevision(extended, r.tag(), r.index(), r.item(),
                    r.subject())));
        }
        return added;
    }

    private static String digest(Random rnd) {
        StringBuilder b = new StringBuilder("sha256:");
        for (int i = 0; i < 64; i++) {
            b.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return b.toString();
    }
}
