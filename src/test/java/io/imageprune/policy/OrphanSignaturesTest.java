package io.imageprune.policy;

import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.properties.RandomCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signatures follow their subject (issue 12 item 5) on a hand-built stream ns/app: tag latest holds A (current) and B;
 * keeping one revision per tag removes B, so stage 2 deletes B. Beside it, cosign tags for A (kept), B (deleted in
 * the run), X (absent), Y (absent, signature young) and P (absent, but a Deployment names its digest).
 */
class OrphanSignaturesTest {
    private static final Instant NOW = RandomCluster.NOW;
    private static final Instant OLD = NOW.minus(Duration.ofDays(10));
    private static final String HOST = RandomCluster.HOST;
    private static final String A = d('a');
    private static final String B = d('b');
    private static final String X = d('c');
    private static final String Y = d('e');
    private static final String P = d('f');
    /** The signature images, one per signature tag. */
    private static final String SIG_A = d('1');
    private static final String SIG_B = d('2');
    private static final String ATT_X = d('3');
    private static final String SIG_Y = d('4');
    private static final String SIG_P = d('5');
    /** A signature of SIG_B: its subject is only deleted once SIG_B's own revision goes. */
    private static final String SIG_SIG_B = d('6');

    private final ReferenceGraph g = new ReferenceGraph();
    private final List<Tag> tags = new ArrayList<>();

    OrphanSignaturesTest() {
        for (String image : List.of(A, B, SIG_A, SIG_B, ATT_X, SIG_Y, SIG_P, SIG_SIG_B)) {
            g.putImage(new Image(image, OLD, true, Image.MANIFEST_SCHEMA2,
                    List.of(new Layer("sha256:" + image.substring(8, 20) + "0".repeat(52), 10)), true, "", 10,
                    List.of(), ""));
        }
        tags.add(new Tag("latest", List.of(new TagEvent(A, OLD), new TagEvent(B, OLD.minusSeconds(1)))));
        tags.add(signatureTag(A, ".sig", SIG_A, OLD));
        tags.add(signatureTag(B, ".sig", SIG_B, OLD));
        tags.add(signatureTag(X, ".att", ATT_X, OLD));
        tags.add(signatureTag(Y, ".sig", SIG_Y, NOW.minus(Duration.ofMinutes(10))));
        tags.add(signatureTag(P, ".sbom", SIG_P, OLD));
        tags.add(signatureTag(SIG_B, ".sig", SIG_SIG_B, OLD));
        putStream();
        g.put(new Referrer(ReferrerKind.DEPLOYMENT, "ns", "pinner", OLD, "", List.of(
                new Container("c", false, HOST + "/other/thing@" + P)), null));
    }

    @Test
    void orphanedSignaturesGoWithTheirSubjectAndOnlyWithTheOptionOn() {
        PruneResult off = run(keep(1), false);
        assertEquals(Set.of(B), deletions(off));
        assertEquals(Set.of("ns/app:latest#1"), removedRevisions(off));

        PruneResult on = run(keep(1), true);
        assertEquals(Set.of(B, SIG_B, ATT_X, SIG_SIG_B), deletions(on),
                "signatures of B (deleted in this run), of X (absent) and of B's signature go; A's stays with A, Y's "
                        + "is young, P's subject is named by a Deployment");
        assertEquals(Set.of("ns/app:latest#1", "ns/app:" + tag(B, ".sig") + "#0", "ns/app:" + tag(X, ".att") + "#0",
                "ns/app:" + tag(SIG_B, ".sig") + "#0"), removedRevisions(on));
        on.streamUpdates().forEach(plan -> plan.removedRevisions().stream()
                .filter(r -> !r.tag().equals("latest"))
                .forEach(r -> assertEquals(Rule.ORPHAN_SIGNATURE, r.rule(), r.toString())));
    }

    @Test
    void aKeptImageKeepsItsSignatureWhereOcWouldRemoveIt() {
        // keep no revision: A's own revision goes, but the Deployment below pins A, so stage 2 keeps it
        g.put(new Referrer(ReferrerKind.DEPLOYMENT, "ns", "web", OLD, "", List.of(
                new Container("c", false, HOST + "/ns/app@" + A)), null));
        assertTrue(deletions(run(keep(0), false)).contains(SIG_A), "oc removes the signature of a kept image");
        PruneResult on = run(keep(0), true);
        assertFalse(deletions(on).contains(A));
        assertFalse(deletions(on).contains(SIG_A), "the signature stays while its image does");
        assertFalse(removedRevisions(on).contains("ns/app:" + tag(A, ".sig") + "#0"));
        assertEquals(Rule.SIGNATURE_OF_KEPT_IMAGE, Planner.of(g, keep(0).withExtensions(orphans(true)))
                .revisionRule("ns/app", tag(A, ".sig"), 0));
        assertTrue(new Explainer(g, keep(0).withExtensions(orphans(true))).explain(SIG_A).beyondOc()
                .contains("kept: signature of kept image " + A + " (revision ns/app:" + tag(A, ".sig") + " #0)"));
    }

