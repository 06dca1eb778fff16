package io.imageprune.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotErrorsTest {
    private static final String IMAGE = "\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\"";
    private static final String OK_IMAGE = "{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:ok\"}}";

    static String list(String... items) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},\"items\":[" + String.join(",\n", items)
                + "]}";
    }

    static SnapshotException failure(String document) {
        return assertThrows(SnapshotException.class, () -> new SnapshotLoader()
                .load(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8))));
    }

    static void assertMessage(String expected, String document) {
        assertEquals(expected, failure(document).getMessage());
    }

    // ------------------------------------------------------------------ malformed items

    @Test
    void metadataNotAnObject() {
        assertMessage("item 0 (Image): metadata: expected an object, got a string",
                list("{" + IMAGE + ",\"metadata\":\"sha256:x\"}"));
    }

    @Test
    void layersNotAnArray() {
        assertMessage("item 1 (Image sha256:abc): dockerImageLayers: expected an array, got an object",
                list(OK_IMAGE, "{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageLayers\":{}}"));
    }

    @Test
    void layersNotAnArrayBeforeMetadata() {
        assertMessage("item 0 (Image): dockerImageLayers: expected an array, got a string",
                list("{" + IMAGE + ",\"dockerImageLayers\":\"x\",\"metadata\":{\"name\":\"sha256:abc\"}}"));
    }

    @Test
    void layerWithoutName() {
        assertMessage("item 0 (Image sha256:abc): dockerImageLayers[1]: missing name",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},"
                        + "\"dockerImageLayers\":[{\"name\":\"sha256:l\",\"size\":1},{\"size\":2}]}"));
    }

    @Test
    void layerNotAnObject() {
        assertMessage("item 0 (Image sha256:abc): dockerImageLayers[0]: expected an object, got a string",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageLayers\":[\"sha256:l\"]}"));
    }

    @Test
    void layerFieldsOfWrongType() {
        assertMessage("item 0 (Image sha256:abc): dockerImageLayers[0].name: expected a string, got a number",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageLayers\":[{\"name\":5}]}"));
        assertMessage("item 0 (Image sha256:abc): dockerImageLayers[0].size: expected an integer, got a string",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},"
                        + "\"dockerImageLayers\":[{\"name\":\"sha256:l\",\"size\":\"12\"}]}"));
        assertMessage("item 0 (Image sha256:abc): dockerImageLayers[0].size: integer out of range: "
                        + "99999999999999999999",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},"
                        + "\"dockerImageLayers\":[{\"name\":\"sha256:l\",\"size\":99999999999999999999}]}"));
    }

    @Test
    void imageMetadataOfWrongType() {
        assertMessage("item 0 (Image sha256:abc): dockerImageMetadata: expected an object, got a string",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageMetadata\":\"{}\"}"));
        assertMessage("item 0 (Image sha256:abc): dockerImageMetadata.Size: expected an integer, got a number",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageMetadata\":{\"Size\":1.5}}"));
        assertMessage("item 0 (Image sha256:abc): dockerImageManifests[0]: missing digest",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\"},\"dockerImageManifests\":[{}]}"));
        assertMessage("item 0 (Image sha256:abc): metadata.annotations.openshift.io/image.managed: "
                        + "expected a string, got a boolean",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:abc\","
                        + "\"annotations\":{\"openshift.io/image.managed\":true}}}"));
    }

    @Test
    void unparsableTimestamps() {
        assertMessage("item 0 (Pod ns/p): metadata.creationTimestamp: invalid timestamp \"yesterday\"",
                list("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\","
                        + "\"creationTimestamp\":\"yesterday\"}}"));
        assertMessage("item 0 (ImageStream ns/s): status.tags[1].items[1].created: invalid timestamp "
                        + "\"2024-02-30T00:00:00Z\"",
                list("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\","
                        + "\"metadata\":{\"name\":\"s\",\"namespace\":\"ns\"},\"status\":{\"tags\":["
                        + "{\"tag\":\"a\",\"items\":[]},{\"tag\":\"b\",\"items\":[{\"image\":\"sha256:1\"},"
                        + "{\"image\":\"sha256:2\",\"created\":\"2024-02-30T00:00:00Z\"}]}]}}"));
        assertMessage("item 0 (Image sha256:x): metadata.creationTimestamp: expected a timestamp string, got a number",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:x\",\"creationTimestamp\":1700000000}}"));
        assertMessage("item 0 (Image sha256:x): metadata.creationTimestamp: invalid timestamp \"\"",
                list("{" + IMAGE + ",\"metadata\":{\"name\":\"sha256:x\",\"creationTimestamp\":\"\"}}"));
    }

    @Test
    void missingName() {
        assertMessage("item 0 (ImageStream): missing metadata.name",
                list("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\",\"metadata\":{\"namespace\":\"n\"}}"));
        assertMessage("item 1 (Image): missing metadata.name", list(OK_IMAGE, "{" + IMAGE + "}"));
        assertMessage("item 0 (Pod): missing metadata.name",
                list("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"\"}}"));
    }

    @Test
    void missingTagOrImage() {
        assertMessage("item 0 (ImageStream n/s): status.tags[0]: missing tag",
                list("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\","
                        + "\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},\"status\":{\"tags\":[{\"items\":[]}]}}"));
        assertMessage("item 0 (ImageStream n/s): status.tags[0].items[0]: missing image",
                list("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\","
                        + "\"metadata\":{\"name\":\"s\",\"namespace\":\"n\"},"
                        + "\"status\":{\"tags\":[{\"tag\":\"t\",\"items\":[{\"created\":null}]}]}}"));
    }

    @Test
    void invalidQuantity() {
        assertMessage("item 0 (LimitRange ns/lr): spec.limits[1].max.storage: invalid quantity \"12Q\"",
                list("{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\",\"metadata\":{\"name\":\"lr\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"limits\":[{\"type\":\"openshift.io/Image\",\"max\":{\"storage\":\"1Gi\"}},"
                        + "{\"max\":{\"storage\":\"12Q\"},\"type\":\"openshift.io/Image\"}]}}"));
        assertMessage("item 0 (LimitRange ns/lr): spec.limits[0].max.storage: "
                        + "expected a quantity (a string or a number), got a boolean",
                list("{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\",\"metadata\":{\"name\":\"lr\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"limits\":[{\"type\":\"openshift.io/Image\",\"max\":{\"storage\":true}}]}}"));
    }

    @Test
    void invalidQuantityOfOtherTypesIsIgnored() {
        ClusterSnapshot s = new SnapshotLoader().load(new ByteArrayInputStream(list(
                "{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\",\"metadata\":{\"name\":\"lr\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"limits\":[{\"type\":\"Container\",\"max\":{\"storage\":\"lots\"}}]}}")
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, s.limitRanges().get(0).imageMaxStorage().size());
    }

    @Test
    void podSpecOfWrongShape() {
        assertMessage("item 0 (Deployment ns/d): spec.template.spec.containers: expected an array, got an object",
                list("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"template\":{\"spec\":{\"containers\":{\"name\":\"c\"}}}}}"));
        assertMessage("item 0 (CronJob ns/c): spec.jobTemplate.spec.template.spec.initContainers[0].image: "
                        + "expected a string, got an array",
                list("{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"c\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":"
                        + "{\"initContainers\":[{\"image\":[]}]}}}}}}"));
        assertMessage("item 0 (Pod ns/p): spec: expected an object, got an array",
                list("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":[]}"));
        assertMessage("item 0 (Pod ns/p): status.phase: expected a string, got a number",
                list("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},"
                        + "\"status\":{\"phase\":1}}"));
    }

    @Test
    void buildStrategyOfWrongShape() {
        assertMessage("item 0 (Build ns/b): spec.strategy.dockerStrategy.from: expected an object, got a string",
                list("{\"apiVersion\":\"build.openshift.io/v1\",\"kind\":\"Build\",\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"strategy\":{\"dockerStrategy\":{\"from\":\"x\"}}}}"));
        assertMessage("item 0 (BuildConfig ns/b): spec.strategy.sourceStrategy: expected an object, got a boolean",
                list("{\"apiVersion\":\"build.openshift.io/v1\",\"kind\":\"BuildConfig\",\"metadata\":{\"name\":\"b\",\"namespace\":\"ns\"},"
                        + "\"spec\":{\"strategy\":{\"sourceStrategy\":true}}}"));
    }

    @Test
    void malformedItemsThemselves() {
        assertMessage("item 2: expected an object, got a number", list(OK_IMAGE, OK_IMAGE, "3"));
        assertMessage("item 0: missing kind", list("{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}"));
        assertMessage("item 0: kind: expected a string, got a number", list("{\"apiVersion\":\"v1\",\"kind\":7}"));
        assertMessage("item 0 (Pod): apiVersion: expected a string, got an object",
                list("{\"kind\":\"Pod\",\"apiVersion\":{}}"));
    }

    // ------------------------------------------------------------------ not a List

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}|not a Kubernetes List: top-level kind is \"Pod\"",
            "{\"items\":[],\"kind\":\"Pod\"}|not a Kubernetes List: top-level kind is \"Pod\"",
            "{\"kind\":\"List\"}|not a Kubernetes List: no items array",
            "{\"items\":[]}|not a Kubernetes List: no top-level kind",
            "{\"kind\":\"List\",\"items\":{}}|not a Kubernetes List: items is an object, not an array",
            "{\"kind\":[],\"items\":[]}|not a Kubernetes List: the top-level kind is an array, not a string",
            "[1,2]|not a Kubernetes List: the top level is an array, not an object",
            "hello|not a Kubernetes List: the top level is a string, not an object",
            "kind: Pod|not a Kubernetes List: top-level kind is \"Pod\"",
            "'   '|not a Kubernetes List: the document is empty",
    })
    void notAList(String document, String message) {
        assertMessage(message, document);
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("empty.json");
        Files.write(file, new byte[0]);
        SnapshotException e = assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(file));
        assertEquals("not a Kubernetes List: the document is empty", e.getMessage());
    }

    // ------------------------------------------------------------------ syntax errors

    @Test
    void invalidJsonHasLineAndColumn() {
        String message = failure("{\"kind\":\"List\",\"items\":[\n" + OK_IMAGE + ",\n{" + IMAGE + ",}\n]}").getMessage();
        assertEquals("item 1 (Image): invalid JSON at line 3, column 54: unexpected character '}' (code 125): "
                + "expected a field name (a double-quoted string)", message);
    }

    @Test
    void invalidJsonOutsideItems() {
        String message = failure("{\"kind\" \"List\"}").getMessage();
        assertEquals("invalid JSON at line 1, column 9: unexpected character '\"' (code 34): "
                + "expected ':' after a field name", message);
    }

    @Test
    void truncatedJson() {
        String message = failure("{\"kind\":\"List\",\"items\":[" + OK_IMAGE + ",{\"kind\":\"Pod\"").getMessage();
        assertTrue(message.startsWith("item 1 (Pod): invalid JSON at line 1, column "), message);
        assertTrue(message.contains("end-of-input"), message);
    }

    @Test
    void trailingContent() {
        assertTrue(failure("{\"kind\":\"List\",\"items\":[]} {\"kind\":\"List\"}").getMessage()
                .startsWith("unexpected content after the top-level List object at line 1"));
        assertTrue(failure("{\"kind\":\"List\",\"items\":[]} x").getMessage().startsWith("invalid JSON at line 1"));
    }

    @Test
    void invalidYamlHasLine() {
        String message = failure("kind: List\nitems:\n- kind: Pod\n  metadata: {name: [\n").getMessage();
        assertTrue(message.startsWith("item 0 (Pod): invalid YAML at line "), message);
        String message2 = failure("kind: List\n- a\n").getMessage();
        assertEquals("invalid YAML at line 2, column 1: expected <block end>, but found '-' "
                + "(while parsing a block mapping started at line 1, column 1)", message2);
    }

    // ------------------------------------------------------------------ files

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.json");
        SnapshotException e = assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(file));
        assertEquals("cannot read " + file + ": no such file", e.getMessage());
    }

    @Test
    void corruptGzip(@TempDir Path dir) throws IOException {
        byte[] gz = SnapshotLoaderTest.gzip(SnapshotLoaderTest.resource("all-kinds.json"));
        Path truncated = dir.resolve("truncated.json.gz");
        Files.write(truncated, Arrays.copyOf(gz, gz.length / 2));
        SnapshotException e = assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(truncated));
        assertTrue(e.getMessage().startsWith("cannot read " + truncated + ": "), e.getMessage());

        byte[] garbage = gz.clone();
        for (int i = 10; i < garbage.length - 8; i++) {
            garbage[i] = (byte) 0xFF;
        }
        Path corrupt = dir.resolve("corrupt.gz");
        Files.write(corrupt, garbage);
        e = assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(corrupt));
        assertTrue(e.getMessage().startsWith("cannot read " + corrupt + ": "), e.getMessage());
    }

    @Test
    void directoryIsNotAFile(@TempDir Path dir) {
        SnapshotException e = assertThrows(SnapshotException.class, () -> new SnapshotLoader().load(dir));
        assertTrue(e.getMessage().startsWith("cannot read " + dir), e.getMessage());
    }
}
