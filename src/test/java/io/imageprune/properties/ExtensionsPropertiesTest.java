package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.SpecTag;
import io.imageprune.model.Tag;
import io.imageprune.policy.Extensions;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.policy.PruneOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.imageprune.properties.PlannerPropertiesTest.assertSubset;
import static io.imageprune.properties.PlannerPropertiesTest.describe;
import static io.imageprune.properties.PlannerPropertiesTest.forEachSeed;
import static io.imageprune.properties.PlannerPropertiesTest.randomOptions;
import static io.imageprune.properties.PlannerPropertiesTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's extensions on generated clusters with custom resources, ephemeral containers, spec tags and admin
 * annotations (well-formed, malformed, keeping more and keeping less): each extension alone and all together only
 * keep more than oc, and with every extension off the extended cluster gets exactly oc's plan of the plain one.
 */
class ExtensionsPropertiesTest {
    private static final String[] KINDS = {"Rollout", "Service", "TaskRun", "VirtualMachine"};
    private static final String[] COUNTS = {"1", "4", "0", "x", "-2"};
    private static final String[] AGES = {"2h", "0s", "720h", "10", "-1h"};
    private static final String[] PROTECT = {"true", "false", "maybe"};

    private static final Extensions[] EACH_ALONE = {
            new Extensions(true, false, false, false, false), new Extensions(false, true, false, false, false),
            new Extensions(false, false, true, false, false), new Extensions(false, false, false, true, false)};

    @Test
    void eachExtensionOnlyKeepsMoreAndOcExactIsOc() {
        int[] keptMore = new int[EACH_ALONE.length + 1];
        forEachSeed("extensions keep more", (c, rnd) -> {
            PruneOptions random = randomOptions(c, rnd, rnd.nextBoolean(), "");
            // invalid references are ignored: a holder's unparsable reference would otherwise stop both runs alike
            PruneOptions oc = new PruneOptions(random.threshold(), random.keepTagRevisions(),
                    random.pruneOverSizeLimit(), random.allImages(), random.pruneRegistry(), "",
                    InvalidReferenceMode.IGNORE, random.keepPinnedImages(), Extensions.NONE, random.now());
            ReferenceGraph plain = c.sharedGraph();
            ReferenceGraph extended = c.graph();
            extend(c, extended, rnd);
            PlannerPropertiesTest.Outcome ocPlain = run(c, plain, oc);
            PlannerPropertiesTest.Outcome ocExtended = run(c, extended, oc);
            String ctx = c.summary() + ", " + describe(oc);
            assertEquals(ocPlain.images(), ocExtended.images(), ctx + ": oc-exact on the extended cluster = oc");
            assertEquals(ocPlain.revisions(), ocExtended.revisions(), ctx + ": oc-exact revisions = oc");
            assertEquals(ocPlain.blobs(), ocExtended.blobs(), ctx + ": oc-exact blobs = oc");
            for (int i = 0; i <= EACH_ALONE.length; i++) {
                Extensions extensions = i < EACH_ALONE.length ? EACH_ALONE[i] : Extensions.ALL;
                PlannerPropertiesTest.Outcome more = run(c, extended, oc.withExtensions(extensions));
                String what = ctx + ", " + extensions + ": ";
                assertSubset(more.images(), ocPlain.images(), what + "image deletions ⊆ oc's");
                assertSubset(more.revisions(), ocPlain.revisions(), what + "revisions removed ⊆ oc's");
                assertSubset(more.layerLinks(), ocPlain.layerLinks(), what + "layer links ⊆ oc's");
                assertSubset(more.manifestLinks(), ocPlain.manifestLinks(), what + "manifest links ⊆ oc's");
                assertSubset(more.blobs(), ocPlain.blobs(), what + "blobs ⊆ oc's");
                if (more.images().size() < ocPlain.images().size()
                        || more.revisions().size() < ocPlain.revisions().size()) {
                    keptMore[i]++;
                }
            }
        });
        for (int i = 0; i < keptMore.length; i++) {
            assertTrue(keptMore[i] > 0, "extension " + i + " never kept anything: the property is vacuous");
        }
    }