    @Test
    void explainNamesTheSubject() {
        PruneOptions options = keep(1).withExtensions(orphans(true));
        assertTrue(new Explainer(g, options).explain(ATT_X).beyondOc()
                        .contains("removed: signature of absent image " + X + " (revision ns/app:" + tag(X, ".att")
                                + " #0)"),
                new Explainer(g, options).explain(ATT_X).beyondOc().toString());
        assertTrue(new Explainer(g, options).explain(SIG_B).beyondOc()
                .contains("removed: signature of image " + B + " deleted in this run (revision ns/app:"
                        + tag(B, ".sig") + " #0)"));
        assertEquals(List.of(), new Explainer(g, keep(1).withExtensions(orphans(false))).explain(ATT_X).beyondOc());
    }

    @Test
    void aNamespacedRunRemovesSignaturesOfAbsentImagesOnly() {
        PruneOptions namespaced = PruneOptions.library(NOW, Duration.ofMinutes(60), 1, null, null, null, "ns",
                false, true).withExtensions(orphans(true));
        PruneResult result = PruneExecutor.dryRun(Planner.of(g, namespaced));
        assertEquals(Set.of(), deletions(result), "stage 2 does not run");
        assertEquals(Set.of("ns/app:latest#1", "ns/app:" + tag(X, ".att") + "#0"), removedRevisions(result),
                "B is not deleted in a namespaced run, so its signature stays");
    }

    @Test
    void ocExactForcesTheOptionOff() {
        PruneOptions asked = new RunSwitches(true, true).apply(keep(1), false);
        assertFalse(asked.extensions().orphanSignatures());
        assertEquals(Set.of(B), deletions(PruneExecutor.dryRun(Planner.of(g, asked))));
        assertTrue(new RunSwitches(null, true).apply(keep(1), false).extensions().orphanSignatures());
        assertFalse(new RunSwitches(null, true).apply(keep(1), true).extensions().orphanSignatures(),
                "a service configured oc-exact applies no extension");
    }

    @Test
    void ocExactFalseAgainstAServiceConfiguredOcExactIsRefused() {
        PlanFlags.InvalidFlagsException e = org.junit.jupiter.api.Assertions.assertThrows(
                PlanFlags.InvalidFlagsException.class, () -> new RunSwitches(false, null).apply(keep(1), true));
        assertEquals("oc-exact", e.flag());
    }

    @Test
    void subjectsAreReadStrictly() {
        String hex = "0123456789abcdef".repeat(4);
        assertEquals("sha256:" + hex, OrphanSignatures.subject("sha256-" + hex + ".sig"));
        assertEquals("sha256:" + hex, OrphanSignatures.subject("sha256-" + hex + ".att"));
        assertEquals("sha256:" + hex, OrphanSignatures.subject("sha256-" + hex + ".sbom"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "sha256-", "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.sig",
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0.sig",
            "sha256-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef.sig",
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg.sig",
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig2",
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig.sig",
            "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha512-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig",
            "SHA256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.sig"})
    void anyOtherNameIsAnOrdinaryTag(String name) {
        assertNull(OrphanSignatures.subject(name));
    }

    @Test
    void anOrdinaryTagThatLooksAlmostLikeASignatureKeepsOcsRule() {
        String upper = "sha256-" + X.substring(7).toUpperCase() + ".sig";
        tags.add(new Tag(upper, List.of(new TagEvent(ATT_X, OLD))));
        putStream();
        assertEquals(Rule.RECENT_REVISION, Planner.of(g, keep(1).withExtensions(orphans(true)))
                .revisionRule("ns/app", upper, 0));
    }

    private void putStream() {
        g.putStream(new ImageStream("ns", "app", OLD.minusSeconds(60), HOST + "/ns/app", List.copyOf(tags)));
    }

    private static Extensions orphans(boolean on) {
        return Extensions.ALL.withOrphanSignatures(on);
    }

    private static PruneOptions keep(int revisions) {
        return PruneOptions.library(NOW, Duration.ofMinutes(60), revisions, null, null, null, "", false, true);
    }

    private PruneResult run(PruneOptions options, boolean orphanSignatures) {
        return PruneExecutor.dryRun(Planner.of(g, options.withExtensions(orphans(orphanSignatures))));
    }

    private static Set<String> deletions(PruneResult result) {
        return new TreeSet<>(result.imageDeletions());
    }

    private static Set<String> removedRevisions(PruneResult result) {
        Set<String> removed = new TreeSet<>();
        result.streamUpdates().forEach(plan -> plan.removedRevisions()
                .forEach(r -> removed.add(plan.repo() + ":" + r.tag() + "#" + r.index())));
        return removed;
    }

    private static Tag signatureTag(String subject, String suffix, String signature, Instant created) {
        return new Tag(tag(subject, suffix), List.of(new TagEvent(signature, created)));
    }

    private static String tag(String subject, String suffix) {
        return "sha256-" + subject.substring("sha256:".length()) + suffix;
    }

    private static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
