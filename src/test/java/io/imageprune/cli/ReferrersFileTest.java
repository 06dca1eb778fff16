package io.imageprune.cli;

import io.imageprune.model.CustomReferrer;
import io.imageprune.referrers.BuiltinReferrers;
import io.imageprune.referrers.CustomReferrers;
import io.imageprune.referrers.ReferrerKindSpec;
import io.imageprune.referrers.ReferrersConfig;
import io.imageprune.referrers.ReferrersConfig.InvalidReferrersException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file of {@code plan --referrers FILE} is read as YAML and parsed strictly. */
class ReferrersFileTest {

    @Test
    void builtInKindsAreOnUnlessSwitchedOff() throws Exception {
        assertEquals(BuiltinReferrers.ALL.size(), ReferrersConfig.DEFAULT.kinds().size());
        Path file = Files.createTempFile("referrers", ".yaml");
        try {
            Files.writeString(file, """
                    builtin: true
                    disabled: [Rollout.argoproj.io]
                    custom:
                      - apiVersion: example.com/v1
                        kind: Widget
                        paths: [.spec.image]
                        finished: .status.doneAt
                    """);
            ReferrersConfig config = ReferrersFile.read(file);
            assertTrue(config.kinds().stream().noneMatch(k -> k.kind().equals("Rollout")));
            ReferrerKindSpec widget = config.kinds().stream().filter(k -> k.kind().equals("Widget")).findFirst()
                    .orElseThrow();
            assertEquals("widgets", widget.plural());
            Map<String, Object> item = Map.of("metadata", Map.of("name", "w", "namespace", "ns"),
                    "spec", Map.of("image", "r.io/ns/app:v1"), "status", Map.of("doneAt", "2024-06-01T10:00:00Z"));
            CustomReferrer converted = CustomReferrers.convert(widget, item);
            assertEquals(new CustomReferrer("Widget", "example.com", "ns", "w", true,
                    Instant.parse("2024-06-01T10:00:00Z"), List.of(new CustomReferrer.Reference("spec.image",
                    "r.io/ns/app:v1"))), converted);
            Files.writeString(file, "custom: [{apiVersion: v1, kind: Widget, paths: ['.spec.image'], extra: 1}]");
            InvalidReferrersException e = assertThrows(InvalidReferrersException.class,
                    () -> ReferrersFile.read(file));
            assertTrue(e.getMessage().contains("custom[0].extra: unknown key"), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }
}