    /** Holders naming random revisions of the cluster (by tag and by digest), and random annotations. */
    private static void extend(RandomCluster c, ReferenceGraph g, Random rnd) {
        List<ImageStream> streams = new ArrayList<>(c.streams);
        for (int i = 0; i < 1 + rnd.nextInt(4) && !streams.isEmpty(); i++) {
            ImageStream s = streams.get(rnd.nextInt(streams.size()));
            List<CustomReferrer.Reference> refs = new ArrayList<>();
            refs.add(new CustomReferrer.Reference("spec.a", reference(s, rnd)));
            String kind = KINDS[rnd.nextInt(KINDS.length)];
            boolean run = kind.equals("TaskRun");
            g.put(new CustomReferrer(kind, "example.io", s.namespace(), "h" + i, run,
                    run && rnd.nextBoolean() ? RandomCluster.NOW.minus(Duration.ofMinutes(rnd.nextInt(180))) : null,
                    refs));
        }
        for (Referrer r : c.referrers) {
            if (r.kind() == ReferrerKind.POD && !streams.isEmpty() && rnd.nextInt(3) == 0) {
                ImageStream s = streams.get(rnd.nextInt(streams.size()));
                g.put(new Referrer(r.kind(), r.namespace(), r.name(), r.created(), r.phase(), r.containers(),
                        r.buildSource(), List.of(new Container("debug", false, reference(s, rnd)))));
            }
        }
        for (ImageStream s : streams) {
            List<SpecTag> specTags = new ArrayList<>();
            if (rnd.nextInt(3) == 0) {
                ImageStream other = streams.get(rnd.nextInt(streams.size()));
                if (!other.tags().isEmpty()) {
                    Tag tag = other.tags().get(rnd.nextInt(other.tags().size()));
                    specTags.add(rnd.nextBoolean()
                            ? new SpecTag("t", new BuildSource("ImageStreamTag", other.namespace(),
                                    other.name() + ":" + tag.name()))
                            : tag.items().isEmpty() ? new SpecTag("t", new BuildSource("DockerImage", "",
                                    reference(other, rnd)))
                            : new SpecTag("t", new BuildSource("ImageStreamImage", other.namespace(),
                                    other.name() + "@" + tag.items().get(rnd.nextInt(tag.items().size())).image())));
                }
            }
            AdminAnnotations annotations = rnd.nextInt(4) == 0 ? annotations(rnd) : AdminAnnotations.NONE;
            if (!specTags.isEmpty() || !annotations.isEmpty()) {
                g.putStream(new ImageStream(s.namespace(), s.name(), s.created(), s.dockerImageRepository(), s.tags(),
                        specTags, annotations));
            }
        }
        for (String namespace : c.namespaces) {
            if (rnd.nextInt(3) == 0) {
                g.put(new Namespace(namespace, annotations(rnd)));
            }
        }
        for (Image image : c.images) {
            if (rnd.nextInt(6) == 0 && g.image(image.name()) != null) {
                g.putImage(new Image(image.name(), image.created(), image.managed(), image.mediaType(),
                        image.layers(), image.hasMetadata(), image.configDigest(), image.size(),
                        image.manifestDigests(), image.dockerImageReference(),
                        new AdminAnnotations(PROTECT[rnd.nextInt(PROTECT.length)], "", "")));
            }
        }
    }

    private static AdminAnnotations annotations(Random rnd) {
        return new AdminAnnotations(rnd.nextInt(4) == 0 ? PROTECT[rnd.nextInt(PROTECT.length)] : "",
                rnd.nextBoolean() ? COUNTS[rnd.nextInt(COUNTS.length)] : "",
                rnd.nextBoolean() ? AGES[rnd.nextInt(AGES.length)] : "");
    }

    /** A pull spec of the stream: by tag or by the digest of one of its revisions. */
    private static String reference(ImageStream s, Random rnd) {
        String repo = RandomCluster.HOST + "/" + s.namespace() + "/" + s.name();
        List<Tag> tags = s.tags();
        if (tags.isEmpty()) {
            return repo + ":latest";
        }
        Tag tag = tags.get(rnd.nextInt(tags.size()));
        if (rnd.nextBoolean() || tag.items().isEmpty()) {
            return repo + ":" + tag.name();
        }
        return repo + "@" + tag.items().get(rnd.nextInt(tag.items().size())).image();
    }
}
