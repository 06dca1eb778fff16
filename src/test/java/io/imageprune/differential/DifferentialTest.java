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
import io.imageprune.model.Times;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.reference.InvalidReferenceException;
import io.imageprune.reference.ParsedReference;
import io.imageprune.reference.ReferenceParser;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oc's exact decisions on synthetic clusters ({@code src/test/resources/differential}, see its README), reproduced
 * through {@code plan -o json}: exactly with {@code --keep-pinned-images=false}, and with the safety rule on, differing
 * only by the images a counted referrer pins and the blobs that only they still use. keep-younger-than unset is
 * checked at library level, on oc's plans and on a hand-worked cluster that deletes.
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
        tests.add(DynamicTest.dynamicTest("safety rule 1 kept an image oc deletes in some plan",
                () -> assertTrue(KEPT_BY_RULE.get() > 0, "vacuous: no keep-pinned plan kept any image")));
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
        assertSamePlan(expected, run.json, name);
    }

    /** Every output of {@code plan -o json} equals oc's: the four deletion lists, the stream updates, the statistics. */
    private static void assertSamePlan(JsonNode expected, JsonNode actual, String name) {
        assertEquals(strings(expected.get("imageDeletions")), strings(actual.get("imageDeletions")),
                name + " imageDeletions");
        assertEquals(strings(expected.get("blobDeletions")), strings(actual.get("blobDeletions")),
                name + " blobDeletions");
        assertSameStageOne(expected, actual, name);
        for (String stat : STATS) {
            assertEquals(expected.get("stats").get(stat).asInt(), actual.get("stats").get(stat).asInt(),
                    name + " stats." + stat);
        }
    }

    /** Stream updates, layer links and manifest links: stage 1, which safety rule 1 does not touch (§7.3). */
    private static void assertSameStageOne(JsonNode expected, JsonNode actual, String name) {
        assertEquals(links(expected.get("layerLinkDeletions"), "blob"), links(actual.get("layerLinkDeletions"), "blob"),
                name + " layerLinkDeletions");
        assertEquals(links(expected.get("manifestDeletions"), "manifest"),
                links(actual.get("manifestDeletions"), "manifest"), name + " manifestDeletions");
        assertEquals(expectedStreams(expected), actualStreams(actual), name + " streamUpdates");
    }

    private static final List<String> STATS = List.of("deletedImages", "updatedImageStreams",
            "deletedImageStreamTagItems", "deletedLayerLinks", "deletedManifestLinks", "deletedBlobs");

    /** Images safety rule 1 kept over all keep-pinned plans; the last dynamic test fails if it is 0. */
    private static final AtomicInteger KEPT_BY_RULE = new AtomicInteger();

    /**
     * With safety rule 1 on (algorithm §7.3), the plan is oc's minus exactly the images oc deletes that a counted
     * referrer pins (§4.3, §5.3), with the children of pinned manifest lists, and minus the blobs only they still hold
     * (§7.2, §8). Stage 1 is oc's (§6); its links are oc's minus those an image a counted referrer names by digest
     * through the repository pulls (§6.2).
     */
    private void keepPinned(JsonNode entry, List<String> flags) throws Exception {
        JsonNode expected = expectedPlan(entry);
        Run run = plan(entry, flags);
        String name = entry.get("file").asText();
        if (!expected.get("ok").asBoolean()) {
            assertEquals(1, run.exit, name);
            return;
        }
        assertEquals(0, run.exit, name + " stderr: " + run.err);
        assertEquals(expectedStreams(expected), actualStreams(run.json), name + " streamUpdates (stage 1 is not affected)");

        JsonNode items = MAPPER.readTree(list(entry.get("snapshot").asText()).toFile()).get("items");
        Map<String, JsonNode> images = new HashMap<>();
        items.forEach(item -> {
            if (item.get("kind").asText().equals("Image")) {
                images.put(item.get("metadata").get("name").asText(), item);
            }
        });
        JsonNode options = entry.get("resolvedOptions");
        Instant threshold = threshold(Instant.parse(expected.get("now").asText()), options.get("keepYoungerThan"));
        Set<String> pins = pinnedDigests(items, threshold, options.get("namespace").asText());
        Set<String> pinned = withChildren(pins.stream().filter(p -> !p.contains("@")).collect(Collectors.toSet()),
                images);

        // the rule at the repository (§6.2): an image a counted referrer names as <repo>@<digest> keeps the links
        // its pull fetches there (its manifest, blobs, and its list's children's, to any depth)
        Set<String> ocLayerLinks = links(expected.get("layerLinkDeletions"), "blob");
        Set<String> ocManifestLinks = links(expected.get("manifestDeletions"), "manifest");
        Set<String> expectedLayerLinks = new TreeSet<>(ocLayerLinks);
        Set<String> expectedManifestLinks = new TreeSet<>(ocManifestLinks);
        for (String named : pins) {
            int at = named.indexOf('@');
            if (at < 0 || !images.containsKey(named.substring(at + 1))) {
                continue; // a digest alone, or an image the cluster does not hold: protects no link
            }
            String repo = named.substring(0, at);
            Deque<String> pulls = new ArrayDeque<>(List.of(named.substring(at + 1)));
            while (!pulls.isEmpty()) {
                String manifest = pulls.pop();
                expectedManifestLinks.remove(repo + " " + manifest);
                JsonNode image = images.get(manifest);
                if (image == null) {
                    expectedLayerLinks.removeIf(link -> link.startsWith(repo + " "));
                    continue;
                }
                blobs(image).forEach(blob -> expectedLayerLinks.remove(repo + " " + blob));
                image.path("dockerImageManifests").forEach(child -> pulls.push(child.get("digest").asText()));
            }
        }
        assertEquals(expectedLayerLinks, links(run.json.get("layerLinkDeletions"), "blob"), name + " layerLinkDeletions");
        assertEquals(expectedManifestLinks, links(run.json.get("manifestDeletions"), "manifest"),
                name + " manifestDeletions");

        Set<String> ocImages = strings(expected.get("imageDeletions"));
        Set<String> kept = new TreeSet<>(ocImages);
        kept.retainAll(pinned);
        Set<String> expectedImages = new TreeSet<>(ocImages);
        expectedImages.removeAll(kept);
        assertEquals(expectedImages, strings(run.json.get("imageDeletions")),
                name + ": oc's image deletions minus the pinned ones (and children of pinned lists)");

        // global counts include kept images (§7.2): a blob oc deletes stays exactly when a kept image holds it
        Set<String> heldByKept = new HashSet<>(kept);
        kept.forEach(image -> heldByKept.addAll(blobs(images.get(image))));
        Set<String> ocBlobs = strings(expected.get("blobDeletions"));
        Set<String> expectedBlobs = new TreeSet<>(ocBlobs);
        expectedBlobs.removeAll(heldByKept);
        assertEquals(expectedBlobs, strings(run.json.get("blobDeletions")),
                name + ": oc's blob deletions minus those a kept pinned image holds");

        JsonNode ocStats = expected.get("stats");
        JsonNode stats = run.json.get("stats");
        for (String stat : STATS) {
            int want = ocStats.get(stat).asInt();
            if (stat.equals("deletedImages")) {
                want -= kept.size();
            } else if (stat.equals("deletedBlobs")) {
                want -= ocBlobs.size() - expectedBlobs.size();
            } else if (stat.equals("deletedLayerLinks")) {
                want -= ocLayerLinks.size() - expectedLayerLinks.size();
            } else if (stat.equals("deletedManifestLinks")) {
                want -= ocManifestLinks.size() - expectedManifestLinks.size();
            }
            assertEquals(want, stats.get(stat).asInt(), name + " stats." + stat);
        }
        KEPT_BY_RULE.addAndGet(kept.size());
    }

    /** now − keep-younger-than, or Go's zero time when it is unset (algorithm §5.1). */
    private static Instant threshold(Instant now, JsonNode keepYoungerThan) {
        if (keepYoungerThan == null || keepYoungerThan.isNull()) {
            return Times.ZERO;
        }
        Matcher part = Pattern.compile("(\\d+)([hms])").matcher(keepYoungerThan.asText());
        Duration duration = Duration.ZERO;
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            duration = duration.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
        }
        return now.minus(duration);
    }

    /**
     * The digests counted referrers name (algorithm §4.3 "safety rule 1", §5.3): a pod counts when Running or Pending
     * or created at or after the threshold, workloads and builds always; every parsable image string with a digest
     * and every {@code ImageStreamImage} id pins, in lower case. With a namespace only its referrers count (§9).
     */
    private static Set<String> pinnedDigests(JsonNode items, Instant threshold, String namespace) {
        Set<String> pins = new HashSet<>();
        for (JsonNode item : items) {
            JsonNode spec = item.path("spec");
            if (!namespace.isEmpty() && !namespace.equals(item.path("metadata").path("namespace").asText())) {
                continue;
            }
            switch (item.get("kind").asText()) {
                case "Pod" -> {
                    String phase = item.path("status").path("phase").asText();
                    JsonNode created = item.path("metadata").path("creationTimestamp");
                    Instant at = created.isTextual() ? Instant.parse(created.asText()) : Times.ZERO;
                    if (phase.equals("Running") || phase.equals("Pending") || !at.isBefore(threshold)) {
                        pinContainers(spec, pins);
                    }
                }
                case "ReplicationController", "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job",
                     "DeploymentConfig" -> pinContainers(spec.path("template").path("spec"), pins);
                case "CronJob" -> pinContainers(spec.path("jobTemplate").path("spec").path("template").path("spec"), pins);
                case "Build", "BuildConfig" -> {
                    JsonNode strategy = spec.path("strategy");
                    JsonNode from = strategy.path("sourceStrategy").path("from");
                    if (from.isMissingNode()) {
                        from = strategy.path("dockerStrategy").path("from");
                    }
                    if (from.isMissingNode()) {
                        from = strategy.path("customStrategy").path("from");
                    }
                    String source = from.path("name").asText();
                    switch (from.path("kind").asText()) {
                        case "DockerImage" -> pinReference(source, pins);
                        case "ImageStreamImage" -> {
                            String[] nameAndId = source.split("@", -1);
                            if (nameAndId.length == 2 && !nameAndId[0].isEmpty() && !nameAndId[1].isEmpty()) {
                                pins.add(nameAndId[1].toLowerCase(Locale.ROOT));
                                String ns = from.path("namespace").asText(item.path("metadata").path("namespace").asText());
                                pins.add(ns + "/" + nameAndId[0] + "@" + nameAndId[1]);
                            }
                        }
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
        }
        return pins;
    }

    private static void pinContainers(JsonNode podSpec, Set<String> pins) {
        for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
            podSpec.path(field).forEach(container -> pinReference(container.path("image").asText(), pins));
        }
    }

    private static void pinReference(String image, Set<String> pins) {
        try {
            ParsedReference reference = ReferenceParser.parse(image);
            if (reference.hasId()) {
                pins.add(reference.id().toLowerCase(Locale.ROOT));
                if (reference.isHostNamespaceName()) {
                    pins.add(reference.namespace() + "/" + reference.name() + "@" + reference.id());
                }
            }
        } catch (InvalidReferenceException e) {
            // an invalid reference pins nothing (the plans ignore invalid references)
        }
    }

    /** The pins with every image their manifest lists name, to any depth (algorithm §7.1, §7.3). */
    private static Set<String> withChildren(Set<String> pins, Map<String, JsonNode> images) {
        Set<String> all = new HashSet<>(pins);
        Deque<String> todo = new ArrayDeque<>(pins);
        while (!todo.isEmpty()) {
            JsonNode image = images.get(todo.pop());
            if (image != null) {
                image.path("dockerImageManifests").forEach(child -> {
                    if (all.add(child.get("digest").asText())) {
                        todo.push(child.get("digest").asText());
                    }
                });
            }
        }
        return all;
    }

    /** An image's blobs (algorithm §8): its layers, and its config for Docker schema 2 and OCI image manifests. */
    private static Set<String> blobs(JsonNode image) {
        Set<String> blobs = new HashSet<>();
        image.path("dockerImageLayers").forEach(layer -> blobs.add(layer.get("name").asText()));
        String mediaType = image.path("dockerImageManifestMediaType").asText();
        String config = image.path("dockerImageMetadata").path("Id").asText();
        if (!config.isEmpty() && (mediaType.equals("application/vnd.docker.distribution.manifest.v2+json")
                || mediaType.equals("application/vnd.oci.image.manifest.v1+json"))) {
            blobs.add(config);
        }
        return blobs;
    }

    /**
     * {@code keepYoungerThan: null} cannot be said on a command line; the library takes it as "no threshold". oc's
     * plans for it delete nothing (every object of the generated clusters has a timestamp, so all are young); all
     * outputs must still match.
     */
    private void ageNull(JsonNode entry) throws Exception {
        JsonNode expected = expectedPlan(entry);
        JsonNode options = entry.get("resolvedOptions");
        ReferenceGraph graph = SnapshotGraphs.load(list(entry.get("snapshot").asText()), "");
        JsonNode actual = libraryPlan(graph, Instant.parse(expected.get("now").asText()),
                options.get("keepTagRevisions").asInt());
        assertSamePlan(expected, actual, entry.get("file").asText());
    }

    /**
     * keep-younger-than unset on a cluster whose objects without a timestamp are old, so the run deletes. Expected
     * values worked out by hand from docs/algorithm.md, keep-tag-revisions 1:
     * <ul>
     * <li>§5.1: the threshold is Go's zero time; an object with a timestamp is young, one without is old (§0: young
     * is strictly after the threshold, and a missing timestamp is the zero time itself).</li>
     * <li>§6.1: {@code shop/young} has a creation time, so it is young and left alone: it keeps E and G.</li>
     * <li>§6.3 on {@code shop/web}, tag {@code latest} = [A, B, C, D, M]: rev 0 (A) is recent (rule 4); rev 1 (B) is
     * young (rule 1: its {@code created} is set); rev 2 (C) and rev 3 (D) are old and removed (rule 6); rev 4 names
     * M, which does not exist: dangling, removed without links (rule 3).</li>
     * <li>§6.2/§6.3 counts of {@code shop/web} over A, B, C, D: L1×3, L4×2 (C, D), every other blob and manifest ×1.
     * Removing C: manifest C → 0, config CC → 0, L1 → 2, L4 → 1. Removing D: manifest D → 0, L4, L5 and config CD
     * → 0. Layer links CC, L4, L5, CD; manifest links C, D.</li>
     * <li>§7.1: used after stage 1 are A, B (shop/web) and E, G (shop/young). §7.3: C and F (no stream) have no
     * creation time, so they are old and deleted (rule 4); D has one, so it is young and kept (rule 3).</li>
     * <li>§7.2/§7.3, global counts over all images: L1×3 (A, B, C), L2×2 (A, F), L4×2 (C, D), others ×1. Deleting C:
     * L1 → 2, L4 → 1, CC → 0 (blob), manifest C → 0 (blob). Deleting F: L2 → 1, L6 → 0, CF → 0, manifest F → 0.</li>
     * <li>§10 statistics: 2 images, 1 stream, 3 tag items, 4 layer links, 2 manifest links, 5 blobs.</li>
     * </ul>
     */
    @Test
    void ageNullDeletesWhatHasNoTimestamp() throws Exception {
        String a = digest("a1"), b = digest("a2"), c = digest("a3"), d = digest("a4"), e = digest("a5"),
                f = digest("a6"), g = digest("a7"), missing = digest("a9");
        String l1 = digest("b1"), l2 = digest("b2"), l3 = digest("b3"), l4 = digest("b4"), l5 = digest("b5"),
                l6 = digest("b6"), l7 = digest("b7"), l8 = digest("b8");
        String ca = digest("c1"), cb = digest("c2"), cc = digest("c3"), cd = digest("c4"), ce = digest("c5"),
                cf = digest("c6"), cg = digest("c7");
        String dated = "2025-01-01T00:00:00Z";
        List<Object> items = List.of(
                imageStream("web", null, Map.of("latest", List.of(revision(a, null), revision(b, dated),
                        revision(c, null), revision(d, null), revision(missing, null)))),
                imageStream("young", dated, Map.of("v1", List.of(revision(e, null), revision(g, null)))),
                image(a, null, ca, l1, l2), image(b, null, cb, l1, l3), image(c, null, cc, l1, l4),
                image(d, dated, cd, l4, l5), image(e, null, ce, l7), image(f, null, cf, l2, l6),
                image(g, null, cg, l8));
        Path file = tmp.resolve("age-null-deletes.list.json");
        MAPPER.writeValue(file.toFile(), Map.of("apiVersion", "v1", "kind", "List", "items", items));

        JsonNode plan = libraryPlan(SnapshotGraphs.load(file, ""), Instant.parse("2025-01-15T12:00:00Z"), 1);

        assertEquals(new TreeSet<>(Set.of(c, f)), strings(plan.get("imageDeletions")), "imageDeletions");
        assertEquals(Map.of("shop/web", List.of(Set.of(), Set.of("latest|2|" + c, "latest|3|" + d,
                "latest|4|" + missing), Set.of("latest"))), actualStreams(plan), "streamUpdates");
        assertEquals(links("shop/web", cc, l4, l5, cd), links(plan.get("layerLinkDeletions"), "blob"),
                "layerLinkDeletions");
        assertEquals(links("shop/web", c, d), links(plan.get("manifestDeletions"), "manifest"), "manifestDeletions");
        assertEquals(new TreeSet<>(Set.of(cc, c, l6, cf, f)), strings(plan.get("blobDeletions")), "blobDeletions");
        List<Integer> stats = new ArrayList<>();
        STATS.forEach(stat -> stats.add(plan.get("stats").get(stat).asInt()));
        assertEquals(List.of(2, 1, 3, 4, 2, 5), stats, "stats " + STATS);
    }

    private static String digest(String pair) {
        return "sha256:" + pair.repeat(32);
    }

    private static Set<String> links(String repo, String... digests) {
        Set<String> set = new TreeSet<>();
        for (String digest : digests) {
            set.add(repo + " " + digest);
        }
        return set;
    }

    /** A stream of namespace {@code shop}; {@code created} null leaves out the creation time. */
    private static Map<String, Object> imageStream(String name, String created, Map<String, List<Object>> tags) {
        Map<String, Object> metadata = new HashMap<>(Map.of("name", name, "namespace", "shop"));
        if (created != null) {
            metadata.put("creationTimestamp", created);
        }
        List<Object> statusTags = new ArrayList<>();
        tags.forEach((tag, revisions) -> statusTags.add(Map.of("tag", tag, "items", revisions)));
        return Map.of("apiVersion", "image.openshift.io/v1", "kind", "ImageStream", "metadata", metadata,
                "status", Map.of("dockerImageRepository", "registry.example:5000/shop/" + name, "tags", statusTags));
    }

    private static Object revision(String image, String created) {
        Map<String, Object> item = new HashMap<>(Map.of("image", image, "generation", 1,
                "dockerImageReference", "registry.example:5000/shop/web@" + image));
        if (created != null) {
            item.put("created", created);
        }
        return item;
    }

    /** A Docker schema 2 image: its layers and its config (algorithm §8). */
    private static Map<String, Object> image(String name, String created, String config, String... layers) {
        Map<String, Object> metadata = new HashMap<>(Map.of("name", name));
        if (created != null) {
            metadata.put("creationTimestamp", created);
        }
        List<Object> layerList = new ArrayList<>();
        for (String layer : layers) {
            layerList.add(Map.of("name", layer, "size", 1000,
                    "mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"));
        }
        return Map.of("apiVersion", "image.openshift.io/v1", "kind", "Image", "metadata", metadata,
                "dockerImageReference", "registry.example:5000/shop/web@" + name,
                "dockerImageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json",
                "dockerImageMetadata", Map.of("Id", config, "Size", 1000 * layers.length),
                "dockerImageLayers", layerList);
    }

    /** The library's dry run with keep-younger-than unset, as {@code plan -o json} would print it. */
    static JsonNode libraryPlan(ReferenceGraph graph, Instant now, int keepTagRevisions) throws IOException {
        PruneOptions pruneOptions = PruneOptions.library(now, null, keepTagRevisions, null, true, true, "", true, false);
        PruneResult result = PruneExecutor.dryRun(Planner.of(graph, pruneOptions));
        StringWriter json = new StringWriter();
        PlanJson.write(result, json);
        return MAPPER.readTree(json.toString());
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
