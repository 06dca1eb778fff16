package io.imageprune.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.snapshot.LoadStats;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmarks' generator: the statistics it prints are those of the file it wrote (recounted here from the JSON,
 * independently of its own bookkeeping), they are its size's profile exactly, the file loads whole with the project's
 * loader, and the same arguments write the same bytes.
 */
class GenerateClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void printedStatisticsAreThoseOfTheWrittenFileAndOfTheProfile() throws IOException {
        Path file = dir.resolve("small.json");
        List<String> printed = generate("small", file);

        JsonNode options = JSON.readTree(printed.get(0));
        assertEquals(GenerateCluster.DEFAULT_NOW, options.get("now").asText());
        assertTrue(options.get("options").get("ignoreInvalidRefs").asBoolean(), "the cluster has invalid references");
        Map<String, Long> counts = numbers(JSON.readTree(printed.get(1)));
        Map<String, Long> edgeCases = numbers(JSON.readTree(printed.get(2)));
        ClusterStatistics recounted = recount(JSON.readTree(file.toFile()),
                Instant.parse(GenerateCluster.DEFAULT_NOW).getEpochSecond());

        assertEquals(recounted.counts, counts, "the printed counts are the file's");
        assertEquals(recounted.edgeCases, edgeCases, "the printed edge cases are the file's");
        ClusterStatistics profile = ClusterStatistics.of(ClusterProfile.of("small"));
        assertEquals(profile.counts, counts, "the small profile's counts, exactly");
        assertEquals(profile.edgeCases, edgeCases, "the small profile's edge cases, exactly");
    }

    @Test
    void everyObjectLoadsWithTheProjectsLoader() throws IOException {
        Path file = dir.resolve("tiny.json");
        generate("tiny", file);
        int[] seen = new int[1];
        LoadStats stats = new SnapshotLoader().load(file, new SnapshotSink() {
            @Override
            public void image(Image image) {
                seen[0]++;
            }

            @Override
            public void imageStream(ImageStream stream) {
                seen[0]++;
            }

            @Override
            public void referrer(Referrer referrer) {
                seen[0]++;
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                seen[0]++;
            }
        });
        assertEquals(0, stats.skippedTotal(), "nothing skipped: " + stats.skipped());
        ClusterProfile.Kinds k = ClusterProfile.of("tiny").kinds();
        int objects = k.image() + k.imageStream() + k.pod() + k.replicationController() + k.limitRange()
                + k.deployment() + k.daemonSet() + k.replicaSet() + k.statefulSet() + k.job() + k.cronJob()
                + k.deploymentConfig() + k.buildConfig() + k.build();
        assertEquals(objects, seen[0]);
    }

    @Test
    void sameArgumentsSameBytesAnotherSeedOtherBytes() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Path c = dir.resolve("c.json");
        generate("tiny", a);
        generate("tiny", b);
        assertEquals(0, GenerateCluster.run(new String[] {"--size", "tiny", "--seed", "2", "--out", c.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "seed 2 differs");
    }

    @Test
    void badArgumentsAreNamed() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = GenerateCluster.run(new String[] {"--size", "huge", "--out", dir.resolve("x").toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown size 'huge'"), err.toString());
    }

    private static List<String> generate(String size, Path file) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = GenerateCluster.run(new String[] {"--size", size, "--seed", "1", "--format", "list", "--out",
                file.toString()}, new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed);
        List<String> lines = printed.lines().toList();
        assertEquals(3, lines.size(), printed);
        return lines;
    }

    private static Map<String, Long> numbers(JsonNode object) {
        Map<String, Long> map = new java.util.LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asLong()));
        return map;
    }

    /** The statistics from the List alone, by their definitions (not by the generator's code). */
    private static ClusterStatistics recount(JsonNode list, long now) {
        ClusterStatistics s = new ClusterStatistics();
        long boundary = now - 3600;
        Map<String, JsonNode> images = new HashMap<>();
        Set<String> layers = new HashSet<>();
        Set<String> referenced = new HashSet<>();
        for (JsonNode item : list.get("items")) {
            String kind = item.get("kind").asText();
            s.count(kind, 1);
            long created = Instant.parse(item.get("metadata").get("creationTimestamp").asText()).getEpochSecond();
            boolean atBoundary = Math.abs(created - boundary) <= 1;
            if (kind.equals("Image")) {
                images.put(item.get("metadata").get("name").asText(), item);
                for (JsonNode layer : item.path("dockerImageLayers")) {
                    s.count("layerReferences", 1);
                    layers.add(layer.get("name").asText());
                }
                for (JsonNode child : item.path("dockerImageManifests")) {
                    referenced.add(child.get("digest").asText());
                }
                if (item.has("dockerImageManifests")) {
                    s.edgeCase("manifestLists", 1);
                }
                if (!item.has("dockerImageManifests") && !item.has("dockerImageMetadata")) {
                    s.edgeCase("noMetadataImages", 1);
                }
                if (atBoundary && !fixture(item)) {
                    s.edgeCase("boundaryTimestamps", 1);
                }
            } else if (kind.equals("ImageStream")) {
                for (JsonNode tag : item.get("status").get("tags")) {
                    if (tag.get("items").isEmpty()) {
                        s.edgeCase("emptyTags", 1);
                    }
                    for (JsonNode event : tag.get("items")) {
                        s.count("tagItems", 1);
                        String digest = event.get("image").asText();
                        JsonNode image = images.get(digest);
                        if (image == null) {
                            s.edgeCase("missingImageItems", 1);
                            continue;
                        }
                        referenced.add(digest);
                        s.count("tagItemBlobReferences", image.path("dockerImageLayers").size() + 1);
                        if (!repository(event.get("dockerImageReference").asText())
                                .equals(repository(image.get("dockerImageReference").asText()))) {
                            s.edgeCase("crossStreamItems", 1);
                        }
                    }
                }
            } else {
                String namespace = item.get("metadata").get("namespace").asText();
                if (kind.equals("Pod") && atBoundary && !namespace.equals("edge-cases")) {
                    s.edgeCase("boundaryTimestamps", 1);
                }
                String text = item.toString();
                for (String invalid : Workloads.INVALID_REFS) {
                    if (text.contains(JSON.valueToTree(invalid).toString())) {
                        String phase = item.path("status").path("phase").asText();
                        boolean completed = kind.equals("Pod") && (phase.equals("Succeeded") || phase.equals("Failed"));
                        s.edgeCase(completed ? "inactiveInvalidRefs" : "activeInvalidRefs", 1);
                        break;
                    }
                }
            }
        }
        s.count("distinctLayers", layers.size());
        for (Map.Entry<String, JsonNode> image : images.entrySet()) {
            if (!referenced.contains(image.getKey()) && !fixture(image.getValue())) {
                s.edgeCase("orphanImages", 1);
            }
        }
        return s;
    }

    /** the edge-cases namespace's own images (and its unmanaged outsider) are fixtures, not statistics */
    private static boolean fixture(JsonNode image) {
        String reference = image.get("dockerImageReference").asText();
        return reference.startsWith("registry.example:5000/edge-cases/") || reference.startsWith("quay.io/ext/thing@");
    }

    private static String repository(String reference) {
        return reference.substring(0, reference.indexOf('@'));
    }
}
