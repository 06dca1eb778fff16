package io.imageprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.cli.PlanCommandTest.Run;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.imageprune.cli.PlanCommandTest.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code plan --explain IMAGE} on the example snapshot: verdicts that match the plan, both formats, exit statuses. */
class ExplainCommandTest {
    private static final String EXAMPLE = "examples/cluster.json";
    private static final String NOW = "--now=2025-01-15T12:00:00Z";

    @Test
    void everyImageIsPrunableExactlyWhenThePlanDeletesIt() throws Exception {
        Run planned = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        assertEquals(0, planned.exit(), planned.err());
        Set<String> deleted = new HashSet<>();
        planned.json().get("imageDeletions").forEach(n -> deleted.add(n.asText()));
        assertFalse(deleted.isEmpty(), "an example worth explaining");

        JsonNode example = new ObjectMapper().readTree(Path.of(EXAMPLE).toFile());
        int kept = 0;
        for (JsonNode item : example.get("items")) {
            if (!item.get("kind").asText().equals("Image")) {
                continue;
            }
            String name = item.get("metadata").get("name").asText();
            Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "--explain", name, "-o", "json");
            assertEquals(0, run.exit(), run.err());
            JsonNode e = run.json();
            assertEquals(name, e.get("image").asText());
            assertEquals(deleted.contains(name) ? "PRUNABLE" : "KEPT", e.get("verdict").asText(), name);
            assertEquals("DECIDED", e.get("stage2").asText());
            assertEquals(e.get("rule").get("description").asText(), e.get("reason").asText());
            kept += deleted.contains(name) ? 0 : 1;
        }
        assertTrue(kept > 0, "some image is kept");
    }

    @Test
    void theTextFormNamesTheRuleAndTheEvidence() throws Exception {
        Run planned = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        String deleted = planned.json().get("imageDeletions").get(0).asText();
        Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "--explain", deleted);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("image " + deleted + "\n"), run.out());
        assertTrue(run.out().contains("verdict: PRUNABLE (UNREFERENCED_IMAGE): no stream revision references the image"),
                run.out());
        assertTrue(run.out().contains("stream revisions ("), run.out());
        assertTrue(run.out().contains("reclaimable (held by no other image): "), run.out());
    }

    @Test
    void aNamespacedRunKeepsEveryImage() throws Exception {
        Run planned = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        String deleted = planned.json().get("imageDeletions").get(0).asText();
        Run run = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-n", "default", "--explain", deleted,
                "-o", "json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("KEPT", run.json().get("verdict").asText());
        assertEquals("NAMESPACED", run.json().get("stage2").asText());
        assertTrue(run.json().get("rule").isNull());
    }

    @Test
    void anUnknownImageExitsWithOne() {
        String unknown = "sha256:" + "0".repeat(64);
        Run run = plan("--snapshot", EXAMPLE, NOW, "--explain", unknown, "-o", "json");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("error: the graph holds no image " + unknown), run.err());
        assertTrue(run.out().contains("\"verdict\":\"UNKNOWN_IMAGE\""), run.out());
    }
}
