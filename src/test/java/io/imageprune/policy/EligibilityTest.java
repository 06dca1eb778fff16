package io.imageprune.policy;

import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EligibilityTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Duration KEEP = Duration.ofMinutes(60);
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    private static ImageStream stream(Instant created, String... images) {
        List<TagEvent> items = new java.util.ArrayList<>();
        for (String image : images) {
            items.add(new TagEvent(image, created));
        }
        return new ImageStream("ns", "app", created, "", List.of(new Tag("latest", items)));
    }

    private static Image image(String name, Instant created) {
        return new Image(name, created, true, Image.MANIFEST_SCHEMA2, List.of(), true, "", 0, List.of(), "");
    }

    private static Referrer pod(String phase, Instant created, String image) {
        return new Referrer(ReferrerKind.POD, "ns", "pod", created, phase,
                List.of(new Container("c", false, image)), null);
    }

    @Test
    void aStreamThatDropsARevisionNamesItselfAndTheDroppedImageNow() {
        Instant old = NOW.minus(Duration.ofDays(1));
        List<Eligibility.Due> due = Eligibility.of(stream(old, A, B), stream(old, A), KEEP, NOW);
        assertEquals(List.of(new Eligibility.Due(NOW, Set.of("ns/app"), Set.of(B))), due);
    }

    @Test
    void aYoungRevisionMakesTheStreamDueWhenItAges() {
        Instant young = NOW.minus(Duration.ofMinutes(10));
        List<Eligibility.Due> due = Eligibility.of(null, stream(young, A), KEEP, NOW);
        assertTrue(due.contains(new Eligibility.Due(young.plus(KEEP), Set.of("ns/app"), Set.of())), due.toString());
    }

    @Test
    void aNewImageIsDueWhenOldEnough() {
        Instant young = NOW.minus(Duration.ofMinutes(10));
        assertEquals(List.of(new Eligibility.Due(young.plus(KEEP), Set.of(), Set.of(A))),
                Eligibility.of(null, image(A, young), KEEP, NOW));
        Instant old = NOW.minus(Duration.ofDays(2));
        assertEquals(List.of(new Eligibility.Due(NOW, Set.of(), Set.of(A))),
                Eligibility.of(null, image(A, old), KEEP, NOW));
    }

    @Test
    void aDeletedImageMakesTheStreamsNamingItDue() {
        Instant old = NOW.minus(Duration.ofDays(2));
        assertEquals(List.of(new Eligibility.Due(NOW, Set.of("ns/app"), Set.of())),
                Eligibility.of(image(A, old), null, KEEP, NOW, name -> name.equals(A) ? Set.of("ns/app") : Set.of()));
        assertEquals(List.of(), Eligibility.of(image(B, old), null, KEEP, NOW, name -> Set.of()),
                "an image no stream names leaves nothing dangling");
    }

    @Test
    void aDeletedPodReleasesWhatItNamed() {
        Referrer pod = pod("Running", NOW.minus(Duration.ofDays(1)), "registry.example/ns/app@" + A);
        List<Eligibility.Due> due = Eligibility.of(pod, null, KEEP, NOW);
        assertEquals(1, due.size());
        assertEquals(NOW, due.get(0).at());
        assertEquals(Set.of("ns/app"), due.get(0).streams());
        assertEquals(Set.of(A), due.get(0).images());
    }

    @Test
    void aYoungFinishedPodReleasesItsImagesWhenItAges() {
        Instant young = NOW.minus(Duration.ofMinutes(5));
        Referrer pod = pod("Succeeded", young, "registry.example/ns/app:latest");
        List<Eligibility.Due> due = Eligibility.of(null, pod, KEEP, NOW);
        assertEquals(List.of(new Eligibility.Due(young.plus(KEEP), Set.of("ns/app"), Set.of())), due);
    }
}
