package io.imageprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code plan} command line: oc's option rules, exit statuses and both output formats. */
class PlanCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EXAMPLE = "examples/cluster.json";
    private static final String NOW = "--now=2025-01-15T12:00:00Z";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return MAPPER.readTree(out);
        }
    }

    static Run plan(String... args) {
        List<String> all = new ArrayList<>(List.of("plan"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ImagePruneCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "--prune-over-size-limit=false --keep-tag-revisions=1|--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than",
            "--prune-over-size-limit --keep-younger-than=1h|--prune-over-size-limit cannot be specified with --keep-tag-revisions nor --keep-younger-than",
            "--keep-tag-revisions=-1|--keep-tag-revisions must be greater than or equal to 0",
            "--keep-younger-than=-5m|--keep-younger-than must be greater than or equal to 0",
            "--keep-younger-than=5 minutes|invalid value for --keep-younger-than: \"5 minutes\" is not a Go duration",
            "--keep-younger-than=3000000h|invalid value for --keep-younger-than: \"3000000h\" is not a Go duration",
            "--keep-younger-than=5x|time: unknown unit \"x\" in duration \"5x\"",
            "--now=yesterday|invalid value for --now: \"yesterday\" is not an RFC 3339 time",
            "--now=2025-01-15T12:00Z|invalid value for --now: \"2025-01-15T12:00Z\" is not an RFC 3339 time",
            "--output=yaml|--output must be table or json",
            "--no-such-flag|Unknown option: '--no-such-flag'",
            "--keep-tag-revisions=many|Invalid value for option '--keep-tag-revisions': \"many\" is not an integer",
            "--keep-tag-revisions=4294967296|Invalid value for option '--keep-tag-revisions': \"4294967296\" is out of range",
            "--all=maybe|Invalid value for option '--all': \"maybe\" is not a boolean (1, t, T, TRUE, true, True, 0",
            "--all=yes|Invalid value for option '--all': \"yes\" is not a boolean",
            "--prune-registry=tRUE|Invalid value for option '--prune-registry': \"tRUE\" is not a boolean",
            "--ignore-invalid-refs=on|Invalid value for option '--ignore-invalid-refs': \"on\" is not a boolean",
            "--prune-orphan-signatures=yes|Invalid value for option '--prune-orphan-signatures': \"yes\" is not a "
                    + "boolean",
            "extra-argument|Unmatched argument"})
    void usageErrorsExitWithTwo(String flags, String message) {
        List<String> args = new ArrayList<>(List.of("--snapshot", EXAMPLE));
        args.addAll(List.of(flags.split(" (?=-)")));
        if (!flags.startsWith("--now")) {
            args.add(NOW);
        }
        Run run = plan(args.toArray(String[]::new));
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains(message), "stderr lacks <" + message + ">: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void theTimingsSwitchIsReadAsStrictlyAsTheFlags() {
        String before = System.getProperty(PhaseTimings.PROPERTY);
        try {
            System.setProperty(PhaseTimings.PROPERTY, "yes");
            Run refused = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs");
            assertEquals(2, refused.exit(), refused.err());
            assertTrue(refused.err().contains("invalid value for -Dimageprune.timings: \"yes\" is not a boolean"),
                    refused.err());
            assertEquals("", refused.out());

            System.setProperty(PhaseTimings.PROPERTY, "True");
            Run timed = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs");
            assertEquals(0, timed.exit(), timed.err());
            assertTrue(timed.err().contains("timings: loaded "), timed.err());

            System.setProperty(PhaseTimings.PROPERTY, "0");
            Run untimed = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs");
            assertEquals(0, untimed.exit(), untimed.err());
            assertFalse(untimed.err().contains("timings:"), untimed.err());
        } finally {
            if (before == null) {
                System.clearProperty(PhaseTimings.PROPERTY);
            } else {
                System.setProperty(PhaseTimings.PROPERTY, before);
            }
        }
    }

    @Test
    void missingSnapshotIsAUsageError() {
        Run run = plan(NOW);
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("Missing required option: '--snapshot=FILE'"), run.err());
    }

    @Test
    void jsonIsOneDocumentOnStdout() throws Exception {
        Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode plan = run.json();
        List<String> keys = new ArrayList<>();
        plan.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("imageDeletions", "streamUpdates", "layerLinkDeletions", "manifestDeletions",
                "blobDeletions", "stats", "bytesReclaimable", "errors"), keys);
        assertEquals(plan.get("imageDeletions").size(), plan.get("stats").get("deletedImages").asInt());
        assertEquals(plan.get("blobDeletions").size(), plan.get("stats").get("deletedBlobs").asInt());
        assertTrue(plan.get("imageDeletions").size() > 0, "the example has a non-trivial plan");
        assertTrue(plan.get("bytesReclaimable").asLong() > 0);
        assertTrue(run.err().contains("warning: ignoring invalid reference: "), run.err());
    }

    @Test
    void invalidReferencesRefuseThePlanLikeOc() throws Exception {
        Run run = plan("--snapshot", EXAMPLE, NOW, "-o", "json");
        assertEquals(1, run.exit());
        JsonNode plan = run.json();
        assertEquals(3, plan.get("errors").size(), run.out());
        assertEquals(0, plan.get("imageDeletions").size());
        assertEquals(0, plan.get("streamUpdates").size());
        String[] lines = run.err().strip().split("\n");
        assertEquals("failed to build graph - no changes made", lines[lines.length - 1]);
        for (JsonNode error : plan.get("errors")) {
            assertTrue(run.err().contains("  " + error.asText() + "\n"), error.asText());
        }
    }

    @Test
    void booleanFlagsTakeGosForms() {
        String managedOnly = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "--all=false", "-o", "json")
                .out();
        String everything = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json").out();
        assertTrue(!managedOnly.equals(everything), "--all changes the example's plan, so the comparison can fail");
        for (String no : new String[]{"0", "f", "F", "FALSE", "False"}) {
            assertEquals(managedOnly, plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs=1", "--all=" + no,
                    "-o", "json").out(), no);
        }
        for (String yes : new String[]{"1", "t", "T", "TRUE", "True"}) {
            assertEquals(everything, plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs=" + yes, "--all=" + yes,
                    "-o", "json").out(), yes);
        }
    }

    @Test
    void tableNamesTotalsAndNamespaces() {
        Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("Images to delete"), run.out());
        assertTrue(run.out().contains("Bytes reclaimable"), run.out());
        assertTrue(run.out().contains("Namespace edge-cases:"), run.out());
        assertTrue(run.out().contains("older than the newest keep-tag-revisions revisions and not in use"), run.out());
    }

    @Test
    void namespaceOptionConsidersOnlyThatNamespaceAndDeletesNoImage() throws Exception {
        Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-n", "edge-cases", "-o", "json");
        assertEquals(0, run.exit(), run.err());
        JsonNode plan = run.json();
        assertEquals(0, plan.get("imageDeletions").size());
        assertEquals(0, plan.get("blobDeletions").size());
        assertTrue(plan.get("streamUpdates").size() > 0);
        plan.get("streamUpdates").forEach(u -> assertTrue(u.get("stream").asText().startsWith("edge-cases/"), u.toString()));
        plan.get("layerLinkDeletions").forEach(l -> assertTrue(l.get("repo").asText().startsWith("edge-cases/")));
    }

    @Test
    void yamlSnapshotPlansLikeJson() throws Exception {
        JsonNode list = MAPPER.readTree(Path.of(EXAMPLE).toFile());
        Path yaml = tmp.resolve("cluster.yaml");
        new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().writeValue(yaml.toFile(), list);
        Run fromJson = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        Run fromYaml = plan("--snapshot", yaml.toString(), NOW, "--ignore-invalid-refs", "-o", "json");
        assertEquals(0, fromYaml.exit(), fromYaml.err());
        assertEquals(fromJson.json(), fromYaml.json());
    }

    @Test
    void notAListIsAClearError() throws Exception {
        Path pod = tmp.resolve("pod.json");
        Files.writeString(pod, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}");
        Run run = plan("--snapshot", pod.toString(), NOW);
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("not a Kubernetes List"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void malformedItemIsNamedAndNothingIsPlanned() throws Exception {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":["
                + "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"ok\",\"namespace\":\"a\"}},"
                + "{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\",\"metadata\":{\"name\":\"sha256:x\"},"
                + "\"dockerImageLayers\":7}]}");
        Run run = plan("--snapshot", bad.toString(), NOW, "-o", "json");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("item 1"), run.err());
        assertTrue(run.err().contains("sha256:x"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void missingFileIsAClearError() {
        Run run = plan("--snapshot", tmp.resolve("nope.json").toString(), NOW);
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("nope.json"), run.err());
    }
}
