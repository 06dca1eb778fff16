package io.imageprune.policy;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.SpecTag;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.properties.RandomCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The extensions beyond oc (issue 12) on small hand-built graphs: each holder and annotation keeps what it names, and
 * with {@link Extensions#NONE} (--oc-exact) the same graph gets oc's decisions.
 */
class ExtensionsPlanningTest {
    private static final Instant NOW = RandomCluster.NOW;
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final String HOST = RandomCluster.HOST;
    /** Revisions of tag "latest" in ns/app, newest first: A (current), B, C. */
    private static final String A = d('a');
    private static final String B = d('b');
    private static final String C = d('c');

    private final ReferenceGraph g = new ReferenceGraph();

    ExtensionsPlanningTest() {
        for (String image : List.of(A, B, C)) {
            g.putImage(image(image, AdminAnnotations.NONE));
        }
        g.putStream(stream(List.of(), AdminAnnotations.NONE));
    }

    /** keep 1 revision per tag, keep-younger-than 60m: oc removes B and C and deletes both images. */
    private static PruneOptions options(Extensions extensions) {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "", false, true)
                .withExtensions(extensions);
    }

    private Set<String> deleted(Extensions extensions) {
        return new TreeSet<>(PruneExecutor.dryRun(Planner.of(g, options(extensions))).imageDeletions());
    }

    @Test
    void withoutHoldersOrAnnotationsEveryExtensionAgreesWithOc() {
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));
        assertEquals(Set.of(B, C), deleted(Extensions.ALL));
    }

    @Test
    void aRolloutPinsTheDigestItNamesAndOcExactIgnoresIt() {
        g.put(custom("Rollout", "argoproj.io", false, null, HOST + "/ns/app@" + B));
        assertEquals(Set.of(C), deleted(Extensions.ALL));
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));
        assertEquals(Set.of(B, C), PruneExecutor.dryRun(Planner.of(g, options(Extensions.ALL).ocExact()))
                .imageDeletions().stream().collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        ImageExplanation e = new Explainer(g, options(Extensions.ALL)).explain(B);
        assertEquals(Rule.IMAGE_IN_STREAM, e.rule(), "the revision stays: the Rollout uses the image in ns/app");
        assertTrue(e.beyondOc().contains("kept: pinned by Rollout ns/web (spec.template.spec.containers[0].image)"),
                e.beyondOc().toString());
    }

    @Test
    void aTagReferenceOfACustomResourceProtectsTheTagAsADeploymentWould() {
        // the tag's current revision is A; move it so that "latest" names B
        g.putStream(new ImageStream("ns", "app", OLD.minusSeconds(60), HOST + "/ns/app", List.of(
                new Tag("latest", List.of(new TagEvent(A, OLD), new TagEvent(B, OLD.minusSeconds(1)))),
                new Tag("old", List.of(new TagEvent(C, OLD))))));
        PruneOptions keepNone = PruneOptions.library(NOW, Duration.ofMinutes(60), 0, null, null, null, "", false, true);
        assertEquals(Set.of(A, B, C), new TreeSet<>(PruneExecutor.dryRun(Planner.of(g, keepNone)).imageDeletions()));
        g.put(custom("Service", "serving.knative.dev", false, null, HOST + "/ns/app:old"));
        assertEquals(Set.of(A, B), new TreeSet<>(PruneExecutor.dryRun(Planner.of(g,
                keepNone.withExtensions(Extensions.ALL))).imageDeletions()));
        assertEquals(Rule.TAG_IN_USE, Planner.of(g, keepNone.withExtensions(Extensions.ALL))
                .revisionRule("ns/app", "old", 0));
    }

    @Test
    void aTektonRunCountsWhileUnfinishedAndWhileItFinishedRecently() {
        g.put(custom("TaskRun", "tekton.dev", true, null, HOST + "/ns/app@" + B));
        assertEquals(Set.of(C), deleted(Extensions.ALL), "running");
        g.put(custom("TaskRun", "tekton.dev", true, NOW.minus(Duration.ofMinutes(10)), HOST + "/ns/app@" + B));
        assertEquals(Set.of(C), deleted(Extensions.ALL), "finished 10 minutes ago, keep-younger-than 60m");
        g.put(custom("TaskRun", "tekton.dev", true, NOW.minus(Duration.ofHours(3)), HOST + "/ns/app@" + B));
        assertEquals(Set.of(B, C), deleted(Extensions.ALL), "finished 3 hours ago");
    }

    @Test
    void anInvalidReferenceOfACustomResourceStopsTheRunLikeOcsOwnUnlessIgnored() {
        g.put(custom("Rollout", "argoproj.io", false, null, "Not/A:Reference"));
        Planner planner = Planner.of(g, options(Extensions.ALL));
        assertTrue(planner.refuses());
        assertEquals("rollout.argoproj.io/web namespace=ns: spec.template.spec.containers[0].image: invalid image "
                + "reference \"Not/A:Reference\": repository name must be lowercase", planner.refusalMessage());
        assertFalse(Planner.of(g, options(Extensions.NONE)).refuses(), "oc-exact does not read the Rollout");
    }

    @Test
    void ephemeralContainersHoldWhatTheyNameWhileThePodCounts() {
        Referrer pod = new Referrer(ReferrerKind.POD, "ns", "debugged", OLD, "Running", List.of(), null,
                List.of(new Container("debugger", false, HOST + "/ns/app@" + B)));
        g.put(pod);
        assertEquals(Set.of(C), deleted(Extensions.ALL));
        assertEquals(Set.of(B, C), deleted(new Extensions(true, false, true, true, false)), "switched off");
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));
        g.put(new Referrer(ReferrerKind.POD, "ns", "debugged", OLD, "Succeeded", List.of(), null,
                pod.ephemeralContainers()));
        assertEquals(Set.of(B, C), deleted(Extensions.ALL), "an old finished pod counts for nothing, as oc counts it");
        g.removeReferrer(ReferrerKind.POD, "ns", "debugged");
        assertEquals(0, g.extensions().count(io.imageprune.graph.ExtensionHolders.Source.EPHEMERAL_CONTAINERS));
    }

    @Test
    void specTagsHoldTheTagOrImageTheyName() {
        g.putStream(new ImageStream("ns", "mirror", OLD, HOST + "/ns/mirror", List.of(),
                List.of(new SpecTag("pinned", new BuildSource("ImageStreamImage", "ns", "app@" + C)),
                        new SpecTag("alias", new BuildSource("ImageStreamTag", "", "app:latest"))),
                AdminAnnotations.NONE));
        assertEquals(Set.of(B), deleted(Extensions.ALL));
        assertEquals(Rule.IMAGE_IN_USE, Planner.of(g, options(Extensions.ALL)).revisionRule("ns/app", "latest", 2));
        assertEquals(Set.of(B, C), deleted(new Extensions(true, true, false, true, false)), "switched off");
        g.removeStream("ns", "mirror");
        assertEquals(Set.of(B, C), deleted(Extensions.ALL), "removing the stream releases what its spec held");
    }

    @Test
    void protectAnnotationsOnImageStreamAndNamespace() {
        g.putImage(image(C, new AdminAnnotations("true", "", "")));
        assertEquals(Set.of(B), deleted(Extensions.ALL));
        assertEquals(Rule.PROTECTED_IMAGE, Planner.of(g, options(Extensions.ALL)).revisionRule("ns/app", "latest", 2));
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));
        assertTrue(new Explainer(g, options(Extensions.ALL)).explain(C).beyondOc()
                .contains("protected by annotation on image " + C));

        g.putImage(image(C, AdminAnnotations.NONE));
        g.putStream(stream(List.of(), new AdminAnnotations("true", "", "")));
        assertEquals(Set.of(), deleted(Extensions.ALL));
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));

        g.putStream(stream(List.of(), AdminAnnotations.NONE));
        g.put(new Namespace("ns", new AdminAnnotations("true", "", "")));
        assertEquals(Set.of(), deleted(Extensions.ALL));
        assertTrue(new Explainer(g, options(Extensions.ALL)).explain(B).beyondOc()
                .contains("protected by annotation on namespace ns"));
        g.removeNamespace("ns");
        assertEquals(Set.of(B, C), deleted(Extensions.ALL));
    }

    @Test
    void perScopePolicyKeepsMoreOnlyUnlessRelaxingIsAllowed() {
        g.put(new Namespace("ns", new AdminAnnotations("", "2", "")));
        assertEquals(Set.of(C), deleted(Extensions.ALL));
        assertEquals(Rule.RECENT_REVISION_IN_SCOPE, Planner.of(g, options(Extensions.ALL))
                .revisionRule("ns/app", "latest", 1));
        assertTrue(new Explainer(g, options(Extensions.ALL)).explain(B).beyondOc()
                .contains("revision ns/app:latest #1 kept by the keep-tag-revisions annotation on namespace ns"));
        // the stream asks for fewer than the namespace: the most protective wins
        g.putStream(stream(List.of(), new AdminAnnotations("", "0", "")));
        assertEquals(Set.of(C), deleted(Extensions.ALL));
        // keep-younger-than on the stream reaching back past the revisions: everything stays
        g.putStream(stream(List.of(), new AdminAnnotations("", "", "720h")));
        assertEquals(Set.of(), deleted(Extensions.ALL));
        assertEquals(Rule.YOUNG_REVISION_IN_SCOPE, Planner.of(g, options(Extensions.ALL))
                .revisionRule("ns/app", "latest", 2));
        assertEquals(Set.of(B, C), deleted(Extensions.NONE));
    }

    @Test
    void aValueKeepingLessIsReportedAndIgnoredUnlessRelaxingIsAllowed() {
        PruneOptions keepTwo = PruneOptions.library(NOW, Duration.ofMinutes(60), 2, null, null, null, "", false, true);
        g.putStream(stream(List.of(), new AdminAnnotations("", "0", "")));
        Planner planner = Planner.of(g, keepTwo.withExtensions(Extensions.ALL));
        assertEquals(Set.of(C), new TreeSet<>(PruneExecutor.dryRun(planner).imageDeletions()));
        assertEquals(List.of("imageprune.io/keep-tag-revisions=0 on imagestream ns/app would keep fewer revisions "
                + "than 2: ignored (set imageprune.policy.allow-relaxing=true to allow)"), planner.annotationNotes());
        Planner relaxed = Planner.of(g, keepTwo.withExtensions(new Extensions(true, true, true, true, true)));
        assertEquals(Set.of(A, B, C), new TreeSet<>(PruneExecutor.dryRun(relaxed).imageDeletions()),
                "relaxing allowed: the stream keeps 0 revisions, as oc does with --keep-tag-revisions=0");
    }

    @Test
    void aMalformedValueIsReportedNotSilentlyIgnored() {
        g.put(new Namespace("ns", new AdminAnnotations("yes please", "three", "1 hour")));
        Planner planner = Planner.of(g, options(Extensions.ALL));
        List<String> notes = planner.annotationNotes();
        assertEquals(3, notes.size(), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith(
                "invalid value for imageprune.io/keep-tag-revisions on namespace ns: \"three\" is not an integer")),
                notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.contains("imageprune.io/keep-younger-than on namespace ns")),
                notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.contains("imageprune.io/protect on namespace ns")
                && n.endsWith("treated as protecting (it keeps more)")), notes.toString());
        assertEquals(Set.of(), new TreeSet<>(PruneExecutor.dryRun(planner).imageDeletions()),
                "a malformed protect value keeps more");
    }

    @Test
    void lastMomentCheckSeesAProtectAnnotationThatAppearedAfterPlanning() {
        Planner planner = Planner.of(g, options(Extensions.ALL));
        PruneResult result = PruneExecutor.dryRun(planner);
        assertTrue(result.imageDeletions().contains(C));
        g.putImage(image(C, new AdminAnnotations("true", "", "")));
        assertEquals("the image is now annotated imageprune.io/protect",
                planner.lastMomentCheck().imageSaved(C, java.util.Map.of()));
    }

    // ================================================================ helpers

    private static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static Image image(String name, AdminAnnotations annotations) {
        String layer = d(name.equals(A) ? '1' : name.equals(B) ? '2' : '3');
        return new Image(name, OLD, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(layer, 10)), true, "", 10,
                List.of(), "", annotations);
    }

    /** ns/app: tag latest with A (newest), B, C. */
    private static ImageStream stream(List<SpecTag> specTags, AdminAnnotations annotations) {
        return new ImageStream("ns", "app", OLD.minusSeconds(60), HOST + "/ns/app", List.of(new Tag("latest", List.of(
                new TagEvent(A, OLD), new TagEvent(B, OLD.minusSeconds(1)), new TagEvent(C, OLD.minusSeconds(2))))),
                specTags, annotations);
    }

    private static CustomReferrer custom(String kind, String group, boolean runLike, Instant finished, String image) {
        String path = runLike ? "spec.taskSpec.steps[0].image" : "spec.template.spec.containers[0].image";
        return new CustomReferrer(kind, group, "ns", "web", runLike, finished,
                List.of(new CustomReferrer.Reference(path, image)));
    }
}
