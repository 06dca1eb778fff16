package io.imageprune.registry;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistryHostsTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    private static Image image(String name, long created, boolean managed, String ref) {
        return new Image(name, Instant.ofEpochSecond(created), managed, Image.MANIFEST_SCHEMA2, List.of(), true,
                "", 0, List.of(), ref);
    }

    private static ImageStream stream(String name, long created, String repository) {
        return new ImageStream("ns", name, Instant.ofEpochSecond(created), repository, List.of());
    }

    @Test
    void newestManagedImageWins() {
        List<Image> images = List.of(
                image(D1, 100, true, "old.registry:5000/ns/a@" + D1),
                image(D2, 300, true, "new.registry:5000/ns/b@" + D2),
                image(D3, 500, false, "unmanaged.registry/ns/c@" + D3));
        List<ImageStream> streams = List.of(stream("s", 1000, "stream.registry/ns/s"));
        assertEquals("new.registry:5000", RegistryHosts.discover(images, streams));
    }

    @Test
    void withoutManagedImagesTheOldestStreamWithARepositoryWins() {
        List<Image> images = List.of(image(D1, 100, false, "unmanaged.registry/ns/a@" + D1));
        List<ImageStream> streams = List.of(
                stream("newest", 300, "newest.registry/ns/newest"),
                stream("oldest-empty", 50, ""),
                stream("oldest", 100, "oldest.registry:5000/ns/oldest"),
                stream("middle", 200, "middle.registry/ns/middle"));
        assertEquals("oldest.registry:5000", RegistryHosts.discover(images, streams));
    }

    @Test
    void nothingToGoBy() {
        RegistryHostException e = assertThrows(RegistryHostException.class,
                () -> RegistryHosts.discover(List.of(), List.of(stream("s", 1, ""))));
        assertEquals("unable to find the remote registry host: no managed image found", e.getMessage());
    }

    @Test
    void newestManagedImageWithoutReferenceDoesNotFallBackToStreams() {
        List<Image> images = List.of(image(D1, 100, true, "reg/ns/a@" + D1), image(D2, 200, true, ""));
        RegistryHostException e = assertThrows(RegistryHostException.class,
                () -> RegistryHosts.discover(images, List.of(stream("s", 1, "stream.registry/ns/s"))));
        assertEquals("unable to find the remote registry host: no managed image found", e.getMessage());
    }

    @Test
    void referenceWithoutRegistry() {
        RegistryHostException e = assertThrows(RegistryHostException.class,
                () -> RegistryHosts.discover(List.of(image(D1, 1, true, "ns/name@" + D1)), List.of()));
        assertEquals("unable to find the remote registry host: ns/name@" + D1 + " does not include a registry",
                e.getMessage());
    }

    @Test
    void unparsableReference() {
        RegistryHostException e = assertThrows(RegistryHostException.class,
                () -> RegistryHosts.discover(List.of(), List.of(stream("s", 1, "Registry/NS/s"))));
        assertEquals("unable to find the remote registry host: unable to parse \"Registry/NS/s\": "
                + "repository name must be lowercase", e.getMessage());
    }

    @Test
    void registryOnlyRepositoryAndLocalhost() {
        assertEquals("localhost:5000", RegistryHosts.discover(List.of(), List.of(stream("s", 1, "localhost:5000"))));
        assertEquals("image-registry.openshift-image-registry.svc:5000", RegistryHosts.discover(List.of(),
                List.of(stream("s", 1, "image-registry.openshift-image-registry.svc:5000/ns/s"))));
    }
}
