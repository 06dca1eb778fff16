package io.imageprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.imageprune.cli.PlanCommandTest.plan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan command helping its reader: the table's short digests are lookup keys for --explain, the reclaimable total
 * says what it counts, --details leaves nothing out, and progress shows on a terminal only.
 */
class PlanHelpsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NOW = "--now=2025-01-15T12:00:00Z";
    /** Revisions of the one stream: more than the table shows without --details. */
    private static final int REVISIONS = 8;

    @TempDir
    Path tmp;

    @Test
    void theDigestsTheTablePrintsAreWhatExplainTakes() throws Exception {
        Path snapshot = snapshot(List.of());
        PlanCommandTest.Run table = plan("--snapshot", snapshot.toString(), NOW, "--keep-tag-revisions=1");
        assertEquals(0, table.exit(), table.err());
        Matcher printed = Pattern.compile("latest #\\d+ (sha256:[0-9a-f]{12})  ").matcher(table.out());
        assertTrue(printed.find(), table.out());
        String shortDigest = printed.group(1);

        PlanCommandTest.Run explained = plan("--snapshot", snapshot.toString(), NOW, "--keep-tag-revisions=1",
                "--explain", shortDigest, "-o", "json");

        assertEquals(0, explained.exit(), explained.err());
        String image = explained.json().get("image").asText();
        assertTrue(image.startsWith(shortDigest) && image.length() == "sha256:".length() + 64, image);
        assertEquals("PRUNABLE", explained.json().get("verdict").asText());
        assertEquals(image, plan("--snapshot", snapshot.toString(), NOW, "--explain",
                shortDigest.substring("sha256:".length()), "-o", "json").json().get("image").asText(),
                "without the algorithm too");
    }

    @Test
    void aTooShortOrAmbiguousPrefixIsAUsageErrorNamingTheCandidates() throws Exception {
        String twinA = "sha256:abcdefabcdef" + "1".repeat(52);
        String twinB = "sha256:abcdefabcdef" + "2".repeat(52);
        Path snapshot = snapshot(List.of(twinA, twinB));

        PlanCommandTest.Run ambiguous = plan("--snapshot", snapshot.toString(), NOW, "--explain", "abcdefabcdef");
        assertEquals(2, ambiguous.exit(), ambiguous.err());
        assertTrue(ambiguous.err().contains("is the prefix of 2 images: " + twinA + ", " + twinB), ambiguous.err());
        assertEquals("", ambiguous.out());

        PlanCommandTest.Run tooShort = plan("--snapshot", snapshot.toString(), NOW, "--explain", "sha256:abcdef");
        assertEquals(2, tooShort.exit(), tooShort.err());
        assertTrue(tooShort.err().contains("needs at least 12 hex characters"), tooShort.err());

        PlanCommandTest.Run unique = plan("--snapshot", snapshot.toString(), NOW, "--explain", "abcdefabcdef2",
                "-o", "json");
        assertEquals(0, unique.exit(), unique.err());
        assertEquals(twinB, unique.json().get("image").asText());
    }

    @Test
    void theTableSaysWhatIsReclaimableAndDetailsLeaveNothingOut() throws Exception {
        Path snapshot = snapshot(List.of());
        PlanCommandTest.Run cut = plan("--snapshot", snapshot.toString(), NOW, "--keep-tag-revisions=1");
        assertTrue(cut.out().contains("only blobs that no kept image shares are counted"), cut.out());
        int removed = REVISIONS - 1;
        assertEquals(5, count(cut.out(), "  latest #"), cut.out());
        assertTrue(cut.out().contains("... and " + (removed - 5) + " more (--details)"), cut.out());

        PlanCommandTest.Run details = plan("--snapshot", snapshot.toString(), NOW, "--keep-tag-revisions=1",
                "--details");

        assertEquals(0, details.exit(), details.err());
        assertEquals(removed, count(details.out(), "  latest #"), details.out());
        assertFalse(details.out().contains("... and"), details.out());
    }

    @Test
    void progressShowsOnATerminalAndNowhereElse() throws Exception {
        Path snapshot = snapshot(List.of());
        PlanCommandTest.Run quiet = plan("--snapshot", snapshot.toString(), NOW, "-o", "json");
        assertEquals(0, quiet.exit(), quiet.err());

        // not a terminal: stderr as without progress, even when every object would be worth a line
        Run piped = planWith(new Progress.Target(null, () -> false, Duration.ZERO, System::nanoTime), snapshot);
        assertEquals(quiet.err(), piped.err);
        assertEquals(quiet.out(), piped.out);

        Run terminal = planWith(new Progress.Target(null, () -> true, Duration.ZERO, System::nanoTime), snapshot);
        assertEquals(quiet.out(), terminal.out, "stdout is the same");
        assertTrue(terminal.err.matches("(?s)\\rreading snapshot\\.json: 1 objects .*"), terminal.err);
        int objects = REVISIONS + 1;
        assertTrue(terminal.err.contains("\rreading snapshot.json: " + objects + " objects ("), terminal.err);
        assertTrue(terminal.err.contains(" MB/s)"), terminal.err);
        assertTrue(terminal.err.endsWith("\n") || terminal.err.contains("\u001b[K\n"), "ends its line: " + terminal.err);
    }

    private record Run(String out, String err) {
    }

    /** The plan command with its progress going to its own stderr, shown or not as {@code target} says. */
    private static Run planWith(Progress.Target target, Path snapshot) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err);
        CommandLine line = new CommandLine(new ImagePruneCommand()).setOut(new PrintWriter(out)).setErr(errWriter);
        PlanCommand command = line.getSubcommands().get("plan").getCommand();
        command.progressTarget = new Progress.Target(errWriter, target.terminal(), target.interval(),
                target.nanoClock());
        int exit = line.execute("plan", "--snapshot", snapshot.toString(), NOW, "-o", "json");
        assertEquals(0, exit, err.toString());
        return new Run(out.toString(), err.toString());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** ns/app:latest with {@link #REVISIONS} images, newest first, and some images in no stream. */
    private Path snapshot(List<String> unstreamed) throws Exception {
        ObjectNode list = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        ArrayNode items = list.putArray("items");
        List<String> images = new ArrayList<>();
        for (int i = 0; i < REVISIONS; i++) {
            // distinct in their first 12 hex characters, as the table prints them
            images.add("sha256:" + String.valueOf(Character.forDigit(i + 1, 16)).repeat(12) + "0".repeat(52));
        }
        images.forEach(name -> items.add(image(name)));
        unstreamed.forEach(name -> items.add(image(name)));
        ObjectNode stream = items.addObject().put("apiVersion", "image.openshift.io/v1").put("kind", "ImageStream");
        stream.putObject("metadata").put("namespace", "ns").put("name", "app")
                .put("creationTimestamp", "2025-01-01T00:00:00Z");
        ArrayNode revisions = stream.putObject("status").putArray("tags").addObject().put("tag", "latest")
                .putArray("items");
        for (int i = 0; i < images.size(); i++) {
            revisions.addObject().put("created", String.format("2025-01-%02dT00:00:00Z", 10 - i))
                    .put("image", images.get(i)).put("dockerImageReference", "registry.example/ns/app@" + images.get(i));
        }
        Path file = tmp.resolve("snapshot.json");
        Files.writeString(file, list.toString());
        return file;
    }

    private static ObjectNode image(String name) {
        ObjectNode image = MAPPER.createObjectNode().put("apiVersion", "image.openshift.io/v1").put("kind", "Image");
        image.putObject("metadata").put("name", name).put("creationTimestamp", "2025-01-01T00:00:00Z");
        image.put("dockerImageReference", "registry.example/ns/app@" + name);
        image.put("dockerImageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
        String layer = "sha256:" + name.substring("sha256:".length()).replace('0', 'e');
        image.putArray("dockerImageLayers").addObject().put("name", layer).put("size", 100)
                .put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip");
        image.putObject("dockerImageMetadata").put("kind", "DockerImage").put("apiVersion", "image.openshift.io/1.0")
                .put("Id", "sha256:" + name.substring("sha256:".length()).replace('0', 'c')).put("Size", 100);
        return image;
    }
}
