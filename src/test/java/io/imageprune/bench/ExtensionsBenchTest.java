package io.imageprune.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smoke form of {@code bench/extensions.sh}: the generator's extension objects leave the plain cluster's counts
 * as they are, and on the medium cluster every extension the bench switches off keeps something (so each row measures
 * a rule at work), oc-exact deletes most, and the opt-in orphan-signature cleanup deletes more than the defaults.
 */
class ExtensionsBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyExtensionKeepsSomethingOnTheGeneratedCluster() throws Exception {
        Path plain = dir.resolve("plain.json");
        Path extended = dir.resolve("extended.json");
        ByteArrayOutputStream plainStats = new ByteArrayOutputStream();
        ByteArrayOutputStream extendedStats = new ByteArrayOutputStream();
        assertEquals(0, GenerateCluster.run(new String[] {"--size", "medium", "--out", plain.toString()},
                new PrintStream(plainStats, true, StandardCharsets.UTF_8)));
        assertEquals(0, GenerateCluster.run(new String[] {"--size", "medium", "--extensions", "--out",
                extended.toString()}, new PrintStream(extendedStats, true, StandardCharsets.UTF_8)));
        String extendedText = extendedStats.toString(StandardCharsets.UTF_8);
        assertTrue(extendedText.startsWith(plainStats.toString(StandardCharsets.UTF_8)),
                "the plain objects are counted alike:\n" + plainStats + "\n" + extendedText);
        for (String added : List.of("signatureTags", "Rollout", "VirtualMachine", "TaskRun",
                "podsWithEphemeralContainers", "specTagStreams", "annotatedNamespaces")) {
            assertTrue(extendedText.contains("\"" + added + "\": "), added + " in " + extendedText);
        }

        ExtensionsBench bench = ExtensionsBench.load(extended);
        List<ExtensionsBench.Row> rows = bench.rows(1);
        Map<String, ExtensionsBench.Row> byVariant = rows.stream()
                .collect(Collectors.toMap(ExtensionsBench.Row::variant, Function.identity()));
        assertEquals(ExtensionsBench.variants().keySet(), byVariant.keySet());
        ExtensionsBench.Row defaults = byVariant.get("defaults");
        for (String off : List.of("--oc-exact", "--keep-pinned-images=false", "--custom-referrers=false",
                "--ephemeral-containers=false", "--spec-tag-holders=false", "--annotations=false")) {
            ExtensionsBench.Row row = byVariant.get(off);
            // safety rule 1 predates issue 12: the generated holders name old revisions in their own stream, which
            // keeps the revision itself, so switching the rule off alone need not change this cluster's plan
            assertTrue(off.equals("--keep-pinned-images=false") || row.revisionsRemoved() > defaults.revisionsRemoved()
                            || row.imagesDeleted() > defaults.imagesDeleted(),
                    off + " removes more than the defaults: " + row + " vs " + defaults);
            assertTrue(row.revisionsRemoved() >= defaults.revisionsRemoved()
                    && row.imagesDeleted() >= defaults.imagesDeleted(), off + " never removes less: " + row);
            assertTrue(byVariant.get("--oc-exact").imagesDeleted() >= row.imagesDeleted(), "oc-exact deletes most");
        }
        ExtensionsBench.Row orphans = byVariant.get("--prune-orphan-signatures");
        assertTrue(orphans.revisionsRemoved() > defaults.revisionsRemoved()
                && orphans.imagesDeleted() > defaults.imagesDeleted(), orphans + " vs " + defaults);

        // containing the invalid references keeps what ignoring them keeps, and what they could name
        ExtensionsBench.Row contained = byVariant.get("--invalid-refs=contain");
        assertTrue(contained.revisionsRemoved() <= defaults.revisionsRemoved()
                && contained.imagesDeleted() <= defaults.imagesDeleted(), contained + " vs " + defaults);

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        bench.table(rows, new PrintStream(table, true, StandardCharsets.UTF_8));
        String text = table.toString(StandardCharsets.UTF_8);
        for (String variant : byVariant.keySet()) {
            assertTrue(text.contains("| " + variant + " "), variant + " row in\n" + text);
        }
    }
}
