package io.imageprune.graph;

import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.Image;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The graph's index of manifest lists and of annotated images replaces walks over every image in the planner, so it
 * must follow every put, replacement and removal: a list missed there would leave its children unprotected.
 */
class ImageIndexesTest {
    private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
    private static final String LIST = "sha256:" + "a".repeat(64);
    private static final String CHILD = "sha256:" + "b".repeat(64);
    private static final AdminAnnotations PROTECT = new AdminAnnotations("true", "", "");

    @Test
    void followsPutsReplacementsAndRemovals() {
        ReferenceGraph graph = new ReferenceGraph();
        graph.putImage(image(CHILD, List.of(), AdminAnnotations.NONE));
        graph.putImage(image(LIST, List.of(CHILD), PROTECT));
        assertEquals(Set.of(LIST), graph.manifestLists());
        assertEquals(Set.of(LIST), graph.annotatedImages());

        graph.putImage(image(LIST, List.of(), AdminAnnotations.NONE));
        assertEquals(Set.of(), graph.manifestLists(), "replaced by an image that names no child");
        assertEquals(Set.of(), graph.annotatedImages(), "replaced by an image without annotations");

        graph.putImage(image(CHILD, List.of(LIST), PROTECT));
        assertEquals(Set.of(CHILD), graph.manifestLists());
        assertEquals(Set.of(CHILD), graph.annotatedImages());

        graph.removeImage(CHILD);
        assertEquals(Set.of(), graph.manifestLists());
        assertEquals(Set.of(), graph.annotatedImages());
    }

    private static Image image(String name, List<String> children, AdminAnnotations annotations) {
        return new Image(name, CREATED, true, children.isEmpty() ? Image.MANIFEST_SCHEMA2 : Image.MANIFEST_LIST,
                List.of(), true, null, 0, children, "registry.example/ns/app@" + name, annotations);
    }
}
