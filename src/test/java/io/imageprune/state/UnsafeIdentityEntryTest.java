package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.ingest.ApiObjects;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.reference.Identities;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.ImageBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where objects enter the service: an unsafe identity survives the ingest's conversion and the state topic's
 * projection unchanged (never dropped, never "repaired" into the digest it imitates), and the graph fed from the
 * topic refuses to plan on it, naming the object, the field and the value.
 */
class UnsafeIdentityEntryTest {
    private static final String NAME = "sha256:" + "c".repeat(64);
    private static final String BASE = "sha256:" + "1".repeat(64);
    private static final String EVIL = BASE + "?evil";
    private static final ProjectionCodec CODEC = new ProjectionCodec();

    @Test
    void theIngestsConversionKeepsTheHostileLayerAsItIs() {
        io.fabric8.openshift.api.model.Image api = new ImageBuilder().withNewMetadata().withName(NAME).endMetadata()
                .withDockerImageManifestMediaType(Image.MANIFEST_SCHEMA2)
                .addNewDockerImageLayer().withName(EVIL).withSize(10L).withMediaType("x").endDockerImageLayer()
                .addNewDockerImageLayer().withName(BASE + "#x").withSize(10L).withMediaType("x").endDockerImageLayer()
                .build();
        Image model = (Image) new ApiObjects(new KubernetesSerialization()).toModel(api);
        assertEquals(List.of(EVIL, BASE + "#x"), model.layers().stream().map(Layer::name).toList());
        assertEquals(2, Identities.problems(model).size(), Identities.problems(model).toString());
    }

    @Test
    void aProjectionCarriesItUnchangedAndTheGraphRefusesOnIt() {
        Image hostile = new Image(NAME, Instant.EPOCH, true, Image.MANIFEST_SCHEMA2,
                List.of(new Layer(EVIL, 10), new Layer("sha256:x/../../v2/ns/app/manifests/" + NAME, 1)), true,
                BASE + "#x", 20, List.of(), "");
        ImageStream badNamespace = new ImageStream("Bad%NS", "app", Instant.EPOCH, "", List.of());
        ReferenceGraph graph = new ReferenceGraph();
        RecordApplier applier = new RecordApplier(CODEC);
        for (Object object : List.of(hostile, badNamespace)) {
            String key = ProjectionKeys.of(object);
            byte[] value = CODEC.encode(object);
            assertEquals(object, CODEC.decode(key, value), "decoded exactly as encoded");
            assertEquals(RecordApplier.Outcome.PUT, applier.apply(graph, key, value, marker -> { }));
        }

        assertEquals(hostile, graph.image(NAME), "kept in the graph, not dropped");
        Planner planner = Planner.of(graph, PruneOptions.library(Instant.EPOCH.plus(Duration.ofDays(9)),
                Duration.ZERO, 0, false, true, true, "", false, true));
        assertTrue(planner.refuses());
        List<String> errors = planner.invalidReferences();
        assertEquals(4, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("images/" + NAME + ": dockerImageLayers[0].name: invalid digest \""
                + EVIL + "\""), errors.get(0));
        assertTrue(errors.get(3).startsWith("imagestreams/app namespace=Bad%NS: metadata.namespace: "), errors.get(3));

        applier.apply(graph, ProjectionKeys.of(hostile), null, marker -> { });
        applier.apply(graph, ProjectionKeys.of(badNamespace), null, marker -> { });
        assertEquals(0, graph.unsafeIdentityCount(), "a tombstone takes its problems away");
        assertTrue(!Planner.of(graph, planner.options()).refuses());
    }
}
