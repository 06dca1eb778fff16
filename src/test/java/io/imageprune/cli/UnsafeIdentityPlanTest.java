package io.imageprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code plan} on a snapshot whose Image names a layer like a kept image's layer plus a query: refused by default
 * (exit 1, the message names the object, the field and the value), planned around with {@code --ignore-invalid-refs}
 * (the kept image's layer is in no deletion list).
 */
class UnsafeIdentityPlanTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String NOW = "--now=2025-01-15T12:00:00Z";
    private static final String KEPT = digest('a');
    private static final String OLD = digest('b');
    private static final String EVIL = digest('c');
    private static final String BASE = digest('1');
    private static final String EVIL_LAYER = BASE + "?evil";
    private static final String EVIL_CONFIG = digest('2') + "#x";

    @TempDir
    Path tmp;

    @Test
    void aHostileLayerRefusesThePlan() throws Exception {
        PlanCommandTest.Run run = PlanCommandTest.plan("--snapshot", snapshot().toString(), NOW, "-o", "json");

        assertEquals(1, run.exit(), run.err());
        String layerProblem = "images/" + EVIL + ": dockerImageLayers[0].name: invalid digest \"" + EVIL_LAYER + "\"";
        String configProblem = "images/" + EVIL + ": dockerImageMetadata.Id: invalid digest \"" + EVIL_CONFIG + "\"";
        assertTrue(run.err().contains(layerProblem), run.err());
        assertTrue(run.err().contains(configProblem), run.err());
        String[] lines = run.err().strip().split("\n");
        assertEquals("failed to build graph - no changes made", lines[lines.length - 1].strip());
        JsonNode plan = run.json();
        assertEquals(2, plan.get("errors").size(), plan.toString());
        assertTrue(plan.get("errors").get(0).asText().startsWith(layerProblem), plan.toString());
        assertTrue(plan.get("imageDeletions").isEmpty());
        assertTrue(plan.get("layerLinkDeletions").isEmpty());
        assertTrue(plan.get("blobDeletions").isEmpty());
    }

    @Test
    void ignoringInvalidRefsKeepsTheHostileImageAndTheKeptImagesLayer() throws Exception {
        PlanCommandTest.Run run = PlanCommandTest.plan("--snapshot", snapshot().toString(), NOW, "-o", "json",
                "--keep-tag-revisions=1", "--ignore-invalid-refs");

        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("warning: ignoring invalid reference: images/" + EVIL
                + ": dockerImageLayers[0].name: invalid digest \"" + EVIL_LAYER + "\""), run.err());
        JsonNode plan = run.json();
        assertEquals(List.of(OLD), texts(plan.get("imageDeletions")), "the safe old image still goes");
        List<String> planned = new ArrayList<>(texts(plan.get("blobDeletions")));
        plan.get("layerLinkDeletions").forEach(l -> planned.add(l.get("blob").asText()));
        plan.get("manifestDeletions").forEach(l -> planned.add(l.get("manifest").asText()));
        assertTrue(planned.contains(OLD), "the old image's manifest goes: " + planned);
        assertFalse(planned.contains(BASE), "the kept image's layer stays: " + planned);
        assertTrue(planned.stream().noneMatch(d -> d.startsWith(BASE) || d.contains("?") || d.contains("#")
                || d.equals(EVIL)), "nothing of the hostile image is planned: " + planned);
        assertEquals(List.of(OLD), removedImages(plan), "the hostile image's revision stays");
    }

    private static List<String> removedImages(JsonNode plan) {
        List<String> images = new ArrayList<>();
        plan.get("streamUpdates").get(0).get("removedItems").forEach(i -> images.add(i.get("image").asText()));
        return images;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.isTextual() ? n.asText() : n.toString()));
        return texts;
    }

    /** ns/app: KEPT (newest), OLD and EVIL (old); EVIL's layer and config are named like real digests plus more. */
    private Path snapshot() throws Exception {
        ObjectNode list = MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        ArrayNode items = list.putArray("items");
        items.add(image(KEPT, List.of(BASE, digest('3')), digest('4')));
        items.add(image(OLD, List.of(BASE, digest('5')), digest('6')));
        items.add(image(EVIL, List.of(EVIL_LAYER), EVIL_CONFIG));
        ObjectNode stream = items.addObject().put("apiVersion", "image.openshift.io/v1").put("kind", "ImageStream");
        stream.putObject("metadata").put("namespace", "ns").put("name", "app")
                .put("creationTimestamp", "2025-01-01T00:00:00Z");
        ArrayNode revisions = stream.putObject("status").putArray("tags").addObject().put("tag", "latest")
                .putArray("items");
        String[] created = {"2025-01-10T00:00:00Z", "2025-01-09T00:00:00Z", "2025-01-08T00:00:00Z"};
        String[] images = {KEPT, OLD, EVIL};
        for (int i = 0; i < images.length; i++) {
            revisions.addObject().put("created", created[i]).put("image", images[i])
                    .put("dockerImageReference", "registry.example/ns/app@" + images[i]);
        }
        Path file = tmp.resolve("hostile.json");
        Files.writeString(file, list.toString());
        return file;
    }

    private static ObjectNode image(String name, List<String> layers, String config) {
        ObjectNode image = MAPPER.createObjectNode().put("apiVersion", "image.openshift.io/v1").put("kind", "Image");
        image.putObject("metadata").put("name", name).put("creationTimestamp", "2025-01-01T00:00:00Z");
        image.put("dockerImageReference", "registry.example/ns/app@" + name);
        image.put("dockerImageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
        ArrayNode array = image.putArray("dockerImageLayers");
        layers.forEach(l -> array.addObject().put("name", l).put("size", 100)
                .put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"));
        image.putObject("dockerImageMetadata").put("kind", "DockerImage").put("apiVersion", "image.openshift.io/1.0")
                .put("Id", config).put("Size", 100 * layers.size());
        return image;
    }

    private static String digest(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }
}
