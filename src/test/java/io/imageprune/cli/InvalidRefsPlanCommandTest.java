package io.imageprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageprune.cli.PlanCommandTest.Run;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.imageprune.cli.PlanCommandTest.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code plan --invalid-refs}: the example cluster holds counted invalid references (a DeploymentConfig, a Build and a
 * BuildConfig of orders-1); stop refuses, ignore prunes around them, contain prunes around them keeping what they
 * could name, and lists them.
 */
class InvalidRefsPlanCommandTest {
    private static final String EXAMPLE = "examples/cluster.json";
    private static final String NOW = "--now=2025-01-15T12:00:00Z";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--invalid-refs=maybe|Invalid value for option '--invalid-refs': \"maybe\" is not stop, contain or ignore",
            "--invalid-refs=Contain|Invalid value for option '--invalid-refs': \"Contain\" is not stop, contain or ignore",
            "--invalid-refs=contain --ignore-invalid-refs|invalid value for --ignore-invalid-refs: --ignore-invalid-refs=true contradicts --invalid-refs=contain",
            "--invalid-refs=stop --ignore-invalid-refs=true|--ignore-invalid-refs=true contradicts --invalid-refs=stop",
            "--invalid-refs=ignore --ignore-invalid-refs=false|--ignore-invalid-refs=false contradicts --invalid-refs=ignore",
            "--invalid-refs=contain --oc-exact|--invalid-refs=contain contradicts --oc-exact"})
    void contradictionsAndBadValuesAreUsageErrors(String flags, String message) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--snapshot", EXAMPLE, NOW));
        args.addAll(java.util.List.of(flags.split(" ")));
        Run run = plan(args.toArray(String[]::new));
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains(message), "stderr lacks <" + message + ">: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void theAliasAndTheModeAgreeing() throws Exception {
        Run alias = plan("--snapshot", EXAMPLE, NOW, "--ignore-invalid-refs", "-o", "json");
        Run mode = plan("--snapshot", EXAMPLE, NOW, "--invalid-refs=ignore", "-o", "json");
        Run both = plan("--snapshot", EXAMPLE, NOW, "--invalid-refs=ignore", "--ignore-invalid-refs=true", "-o", "json");
        assertEquals(0, mode.exit(), mode.err());
        assertEquals(alias.out(), mode.out());
        assertEquals(alias.out(), both.out());
        Run stop = plan("--snapshot", EXAMPLE, NOW, "--invalid-refs=stop", "--ignore-invalid-refs=false");
        assertEquals(1, stop.exit(), "stop refuses as oc does: " + stop.err());
        assertEquals(1, plan("--snapshot", EXAMPLE, NOW).exit(), "stop is the default");
    }

    @TempDir
    Path tmp;

    /**
     * The example plus a Deployment in namespace web naming {@code Library/Nginx} (upper case: invalid), which is the
     * stream library/nginx that loses a revision when the references are ignored.
     */
    private String snapshot() throws Exception {
        ObjectNode list = (ObjectNode) MAPPER.readTree(Path.of(EXAMPLE).toFile());
        ((ArrayNode) list.get("items")).add(MAPPER.readTree("""
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shouty", "namespace": "web",
                 "creationTimestamp": "2024-11-09T07:06:23Z"}, "spec": {"template": {"spec": {"containers":
                 [{"name": "c0", "image": "registry.example:5000/Library/Nginx:1.21"}]}}}}"""));
        Path file = tmp.resolve("cluster.json");
        MAPPER.writeValue(file.toFile(), list);
        return file.toString();
    }

    @Test
    void containPrunesAroundTheReferencesKeepingWhatTheyCouldNameAndListsThem() throws Exception {
        String snapshot = snapshot();
        Run ignore = plan("--snapshot", snapshot, NOW, "--invalid-refs=ignore", "-o", "json");
        Run contain = plan("--snapshot", snapshot, NOW, "--invalid-refs=contain", "-o", "json");
        assertEquals(0, contain.exit(), contain.err());
        Set<String> ignored = names(ignore.json().get("imageDeletions"));
        Set<String> contained = names(contain.json().get("imageDeletions"));
        assertTrue(ignored.containsAll(contained), "contain deletes a subset of what ignore deletes");
        Set<String> repos = repos(contain.json());
        assertTrue(repos(ignore.json()).contains("library/nginx"), "ignore prunes library/nginx");
        repos.add("library/nginx");
        assertEquals(repos(ignore.json()), repos, "contain leaves library/nginx alone, and only it");
        assertTrue(contain.err().contains("warning: containing invalid reference: deploymentconfig/broken "
                + "namespace=orders-1"), contain.err());

        Run table = plan("--snapshot", snapshot, NOW, "--invalid-refs=contain");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("Contained invalid references (--invalid-refs=contain):"), table.out());
        assertTrue(table.out().contains("  DeploymentConfig orders-1/broken: deploymentconfig/broken "
                + "namespace=orders-1: container "), table.out());
        assertTrue(table.out().contains("      keeps imagestream team/badname"), table.out());
        assertTrue(table.out().contains("  Deployment web/shouty: deployment/shouty namespace=web: container c0: "
                + "invalid image reference \"registry.example:5000/Library/Nginx:1.21\": repository name must be "
                + "lowercase\n      keeps imagestream library/nginx"), table.out());
        assertTrue(table.out().contains("Streams left alone                       1"), table.out());
    }

    private static Set<String> repos(JsonNode plan) {
        Set<String> repos = new HashSet<>();
        plan.get("streamUpdates").forEach(stream -> repos.add(stream.get("stream").asText()));
        return repos;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new HashSet<>();
        array.forEach(node -> names.add(node.isTextual() ? node.asText() : node.get("name").asText()));
        return names;
    }
}
