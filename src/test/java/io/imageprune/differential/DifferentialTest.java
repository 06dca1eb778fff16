package io.imageprune.differential;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.cli.ImagePruneCommand;
import io.imageprune.document.PlanJson;
import io.imageprune.cli.SnapshotGraphs;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oc's exact decisions on synthetic clusters ({@code src/test/resources/differential}, see its README), reproduced
 * through {@code plan -o json}: exactly with {@code --keep-pinned-images=false}, and with the safety rule on, differing
 * only by pinned images and the blobs that only they still use.
 */
class DifferentialTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Variants whose options a command line can express, and the flags that do (differential README). */
    private static final Map<String, List<String>> FLAGS = Map.of(
            "default", List.of("--ignore-invalid-refs"),
            "strict-refs", List.of(),
            "keep1", List.of("--keep-tag-revisions=1", "--ignore-invalid-refs"),
            "keep0-age0", List.of("--keep-tag-revisions=0", "--keep-younger-than=0s", "--ignore-invalid-refs"),
            "keep5-age2h", List.of("--keep-tag-revisions=5", "--keep-younger-than=2h", "--ignore-invalid-refs"),
            "all-false", List.of("--all=false", "--ignore-invalid-refs"),
            "registry-false", List.of("--prune-registry=false", "--ignore-invalid-refs"),
            "oversize", List.of("--prune-over-size-limit", "--ignore-invalid-refs"),
            "ns-edge", List.of("--namespace=edge-cases", "--ignore-invalid-refs"));

    @TempDir
    static Path tmp;
    private static final Map<String, Path> LISTS = new HashMap<>();

    @TestFactory
    Stream<DynamicTest> plans() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        JsonNode index = MAPPER.readTree(resource("index.json"));
        for (JsonNode plan : index.get("plans")) {
            String variant = plan.get("variant").asText();
            String file = plan.get("file").asText();
            if (FLAGS.containsKey(variant)) {
                tests.add(DynamicTest.dynamicTest(file + " [oc exact]", () -> exact(plan, FLAGS.get(variant))));
                tests.add(DynamicTest.dynamicTest(file + " [keep pinned]", () -> keepPinned(plan, FLAGS.get(variant))));
            } else if (variant.equals("age-null")) {
                tests.add(DynamicTest.dynamicTest(file + " [library, no threshold]", () -> ageNull(plan)));
            }
        }
        assertTrue(tests.size() >= 50, "differential plans missing: " + tests.size());
        return tests.stream();
    }

    private void exact(JsonNode entry, List<String> flags) throws Exception {
        JsonNode expected = expectedPlan(entry);
        List<String> args = new ArrayList<>(flags);
        args.add("--keep-pinned-images=false");
        Run run = plan(entry, args);
        String name = entry.get("file").asText();
        if (!expected.get("ok").asBoolean()) {
            assertEquals(1, run.exit, name + " must refuse; stderr: " + run.err);
            assertEquals(strings(expected.get("newPrunerErrors")), strings(run.json.get("errors")), name);
            assertEquals(0, run.json.get("imageDeletions").size() + run.json.get("streamUpdates").size(), name);
            return;
        }
        assertEquals(0, run.exit, name + " stderr: " + run.err);
        assertEquals(strings(expected.get("imageDeletions")), strings(run.json.get("imageDeletions")),
                name + " imageDeletions");
        assertEquals(strings(expected.get("blobDeletions")), strings(run.json.get("blobDeletions")),
                name + " blobDeletions");
        assertEquals(links(expected.get("layerLinkDeletions"), "blob"), links(run.json.get("layerLinkDeletions"), "blob"),
                name + " layerLinkDeletions");
        assertEquals(links(expected.get("manifestDeletions"), "manifest"),
                links(run.json.get("manifestDeletions"), "manifest"), name + " manifestDeletions");
        assertEquals(expectedStreams(expected), actualStreams(run.json), name + " streamUpdates");
        for (String stat : List.of("deletedImages", "updatedImageStreams", "deletedImageStreamTagItems",
                "deletedLayerLinks", "deletedManifestLinks", "deletedBlobs")) {
            assertEquals(expected.get("stats").get(stat).asInt(), run.json.get("stats").get(stat).asInt(),
                    name + " stats." + stat);
        }
    }

    private void keepPinned(JsonNode entry, List<String> flags) throws Exception {
        JsonNode expected = expectedPlan(entry);
        Run run = plan(entry, flags);
        String name = entry.get("file").asText();
        if (!expected.get("ok").asBoolean()) {
            assertEquals(1, run.exit, name);
            return;
        }
        assertEquals(0, run.exit, name + " stderr: " + run.err);
        assertEquals(expectedStreams(expected), actualStreams(run.json), name + " stage 1 is not affected");
        // safety rule 1 at the repository (docs/algorithm.md §6.2): a link oc deletes stays only in a repository
        // through which some referrer names an image by digest
        Set<String> ocLinks = links(expected.get("layerLinkDeletions"), "blob");
        Set<String> ourLinks = links(run.json.get("layerLinkDeletions"), "blob");
        assertTrue(ocLinks.containsAll(ourLinks), name + ": layer links are only ever kept more");
        Set<String> ocImages = strings(expected.get("imageDeletions"));
        Set<String> ours = strings(run.json.get("imageDeletions"));
        assertTrue(ocImages.containsAll(ours), name + ": the safety rule only ever keeps more");
        Set<String> kept = new TreeSet<>(ocImages);
        kept.removeAll(ours);
        JsonNode items = MAPPER.readTree(list(entry.get("snapshot").asText()).toFile()).get("items");
        StringBuilder referrers = new StringBuilder();
        Map<String, JsonNode> images = new HashMap<>();
        for (JsonNode item : items) {
            String kind = item.get("kind").asText();
            if (kind.equals("Image")) {
                images.put(item.get("metadata").get("name").asText(), item);
            } else if (!kind.equals("ImageStream")) {
                referrers.append(item).append('\n');
            }
        }
        for (String image : kept) {
            assertTrue(referrers.indexOf(image) >= 0, name + ": " + image + " kept although no referrer names it");
        }
        Set<String> linksKept = new TreeSet<>(ocLinks);
        linksKept.removeAll(ourLinks);
        for (String link : linksKept) {
            String repository = link.substring(0, link.indexOf(' '));
            assertTrue(referrers.indexOf("/" + repository + "@sha256:") >= 0,
                    name + ": link " + link + " kept although no referrer names an image by digest through "
                            + repository);
        }
        Set<String> ocBlobs = strings(expected.get("blobDeletions"));
        Set<String> ourBlobs = strings(run.json.get("blobDeletions"));
        assertTrue(ocBlobs.containsAll(ourBlobs), name + ": blobs are only ever kept more");
        Set<String> heldByKept = new HashSet<>(kept);
        for (String image : kept) {
            images.get(image).path("dockerImageLayers").forEach(l -> heldByKept.add(l.get("name").asText()));
            heldByKept.add(images.get(image).path("dockerImageMetadata").path("Id").asText());
        }
        Set<String> blobsKept = new TreeSet<>(ocBlobs);
        blobsKept.removeAll(ourBlobs);
        blobsKept.removeAll(heldByKept);
        assertEquals(Set.of(), blobsKept, name + ": blobs kept that no kept pinned image holds");
    }

    /** {@code keepYoungerThan: null} cannot be said on a command line; the library takes it as "no threshold". */
    private void ageNull(JsonNode entry) throws Exception {
        JsonNode expected = expectedPlan(entry);
        JsonNode options = entry.get("resolvedOptions");
        ReferenceGraph graph = SnapshotGraphs.load(list(entry.get("snapshot").asText()), "");
        PruneOptions pruneOptions = PruneOptions.library(Instant.parse(expected.get("now").asText()), null,
                options.get("keepTagRevisions").asInt(), null, true, true, "", true, false);
        PruneResult result = PruneExecutor.dryRun(Planner.of(graph, pruneOptions));
        StringWriter json = new StringWriter();
        PlanJson.write(result, json);
        JsonNode actual = MAPPER.readTree(json.toString());
        assertEquals(strings(expected.get("imageDeletions")), strings(actual.get("imageDeletions")));
        assertEquals(expectedStreams(expected), actualStreams(actual));
        assertEquals(strings(expected.get("blobDeletions")), strings(actual.get("blobDeletions")));
    }

    private record Run(int exit, JsonNode json, String err) {
    }

    private Run plan(JsonNode entry, List<String> flags) throws IOException {
        JsonNode expected = expectedPlan(entry);
        List<String> args = new ArrayList<>(List.of("plan", "--snapshot", list(entry.get("snapshot").asText()).toString(),
                "--now", expected.get("now").asText(), "-o", "json"));
        args.addAll(flags);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ImagePruneCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(exit, MAPPER.readTree(out.toString()), err.toString());
    }

    private static JsonNode expectedPlan(JsonNode entry) throws IOException {
        try (InputStream in = new GZIPInputStream(resource(entry.get("file").asText()))) {
            return MAPPER.readTree(in);
        }
    }

    /** The snapshot's objects as the Kubernetes List {@code oc get -o json} prints, converted once per file. */
    private static synchronized Path list(String snapshot) {
        return LISTS.computeIfAbsent(snapshot, name -> {
            try (InputStream in = new GZIPInputStream(resource(name))) {
                JsonNode document = MAPPER.readTree(in);
                Path file = tmp.resolve(name.replace(".json.gz", ".list.json"));
                try (JsonGenerator json = MAPPER.getFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
                    json.writeStartObject();
                    json.writeStringField("apiVersion", "v1");
                    json.writeStringField("kind", "List");
                    json.writeArrayFieldStart("items");
                    for (JsonNode item : document.get("objects")) {
                        MAPPER.writeTree(json, item);
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                }
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static InputStream resource(String name) {
        InputStream in = DifferentialTest.class.getResourceAsStream("/differential/" + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource differential/" + name);
        }
        return in;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> set = new TreeSet<>();
        array.forEach(n -> set.add(n.asText()));
        return set;
    }

    private static Set<String> links(JsonNode array, String digestField) {
        Set<String> set = new TreeSet<>();
        array.forEach(n -> set.add(n.get("repo").asText() + " " + n.get(digestField).asText()));
        return set;
    }

    /** stream → removed tags, removed items (tag|index|image), tags that lost items but remain. */
    private static Map<String, List<Set<String>>> expectedStreams(JsonNode plan) {
        Map<String, List<Set<String>>> streams = new HashMap<>();
        for (JsonNode update : plan.get("streamUpdates")) {
            Set<String> items = new TreeSet<>();
            update.get("deletedItems").forEach(i -> items.add(item(i)));
            streams.put(update.get("namespace").asText() + "/" + update.get("name").asText(),
                    List.of(strings(update.get("deletedTags")), items, strings(update.get("updatedTags"))));
        }
        return streams;
    }

    private static Map<String, List<Set<String>>> actualStreams(JsonNode plan) {
        Map<String, List<Set<String>>> streams = new HashMap<>();
        for (JsonNode update : plan.get("streamUpdates")) {
            Set<String> items = new TreeSet<>();
            Set<String> updatedTags = new TreeSet<>();
            Set<String> removedTags = strings(update.get("removedTags"));
            for (JsonNode i : update.get("removedItems")) {
                items.add(item(i));
                if (!removedTags.contains(i.get("tag").asText())) {
                    updatedTags.add(i.get("tag").asText());
                }
            }
            streams.put(update.get("stream").asText(), List.of(removedTags, items, updatedTags));
        }
        return streams;
    }

    private static String item(JsonNode i) {
        return i.get("tag").asText() + "|" + i.get("index").asInt() + "|" + i.get("image").asText();
    }

}
