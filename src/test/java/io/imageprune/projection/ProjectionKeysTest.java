package io.imageprune.projection;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionKeysTest {
    @Test
    void keysOfEveryType() {
        assertEquals("Image//" + Fixtures.D1, ProjectionKeys.of(Fixtures.image()));
        assertEquals("ImageStream/ns/app", ProjectionKeys.of(new ImageStream("ns", "app", null, null, null)));
        assertEquals("Pod/ns/p", ProjectionKeys.of(new Referrer(ReferrerKind.POD, "ns", "p", null, null, null,
                null)));
        assertEquals("LimitRange/ns/l", ProjectionKeys.of(new LimitRange("ns", "l", null)));
        SyncMarker marker = new SyncMarker("ingest-7", 1, null, null);
        assertEquals("SyncMarker//ingest-7", ProjectionKeys.of(marker));
        assertEquals("SyncMarker//ingest-7", marker.key());
    }

    @ParameterizedTest
    @EnumSource(ReferrerKind.class)
    void referrerKeysAreReferrerKey(ReferrerKind kind) {
        Referrer r = new Referrer(kind, "ns", "obj", null, null, null, null);
        String key = ProjectionKeys.of(r);
        assertEquals(r.key(), key);
        assertEquals(kind.kind() + "/ns/obj", key);
        ObjectKey parsed = ProjectionKeys.parse(key);
        assertEquals(new ObjectKey(kind.kind(), "ns", "obj"), parsed);
        assertEquals(kind, parsed.referrerKind());
        assertEquals(key, parsed.key());
    }

    @Test
    void everyFixtureKeyParsesBack() {
        for (Object o : Fixtures.all()) {
            String key = ProjectionKeys.of(o);
            assertEquals(key, ProjectionKeys.parse(key).key(), key);
        }
    }

    @Test
    void parseSplitsOnTheFirstTwoSlashes() {
        ObjectKey image = ProjectionKeys.parse("Image//sha256:abc");
        assertEquals(new ObjectKey("Image", "", "sha256:abc"), image);
        assertNull(image.referrerKind());
        assertEquals(new ObjectKey("ImageStream", "ns", "app"), ProjectionKeys.parse("ImageStream/ns/app"));
        assertEquals(new ObjectKey("LimitRange", "ns", "l"), ProjectionKeys.parse("LimitRange/ns/l"));
        assertEquals(new ObjectKey("SyncMarker", "", "i:1"), ProjectionKeys.parse("SyncMarker//i:1"));
        assertEquals(new ObjectKey("Pod", "", "p"), ProjectionKeys.parse("Pod//p"));
        assertEquals(new ObjectKey("Pod", "名前", "ünï:x"), ProjectionKeys.parse("Pod/名前/ünï:x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL|malformed key: null",
            "''|malformed key '': expected <kind>/<namespace>/<name>",
            "Image|malformed key 'Image': expected <kind>/<namespace>/<name>",
            "Image/sha256:a|malformed key 'Image/sha256:a': expected <kind>/<namespace>/<name>",
            "Image//|malformed key 'Image//': the name is empty",
            "//x|malformed key '//x': the kind is empty",
            "Pod/ns/a/b|malformed key 'Pod/ns/a/b': the name contains '/'",
            "Image/ns/sha256:a|malformed key 'Image/ns/sha256:a': Image is cluster-scoped, expected Image//<name>",
            "SyncMarker/ns/i|malformed key 'SyncMarker/ns/i': SyncMarker is cluster-scoped, expected SyncMarker//<name>",
            "Secret/ns/s|unknown kind 'Secret' in key 'Secret/ns/s'",
            "pod/ns/p|unknown kind 'pod' in key 'pod/ns/p'",
    })
    void malformedKeys(String key, String message) {
        ProjectionException e = assertThrows(ProjectionException.class, () -> ProjectionKeys.parse(key));
        assertEquals(message, e.getMessage());
    }

    @Test
    void knownKinds() {
        for (String kind : List.of("Image", "ImageStream", "LimitRange", "SyncMarker", "Pod", "CronJob",
                "BuildConfig", "ReplicationController")) {
            assertTrue(ProjectionKeys.isKnownKind(kind), kind);
        }
        assertFalse(ProjectionKeys.isKnownKind("Secret"));
        assertFalse(ProjectionKeys.isKnownKind("image"));
    }

    @Test
    void objectsThatCannotFormAKey() {
        assertEquals("cannot make a key for null",
                assertThrows(ProjectionException.class, () -> ProjectionKeys.of(null)).getMessage());
        assertEquals("cannot make a key for a io.imageprune.model.Tag",
                assertThrows(ProjectionException.class, () -> ProjectionKeys.of(new Tag("t", null))).getMessage());
        assertThrows(ProjectionException.class, () -> ProjectionKeys.of(new Layer("x", 1)));
        assertThrows(ProjectionException.class, () -> ProjectionKeys.of(Map.of()));
        ProjectionException slash = assertThrows(ProjectionException.class,
                () -> ProjectionKeys.of(new ImageStream("a/b", "s", null, null, null)));
        assertTrue(slash.getMessage().contains("must not contain '/'"), slash.getMessage());
        assertThrows(ProjectionException.class,
                () -> ProjectionKeys.of(new Referrer(ReferrerKind.POD, "ns", "a/b", null, null, null, null)));
        ProjectionException empty = assertThrows(ProjectionException.class,
                () -> ProjectionKeys.of(new Image("", null, false, null, null, false, null, 0, null, null)));
        assertTrue(empty.getMessage().contains("the name is empty"), empty.getMessage());
        assertThrows(ProjectionException.class, () -> ProjectionKeys.of(new SyncMarker("", 0, null, null)));
    }
}
