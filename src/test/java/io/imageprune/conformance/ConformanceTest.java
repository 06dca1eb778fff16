package io.imageprune.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every vector of oc's unit tests: through the planner and executor with recording deleters that inject the vector's
 * faults, with safety rule 1 off (oc's exact result) and on (it must not change any upstream result); and the
 * fault-free ones end to end through {@code plan -o json}.
 */
class ConformanceTest {
    /** Keys the plan document carries; the rest (failures, raw encodings) exist only at library level. */
    private static final Set<String> PLAN_KEYS = Set.of("expectError", "imageDeletions", "streamUpdates",
            "streamUpdatesRaw", "layerLinkDeletions", "blobDeletions", "manifestDeletions", "stats", "errorMessages");

    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> libraryWithRecordingDeleters() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Vector vector : Vector.all()) {
            for (boolean keepPinned : new boolean[]{false, true}) {
                tests.add(DynamicTest.dynamicTest(vector + (keepPinned ? " [keep pinned]" : " [oc exact]"),
                        () -> runLibrary(vector, keepPinned)));
            }
        }
        assertTrue(tests.size() >= 110, "conformance vectors missing: " + tests.size());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> endToEndThroughPlanJson() {
        return Vector.all().stream()
                .filter(v -> !v.hasFaults())
                .map(v -> DynamicTest.dynamicTest(v.toString(), () -> runPlanCommand(v)));
    }

    private void runLibrary(Vector vector, boolean keepPinned) throws Exception {
        PruneOptions options = vector.pruneOptions(keepPinned);
        ReferenceGraph graph = SnapshotGraphs.load(vector.writeList(tmp), "");
        Planner planner = Planner.of(graph, options);
        RecordingDeleters deleters = new RecordingDeleters(vector.faults());
        PruneResult result = new PruneExecutor(deleters, deleters).run(planner);

        StringWriter json = new StringWriter();
        PlanJson.write(result, json);
        ObjectNode actual = (ObjectNode) Vector.MAPPER.readTree(json.toString());
        actual.set("failures", Vector.MAPPER.valueToTree(result.failures()));
        actual.put("statsString", result.stats().toString());
        actual.set("errorMessages", Vector.MAPPER.valueToTree(result.invalidReferences()));
        if (result.refused()) {
            actual.put("errorString", planner.refusalMessage());
            assertTrue(deleters.calls.isEmpty(), "a refused run must change nothing: " + deleters.calls);
        }
        for (String key : vector.checkedKeys()) {
            if (!key.equals("cliError")) { // the command's error, checked by runPlanCommand: the library has none
                Expectations.assertKey(vector, key, actual);
            }
        }
    }

    private void runPlanCommand(Vector vector) throws Exception {
        List<String> args = new ArrayList<>(List.of("plan", "--snapshot", vector.writeList(tmp).toString(),
                "--now", vector.json().get("now").asText(), "-o", "json"));
        args.addAll(cliFlags(vector.options()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ImagePruneCommand())
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        JsonNode actual = Vector.MAPPER.readTree(out.toString());
        boolean expectError = vector.expected().path("expectError").asBoolean();
        assertEquals(expectError ? 1 : 0, exit, vector + " exit status; stderr: " + err);
        if (expectError) {
            // the command's own error is its last line (a vector's cliError, oc's text)
            String[] lines = err.toString().strip().split("\n");
            JsonNode cliError = vector.expectedValue("cliError");
            assertEquals(cliError == null ? "failed to build graph - no changes made" : cliError.asText(),
                    lines[lines.length - 1].strip(), vector + " error");
            assertFalse(actual.get("errors").isEmpty());
            if (vector.expectedValue("errorString") != null) {
                List<String> messages = new ArrayList<>();
                actual.get("errors").forEach(e -> messages.add(e.asText()));
                var distinct = new java.util.LinkedHashSet<>(messages);
                String aggregate = distinct.size() == 1 ? messages.get(0) : "[" + String.join(", ", distinct) + "]";
                assertEquals(vector.expectedValue("errorString").asText(), aggregate, vector + " errors");
            }
        }
        ObjectNode withMessages = actual.deepCopy();
        withMessages.set("errorMessages", actual.get("errors"));
        for (String key : vector.checkedKeys()) {
            if (PLAN_KEYS.contains(key)) {
                Expectations.assertKey(vector, key, withMessages);
            }
        }
    }

    /** The {@code plan} flags that express a vector's library options (the harness always gives both keep values). */
    static List<String> cliFlags(JsonNode options) {
        List<String> flags = new ArrayList<>();
        if (!options.get("pruneOverSizeLimit").isNull()) {
            flags.add("--prune-over-size-limit=" + options.get("pruneOverSizeLimit").asBoolean());
        }
        if (!options.get("keepTagRevisions").isNull()) {
            flags.add("--keep-tag-revisions=" + options.get("keepTagRevisions").asInt());
        }
        if (!options.get("keepYoungerThan").isNull()) {
            flags.add("--keep-younger-than=" + options.get("keepYoungerThan").asText());
        }
        if (!options.get("allImages").isNull()) {
            flags.add("--all=" + options.get("allImages").asBoolean());
        }
        if (!options.get("pruneRegistry").isNull()) {
            flags.add("--prune-registry=" + options.get("pruneRegistry").asBoolean());
        }
        if (!options.get("namespace").isNull()) {
            flags.add("--namespace=" + options.get("namespace").asText());
        }
        if (options.get("ignoreInvalidRefs").asBoolean()) {
            flags.add("--ignore-invalid-refs");
        }
        return flags;
    }
}
