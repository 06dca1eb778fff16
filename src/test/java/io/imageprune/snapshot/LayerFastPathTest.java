package io.imageprune.snapshot;

import io.imageprune.model.Image;
import io.imageprune.model.Layer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layers in oc's compact shape take a fast path in the scanner; every other shape must give the same result through
 * the general path, and errors must be the same.
 */
class LayerFastPathTest {
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    static List<Image> images(String layersJson) {
        String doc = "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\","
                + "\"metadata\":{\"name\":\"sha256:x\"},\"dockerImageLayers\":" + layersJson + "}]}";
        return new SnapshotLoader().load(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8))).images();
    }

    static List<Layer> layers(String layersJson) {
        return images(layersJson).get(0).layers();
    }

    @Test
    void compactShape() {
        String one = "{\"name\":\"" + D1 + "\",\"size\":56943205,\"mediaType\":\"application/vnd.x\"}";
        String two = "{\"name\":\"" + D2 + "\",\"size\":0,\"mediaType\":\"\"}";
        List<Layer> layers = layers("[" + one + "," + two + "," + one + "]");
        assertEquals(List.of(new Layer(D1, 56943205), new Layer(D2, 0), new Layer(D1, 56943205)), layers);
        assertSame(layers.get(0), layers.get(2));
        assertEquals(List.of(), layers("[]"));
    }

    @Test
    void otherShapesGiveTheSameLayers() {
        String[] variants = {
                "{\"name\":\"%s\",\"size\":7,\"mediaType\":\"m\"}",
                "{ \"name\":\"%s\",\"size\":7,\"mediaType\":\"m\"}",
                "{\"name\": \"%s\", \"size\": 7, \"mediaType\": \"m\"}",
                "{\"size\":7,\"name\":\"%s\",\"mediaType\":\"m\"}",
                "{\"name\":\"%s\",\"size\":7}",
                "{\"name\":\"%s\",\"size\":7,\"mediaType\":\"m\",\"extra\":[1]}",
                "{\"name\":\"%s\",\"size\":7,\"mediaType\":\"caf\\u00e9\"}",
                "{\"name\":\"%s\",\"size\":7,\"mediaType\":\"é\"}",
                "{\"name\":\"%s\",\"size\":7,\"mediaType\":null}",
                "{\"name\":\"%s\",\"mediaType\":\"m\",\"size\":7}",
        };
        for (String v : variants) {
            String layer = String.format(v, D1);
            String other = String.format(v, D2);
            assertEquals(List.of(new Layer(D1, 7), new Layer(D2, 7), new Layer(D1, 7)),
                    layers("[" + layer + "," + other + " , " + layer + "]"), v);
            assertEquals(List.of(new Layer(D1, 7), new Layer(D2, 7)),
                    layers("[\n  " + layer + ",\n  " + other + "\n]"), v);
        }
        assertEquals(List.of(new Layer("tarsum.dev+sha256:abc", 3)),
                layers("[{\"name\":\"tarsum.dev+sha256:abc\",\"size\":3,\"mediaType\":\"\"}]"));
        assertEquals(List.of(new Layer("a\"b", 3)),
                layers("[{\"name\":\"a\\\"b\",\"size\":3,\"mediaType\":\"\"}]"));
        assertEquals(List.of(new Layer(D1, -3)), layers("[{\"name\":\"" + D1 + "\",\"size\":-3,\"mediaType\":\"\"}]"));
        assertEquals(List.of(new Layer(D1, 1234567890123456789L)),
                layers("[{\"name\":\"" + D1 + "\",\"size\":1234567890123456789,\"mediaType\":\"\"}]"));
    }

    /** Truncated documents end at every possible byte of a compact layer: never an unexpected exception. */
    @Test
    void truncatedAnywhere() {
        String layer = "{\"name\":\"" + D1 + "\",\"size\":123,\"mediaType\":\"m\"}";
        String doc = "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\","
                + "\"metadata\":{\"name\":\"sha256:x\"},\"dockerImageLayers\":[" + layer + "," + layer + "]}]}";
        for (int cut = 0; cut < doc.length(); cut++) {
            byte[] bytes = doc.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(new ByteArrayInputStream(bytes)));
        }
    }

    @Test
    void malformedLayersFailLikeTheGeneralPath() {
        assertMessage("item 0 (Image sha256:x): dockerImageLayers[1]: missing name",
                "[{\"name\":\"" + D1 + "\",\"size\":1,\"mediaType\":\"\"},{\"name\":\"\",\"size\":1,\"mediaType\":\"\"}]");
        assertMessage("item 0 (Image sha256:x): dockerImageLayers[0].size: expected an integer, got a number",
                "[{\"name\":\"" + D1 + "\",\"size\":1.5,\"mediaType\":\"\"}]");
        assertMessage("item 0 (Image sha256:x): dockerImageLayers[1].size: integer out of range: "
                        + "12345678901234567890",
                "[{\"name\":\"" + D1 + "\",\"size\":1,\"mediaType\":\"\"},"
                        + "{\"name\":\"" + D2 + "\",\"size\":12345678901234567890,\"mediaType\":\"\"}]");
        SnapshotException e = assertThrows(SnapshotException.class,
                () -> layers("[{\"name\":\"" + D1 + "\",\"size\":01,\"mediaType\":\"\"}]"));
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
        e = assertThrows(SnapshotException.class,
                () -> layers("[{\"name\":\"" + D1 + "\",\"size\":1,\"mediaType\":\"\"}{\"name\":\"x\"}]"));
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    private static void assertMessage(String expected, String layersJson) {
        assertEquals(expected, assertThrows(SnapshotException.class, () -> layers(layersJson)).getMessage());
    }
}
