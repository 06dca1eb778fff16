package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code GET /api/v1/plan/summary} should answer, recomputed by the tests from the full plan document and the
 * layer sizes of the cluster's Images, without the service's {@code PlanSummary}.
 */
final class PlanNumbers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PlanNumbers() {
    }

    /** The summary a plan document and the cluster's layer sizes make, in the endpoint's form and order. */
    static JsonNode summary(JsonNode plan, Map<String, Long> layerSizes) {
        Set<String> deletedImages = texts(plan.get("imageDeletions"));
        Set<String> deletedBlobs = texts(plan.get("blobDeletions"));
        Map<String, Map<String, Object>> namespaces = new TreeMap<>();
        Map<String, Set<String>> imagesOf = new HashMap<>();
        Map<String, Set<String>> blobsOf = new HashMap<>();
        Set<String> attributed = new HashSet<>();
        int revisions = 0;
        for (JsonNode stream : plan.get("streamUpdates")) {
            String namespace = stream.get("stream").asText().split("/")[0];
            Map<String, Object> counts = counts(namespaces, namespace);
            counts.merge("streams", 1, (a, b) -> (int) a + (int) b);
            counts.merge("tagRevisions", stream.get("removedItems").size(), (a, b) -> (int) a + (int) b);
            revisions += stream.get("removedItems").size();
            for (JsonNode item : stream.get("removedItems")) {
                if (deletedImages.contains(item.get("image").asText())) {
                    imagesOf.computeIfAbsent(namespace, k -> new HashSet<>()).add(item.get("image").asText());
                    attributed.add(item.get("image").asText());
                }
            }
        }
        Set<String> linked = new HashSet<>();
        for (JsonNode link : plan.get("layerLinkDeletions")) {
            String namespace = link.get("repo").asText().split("/")[0];
            counts(namespaces, namespace).merge("layerLinks", 1, (a, b) -> (int) a + (int) b);
            if (deletedBlobs.contains(link.get("blob").asText())) {
                blobsOf.computeIfAbsent(namespace, k -> new HashSet<>()).add(link.get("blob").asText());
            }
            linked.add(link.get("blob").asText());
        }
        for (JsonNode link : plan.get("manifestDeletions")) {
            counts(namespaces, link.get("repo").asText().split("/")[0])
                    .merge("manifestLinks", 1, (a, b) -> (int) a + (int) b);
        }
        var list = MAPPER.createArrayNode();
        namespaces.entrySet().stream()
                .map(e -> {
                    var node = MAPPER.createObjectNode();
                    node.put("namespace", e.getKey());
                    node.put("streams", (int) e.getValue().get("streams"));
                    node.put("tagRevisions", (int) e.getValue().get("tagRevisions"));
                    node.put("images", imagesOf.getOrDefault(e.getKey(), Set.of()).size());
                    node.put("layerLinks", (int) e.getValue().get("layerLinks"));
                    node.put("manifestLinks", (int) e.getValue().get("manifestLinks"));
                    node.put("bytes", blobsOf.getOrDefault(e.getKey(), Set.of()).stream()
                            .mapToLong(b -> layerSizes.getOrDefault(b, 0L)).sum());
                    return node;
                })
                .sorted((a, b) -> a.get("bytes").asLong() != b.get("bytes").asLong()
                        ? Long.compare(b.get("bytes").asLong(), a.get("bytes").asLong())
                        : a.get("tagRevisions").asInt() != b.get("tagRevisions").asInt()
                        ? Integer.compare(b.get("tagRevisions").asInt(), a.get("tagRevisions").asInt())
                        : a.get("namespace").asText().compareTo(b.get("namespace").asText()))
                .forEach(list::add);
        assertTrue(list.size() > 1 && list.get(0).get("bytes").asLong() > 0,
                "the example must spread bytes over namespaces for this comparison to mean something: " + list);

        long total = deletedBlobs.stream().mapToLong(b -> layerSizes.getOrDefault(b, 0L)).sum();
        assertEquals(total, plan.get("bytesReclaimable").asLong(), "layer sizes of the deleted blobs");
        var summary = MAPPER.createObjectNode();
        summary.put("refused", false);
        summary.putArray("errors");
        var totals = summary.putObject("totals");
        totals.put("images", deletedImages.size());
        totals.put("streams", plan.get("streamUpdates").size());
        totals.put("tagRevisions", revisions);
        totals.put("layerLinks", plan.get("layerLinkDeletions").size());
        totals.put("manifestLinks", plan.get("manifestDeletions").size());
        totals.put("blobs", deletedBlobs.size());
        totals.put("bytesReclaimable", total);
        summary.set("namespaces", list);
        var unattributed = summary.putObject("unattributed");
        unattributed.put("images", deletedImages.size() - attributed.size());
        unattributed.put("bytes", deletedBlobs.stream().filter(b -> !linked.contains(b))
                .mapToLong(b -> layerSizes.getOrDefault(b, 0L)).sum());
        return summary;
    }

    private static Map<String, Object> counts(Map<String, Map<String, Object>> namespaces, String namespace) {
        return namespaces.computeIfAbsent(namespace, k -> new HashMap<>(Map.of("streams", 0, "tagRevisions", 0,
                "layerLinks", 0, "manifestLinks", 0)));
    }

    /** Every layer's size, by digest, from the Images of a cluster file (a Kubernetes List in JSON). */
    static Map<String, Long> layerSizes(Path cluster) throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        for (JsonNode item : MAPPER.readTree(cluster.toFile()).get("items")) {
            if (item.get("kind").asText().equals("Image") && item.has("dockerImageLayers")) {
                for (JsonNode layer : item.get("dockerImageLayers")) {
                    sizes.put(layer.get("name").asText(), layer.get("size").asLong());
                }
            }
        }
        return sizes;
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> texts = new HashSet<>();
        array.forEach(e -> texts.add(e.asText()));
        return texts;
    }
}
