package io.imageprune.registry.testkit;

import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the real registry answers, as the pruner will rely on it. Each test uses its own repositories. */
class DistributionRegistryTest {
    private static DistributionRegistry registry;
    private static RegistryPusher pusher;

    @BeforeAll
    static void start() {
        registry = DistributionRegistry.launch();
        pusher = new RegistryPusher(registry.url());
    }

    @AfterAll
    static void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void pushesTwoImagesSharingALayerAndPullsThem() {
        PushedImage one = pusher.push("push/one", "v1", List.of("shared base", "top of one"));
        PushedImage two = pusher.push("push/deep/two", "v1", List.of("shared base", "top of two"));

        assertEquals(one.layerDigest(), two.layerDigest(), "same content, same layer");
        assertNotEquals(one.layers().get(1).digest(), two.layers().get(1).digest());
        assertNotEquals(one.manifestDigest(), two.manifestDigest());
        assertEquals(2, one.layers().size());
        assertTrue(pusher.pull("push/one", one.manifestDigest()));
        assertTrue(pusher.pull("push/deep/two", two.manifestDigest()));
        assertEquals(List.of("v1"), pusher.tags("push/one"));
        assertEquals(one.manifestDigest(), pusher.manifestDigest("push/one", "v1"));
        assertEquals(200, pusher.blobStatus("push/one", one.configDigest()));
    }

    @Test
    void samePushIsReproducible() {
        PushedImage a = pusher.push("repro/a", "x", "same");
        PushedImage b = pusher.push("repro/b", "y", "same");
        assertEquals(a.manifestDigest(), b.manifestDigest());
        assertEquals(a.manifestJson(), b.manifestJson());
    }

    @Test
    void deletingAManifestByDigestRemovesItAndItsTags() {
        PushedImage img = pusher.push("del/manifest", "v1", "to be deleted");

        assertEquals(400, pusher.deleteManifest("del/manifest", "v1"), "by tag is not allowed");
        assertEquals(202, pusher.deleteManifest("del/manifest", img.manifestDigest()));
        assertEquals(404, pusher.manifestStatus("del/manifest", img.manifestDigest()));
        assertEquals(404, pusher.manifestStatus("del/manifest", "v1"));
        assertEquals(List.of(), pusher.tags("del/manifest"));
        assertEquals(404, pusher.deleteManifest("del/manifest", img.manifestDigest()), "second delete");
        // the manifest's blobs stay linked until someone deletes them
        assertEquals(200, pusher.blobStatus("del/manifest", img.layerDigest()));
    }

    @Test
    void deletingABlobUnlinksItFromThatRepositoryOnly() {
        PushedImage a = pusher.push("blob/a", "v1", List.of("shared blob", "only a"));
        PushedImage b = pusher.push("blob/b", "v1", List.of("shared blob", "only b"));

        assertEquals(202, pusher.deleteBlob("blob/a", a.layerDigest()));
        assertEquals(404, pusher.blobStatus("blob/a", a.layerDigest()));
        assertEquals(200, pusher.blobStatus("blob/b", b.layerDigest()));
        assertEquals(404, pusher.deleteBlob("blob/a", a.layerDigest()), "second delete");
        assertFalse(pusher.pull("blob/a", a.manifestDigest()), "a's manifest now misses a blob");
        assertTrue(pusher.pull("blob/b", b.manifestDigest()));
    }

    @Test
    void openShiftAdminBlobRouteDoesNotExist() {
        PushedImage img = pusher.push("admin/x", "v1", "admin");
        HttpResponse<String> r = pusher.delete("/admin/blobs/" + img.layerDigest());
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("404 page not found"), r.body());
    }

    @Test
    void stopAndStartKeepPortAndData() {
        PushedImage img = pusher.push("restart/app", "v1", "survives restarts");
        String url = registry.url();

        registry.stop();
        assertFalse(registry.isRunning());
        assertThrows(UncheckedIOException.class, () -> pusher.manifestStatus("restart/app", "v1"));

        registry.start();
        assertEquals(url, registry.url());
        assertTrue(pusher.pull("restart/app", img.manifestDigest()));
    }

    @Test
    void garbageCollectionRemovesBlobsOnlyDeletedManifestsUsed() throws Exception {
        PushedImage gone = pusher.push("gc/gone", "v1", List.of("gc shared", "gc only gone"));
        PushedImage kept = pusher.push("gc/kept", "v1", List.of("gc shared", "gc only kept"));
        assertEquals(202, pusher.deleteManifest("gc/gone", gone.manifestDigest()));

        String output = registry.garbageCollect();

        assertTrue(output.contains("eligible for deletion"), output);
        assertTrue(registry.isRunning());
        assertFalse(Files.exists(blobData(gone.layers().get(1).digest())), "unique layer of the deleted image");
        assertFalse(Files.exists(blobData(gone.configDigest())));
        assertTrue(Files.exists(blobData(gone.layerDigest())), "shared layer is still used by gc/kept");
        assertTrue(pusher.pull("gc/kept", kept.manifestDigest()));
        assertEquals(404, pusher.blobStatus("gc/gone", gone.layers().get(1).digest()), "link left, data gone");
    }

    private static Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return registry.dataDir().resolve("docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
                .resolve("data");
    }
}
