package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An image named by its full name or by at least 12 hex characters of its digest, as the plan table prints it. */
class ImageKeysTest {
    /** Two images sharing their first 12 hex characters, one other. */
    private static final String SHARED_A = "sha256:0123456789ab" + "a".repeat(52);
    private static final String SHARED_B = "sha256:0123456789ab" + "b".repeat(52);
    private static final String OTHER = "sha256:fedcba987654" + "c".repeat(52);

    private static ReferenceGraph graph() {
        ReferenceGraph graph = new ReferenceGraph();
        for (String name : List.of(SHARED_A, SHARED_B, OTHER)) {
            graph.putImage(new Image(name, Instant.EPOCH, true, Image.MANIFEST_SCHEMA2, List.of(), true, "", 0,
                    List.of(), ""));
        }
        return graph;
    }

    @Test
    void aFullNameIsItself() {
        assertEquals(SHARED_A, ImageKeys.resolve(graph(), SHARED_A));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:fedcba987654", "fedcba987654", "fedcba987654ccc", "sha256:fedcba987654c"})
    void aUniquePrefixOfTwelveOrMoreHexCharactersWithOrWithoutTheAlgorithmNamesTheImage(String key) {
        assertEquals(OTHER, ImageKeys.resolve(graph(), key));
    }

    @Test
    void anAmbiguousPrefixListsTheCandidates() {
        ImageKeys.ImageKeyException e = assertThrows(ImageKeys.ImageKeyException.class,
                () -> ImageKeys.resolve(graph(), "sha256:0123456789ab"));
        assertEquals(List.of(SHARED_A, SHARED_B), e.candidates());
        assertTrue(e.getMessage().contains("is the prefix of 2 images: " + SHARED_A + ", " + SHARED_B),
                e.getMessage());
        assertEquals(SHARED_B, ImageKeys.resolve(graph(), "0123456789abb"), "one more character decides");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fedcba98765", "sha256:fedcba", "0"})
    void aPrefixShorterThanTwelveHexCharactersIsRefused(String key) {
        ImageKeys.ImageKeyException e = assertThrows(ImageKeys.ImageKeyException.class,
                () -> ImageKeys.resolve(graph(), key));
        assertTrue(e.getMessage().contains("at least 12 hex characters"), e.getMessage());
        assertTrue(e.candidates().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha256:999999999999", "not-an-image", "FEDCBA987654", "sha512:fedcba987654"})
    void aKeyThatMatchesNothingIsPassedOnForTheUnknownImageAnswer(String key) {
        assertEquals(key, ImageKeys.resolve(graph(), key));
    }

    @Test
    void manyCandidatesAreCutWithACount() {
        ReferenceGraph graph = new ReferenceGraph();
        for (int i = 0; i < ImageKeys.MAX_LISTED + 3; i++) {
            graph.putImage(new Image(String.format("sha256:0123456789ab%052d", i), Instant.EPOCH, true,
                    Image.MANIFEST_SCHEMA2, List.of(), true, "", 0, List.of(), ""));
        }
        ImageKeys.ImageKeyException e = assertThrows(ImageKeys.ImageKeyException.class,
                () -> ImageKeys.resolve(graph, "0123456789ab"));
        assertEquals(ImageKeys.MAX_LISTED, e.candidates().size());
        assertTrue(e.getMessage().contains("of 13 images") && e.getMessage().contains(" and 3 more"), e.getMessage());
    }
}
