package io.imageprune.snapshot;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code objects} of a few conformance vectors, wrapped into Lists (copies in src/test/resources/snapshot). */
class ConformanceListTest {
    static final String SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    static final String LAYER1 = "tarsum.dev+sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    static ClusterSnapshot load(String resource) {
        return new SnapshotLoader().load(new ByteArrayInputStream(SnapshotLoaderTest.resource(resource)));
    }

    static String digest(int n) {
        return "sha256:" + "0".repeat(63) + n;
    }

    @Test
    void keepMostRecentNImages031() {
        ClusterSnapshot s = load("conformance-031.json");
        assertEquals(4, s.images().size());
        assertEquals(1, s.streams().size());
        assertEquals(0, s.referrers().size());
        assertEquals(0, s.limitRanges().size());
        assertEquals(Map.of(), s.skippedKinds());

        Image first = s.images().get(0);
        assertEquals(digest(0), first.name());
        assertEquals(Times.ZERO, first.created());
        assertFalse(first.managed());
        assertEquals(SCHEMA1, first.mediaType());
        assertEquals(List.of(), first.layers());
        assertTrue(first.hasMetadata());
        assertEquals("", first.configDigest());
        assertEquals(List.of(), first.blobs());

        Image second = s.images().get(1);
        assertEquals(digest(2), second.name());
        assertEquals(Instant.parse("2024-12-31T22:00:00Z"), second.created());
        assertTrue(second.managed());
        assertEquals(5, second.layers().size());
        assertEquals(LAYER1, second.layers().get(0).name());
        assertSame(second.layers().get(0), second.layers().get(4), "Layer5 repeats Layer1");
        assertSame(second.layers().get(1), s.images().get(2).layers().get(1), "layers are shared across images");

        ImageStream stream = s.streams().get(0);
        assertEquals("foo/bar", stream.repo());
        assertEquals(Times.ZERO, stream.created());
        assertEquals("registry.io/foo/bar", stream.dockerImageRepository());
        assertEquals(1, stream.tags().size());
        assertEquals("latest", stream.tags().get(0).name());
        assertEquals(List.of(new TagEvent(digest(0), null), new TagEvent(digest(2), null),
                new TagEvent(digest(3), null), new TagEvent(digest(4), null)), stream.tags().get(0).items());
        assertSame(second.name(), stream.tags().get(0).items().get(1).image());
    }

    @Test
    void limitsPerNamespace059() {
        ClusterSnapshot s = load("conformance-059.json");
        assertEquals(4, s.images().size());
        assertEquals(2, s.streams().size());
        assertEquals(List.of(100L, 200L, 500L, 600L), s.images().stream().map(Image::size).toList());
        assertEquals(List.of(new LimitRange("bar", "limits-0", List.of(550L)),
                new LimitRange("foo", "limits-0", List.of(150L))), s.limitRanges());
    }

    @Test
    void buildWithBadReference062() {
        ClusterSnapshot s = load("conformance-062.json");
        assertEquals(3, s.images().size());
        assertEquals(1, s.streams().size());
        assertEquals(2, s.limitRanges().size());
        assertEquals(1, s.referrers().size());
        assertEquals(ReferrerKind.BUILD, s.referrers().get(0).kind());
        assertEquals("build1", s.referrers().get(0).name());
        assertEquals(new BuildSource("DockerImage", "foo", "registry.io/foo/bar@sha256:many-zeros-and-3"),
                s.referrers().get(0).buildSource());
        assertEquals(Map.of("Build", 1, "Image", 3, "ImageStream", 1, "LimitRange", 2), s.loadedKinds());
    }
}
