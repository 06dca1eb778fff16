package io.imageprune.conformance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Compares an outcome, in the shape of {@code plan -o json} (plus {@code failures} and {@code statsString} where
 * known), with a vector's expectations as the conformance README says: everything is a set, except the resulting
 * tags of a stream, which keep their order.
 */
final class Expectations {
    private Expectations() {
    }

    static void assertKey(Vector vector, String key, JsonNode actual) {
        JsonNode expected = vector.expectedValue(key);
        String where = vector.file() + " " + key;
        switch (key) {
            case "imageDeletions", "blobDeletions", "failures", "errorMessages" ->
                    assertEquals(strings(expected), strings(actual.get(key)), where);
            case "layerLinkDeletions" -> assertEquals(pairs(expected, "blob"), pairs(actual.get(key), "blob"), where);
            case "manifestDeletions" ->
                    assertEquals(pairs(expected, "manifest"), pairs(actual.get(key), "manifest"), where);
            case "streamUpdates" -> assertEquals(streams(expected), streams(actual.get(key)), where);
            case "streamUpdatesRaw" -> assertEquals(strings(expected), raw(actual.get("streamUpdates")), where);
            case "stats" -> assertEquals(expected, actual.get("stats"), where);
            case "statsString", "errorString" -> assertEquals(expected.asText(), actual.get(key).asText(), where);
            case "expectError" -> assertEquals(expected.asBoolean(), actual.get("errors").size() > 0, where);
            default -> throw new IllegalArgumentException("unknown expectation " + key + " in " + vector.file());
        }
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> set = new TreeSet<>();
        array.forEach(n -> set.add(n.asText()));
        return set;
    }

    private static Set<String> pairs(JsonNode array, String digestField) {
        Set<String> set = new TreeSet<>();
        array.forEach(n -> set.add(n.get("repo").asText() + " " + n.get(digestField).asText()));
        return set;
    }

    private static Map<String, List<Object>> streams(JsonNode updates) {
        Map<String, List<Object>> byStream = new TreeMap<>();
        for (JsonNode update : updates) {
            Set<String> items = new TreeSet<>();
            update.get("removedItems").forEach(i -> items.add(
                    i.get("tag").asText() + "|" + i.get("index").asInt() + "|" + i.get("image").asText()));
            List<String> resulting = new ArrayList<>();
            update.get("resultingTags").forEach(t -> resulting.add(t.get("tag").asText() + "=" + t.get("images")));
            byStream.put(update.get("stream").asText(), List.of(strings(update.get("removedTags")), items, resulting));
        }
        return byStream;
    }

    /** The upstream test's own encoding of stream updates. */
    private static Set<String> raw(JsonNode updates) {
        Set<String> set = new TreeSet<>();
        for (JsonNode update : updates) {
            String stream = update.get("stream").asText();
            update.get("removedTags").forEach(t -> set.add(stream + ":" + t.asText()));
            update.get("removedItems").forEach(i -> set.add(stream + "|" + i.get("tag").asText() + "|"
                    + i.get("index").asInt() + "|" + i.get("image").asText()));
        }
        return set;
    }
}
