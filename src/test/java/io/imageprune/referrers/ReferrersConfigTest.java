package io.imageprune.referrers;

import io.imageprune.model.CustomReferrer;
import io.imageprune.referrers.ReferrersConfig.InvalidReferrersException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The referrers configuration is parsed strictly, and its JSONPath expressions find what they name. */
class ReferrersConfigTest {

    @Test
    void jsonPathFindsChildrenIndexesWildcardsAndDescendants() {
        Map<String, Object> run = Map.of("spec", Map.of("taskSpec", Map.of("steps", List.of(
                        Map.of("name", "build", "image", "a/b/c:1"), Map.of("name", "push", "image", "a/b/d:2")))),
                "status", Map.of("taskSpec", Map.of("sidecars", List.of(Map.of("image", "a/b/e@sha256:x")))));
        List<String> found = new ArrayList<>();
        JsonPath.parse("..steps[*].image").evaluate(run, (at, v) -> found.add(at + "=" + v));
        JsonPath.parse("{$.status.taskSpec.sidecars[0]['image']}").evaluate(run, (at, v) -> found.add(at + "=" + v));
        assertEquals(List.of("spec.taskSpec.steps[0].image=a/b/c:1", "spec.taskSpec.steps[1].image=a/b/d:2",
                "status.taskSpec.sidecars[0].image=a/b/e@sha256:x"), found);
    }

    @Test
    void aBadJsonPathIsRefusedNamingWhere() {
        for (String bad : List.of("", "spec.image", ".spec[?(@.x)]", ".spec..", "{.spec", ".spec[1:2]", ".sp ec")) {
            assertThrows(IllegalArgumentException.class, () -> JsonPath.parse(bad), bad);
        }
        InvalidReferrersException e = assertThrows(InvalidReferrersException.class, () -> ReferrersConfig.fromMap(
                "test", Map.of("custom", List.of(kind("example.com/v1", "Widget", List.of(".spec.image", ".spec[?(@)]"))))));
        assertEquals("invalid referrers configuration test at custom[0].paths[1]: invalid JSONPath \".spec[?(@)]\" at "
                + "position 5: expected [*], [N] or ['name'] (filters, slices and unions are not supported)",
                e.getMessage());
    }

    @Test
    void unknownKeysMissingFieldsAndClashingKindsAreErrors() {
        assertThrows(InvalidReferrersException.class, () -> ReferrersConfig.fromMap("t", Map.of("builtins", true)));
        Map<String, Object> noPaths = kind("example.com/v1", "Widget", List.of());
        assertThrows(InvalidReferrersException.class, () -> ReferrersConfig.fromMap("t", Map.of("custom",
                List.of(noPaths))));
        Map<String, Object> typo = kind("example.com/v1", "Widget", List.of(".spec.image"));
        typo.put("path", ".x");
        assertThrows(InvalidReferrersException.class, () -> ReferrersConfig.fromMap("t", Map.of("custom",
                List.of(typo))));
        // a second kind named Service (Knative's is built in) would share its state keys
        InvalidReferrersException clash = assertThrows(InvalidReferrersException.class, () -> ReferrersConfig
                .fromMap("t", Map.of("custom", List.of(kind("example.com/v1", "Service", List.of(".spec.image"))))));
        assertTrue(clash.getMessage().contains("same name"), clash.getMessage());
        assertThrows(InvalidReferrersException.class, () -> ReferrersConfig.fromMap("t", Map.of("custom",
                List.of(kind("example.com/v1", "Pod", List.of(".spec.image"))))));
        // switching the built-in one off makes room
        ReferrersConfig ok = ReferrersConfig.fromMap("t", Map.of("disabled", List.of("Service.serving.knative.dev"),
                "custom", List.of(kind("example.com/v1", "Service", List.of(".spec.image")))));
        assertEquals("example.com", ok.kinds().stream().filter(k -> k.kind().equals("Service")).findFirst()
                .orElseThrow().group());
    }

    @Test
    void aRunWithoutCompletionTimeIsUnfinished() {
        ReferrerKindSpec taskRun = BuiltinReferrers.ALL.stream().filter(k -> k.kind().equals("TaskRun")).findFirst()
                .orElseThrow();
        CustomReferrer running = CustomReferrers.convert(taskRun, Map.of("metadata", Map.of("name", "r"),
                "spec", Map.of("taskSpec", Map.of("steps", List.of(Map.of("image", "x/y/z:1"))))));
        assertTrue(running.runLike());
        assertNull(running.finished());
        assertEquals(List.of(new CustomReferrer.Reference("spec.taskSpec.steps[0].image", "x/y/z:1")),
                running.references());
    }

    private static Map<String, Object> kind(String apiVersion, String kind, List<String> paths) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", apiVersion);
        m.put("kind", kind);
        m.put("paths", paths);
        return m;
    }
}
