package io.imageprune.prune;

import io.imageprune.options.InvalidOptionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ImagePruner resource's values read by the one option parser: what would wrap or weaken is refused. */
class ImagePrunerValuesTest {
    private static PruneSettings.Values values(Object... keysAndValues) {
        Map<String, Object> spec = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            spec.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return ImagePrunerDropIn.values(spec, "cluster");
    }

    @Test
    void theOperatorsDefaultsAndItsFields() {
        PruneSettings.Values defaults = values();
        assertEquals(3, defaults.keepTagRevisions());
        assertEquals(Duration.ofMinutes(60), defaults.keepYoungerThan());
        assertFalse(defaults.ignoreInvalidRefs());
        PruneSettings.Values given = values("keepTagRevisions", 1, "keepYoungerThanDuration", "1h30m",
                "ignoreInvalidImageReferences", true);
        assertEquals(1, given.keepTagRevisions());
        assertEquals(Duration.ofMinutes(90), given.keepYoungerThan());
        assertTrue(given.ignoreInvalidRefs());
        assertEquals(Duration.ofSeconds(2), values("keepYoungerThan", 2_000_000_000L).keepYoungerThan());
    }

    @Test
    void valuesThatWouldWrapOrAreNotTheirTypeAreRefusedNamingTheField() {
        InvalidOptionException wraps = assertThrows(InvalidOptionException.class,
                () -> values("keepTagRevisions", 10_000_000_000L));
        assertEquals("imagepruner/cluster spec.keepTagRevisions", wraps.parameter());
        assertThrows(InvalidOptionException.class, () -> values("keepTagRevisions", 2.5));
        assertThrows(InvalidOptionException.class, () -> values("keepTagRevisions", "3"));
        InvalidOptionException overflow = assertThrows(InvalidOptionException.class,
                () -> values("keepYoungerThanDuration", "3000000h"));
        assertEquals("imagepruner/cluster spec.keepYoungerThanDuration", overflow.parameter());
        assertThrows(InvalidOptionException.class, () -> values("keepYoungerThan", 1e19));
        InvalidOptionException lax = assertThrows(InvalidOptionException.class,
                () -> values("ignoreInvalidImageReferences", "yes"));
        assertEquals("imagepruner/cluster spec.ignoreInvalidImageReferences", lax.parameter());
    }

    @Test
    void negativeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> values("keepTagRevisions", -1));
        assertThrows(IllegalArgumentException.class, () -> values("keepYoungerThanDuration", "-5m"));
        assertThrows(IllegalArgumentException.class, () -> values("keepYoungerThan", -1L));
    }

    @Test
    void thePlacementFieldsAreNamedAsLeftToTheDeployment() {
        Map<String, Object> spec = new HashMap<>();
        spec.put("keepTagRevisions", 1);
        spec.put("nodeSelector", Map.of("node-role.kubernetes.io/infra", ""));
        spec.put("tolerations", java.util.List.of(Map.of("key", "infra", "effect", "NoSchedule")));
        spec.put("resources", Map.of("requests", Map.of("memory", "256Mi")));
        assertEquals(java.util.List.of("spec.resources", "spec.nodeSelector", "spec.tolerations"),
                ImagePrunerDropIn.placement(spec));
        assertEquals(java.util.List.of(), ImagePrunerDropIn.placement(Map.of("keepTagRevisions", 1)));
    }
}
