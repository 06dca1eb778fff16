package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.SpecTag;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The holder and protection gauges read the graph at each scrape, one series per source and kind. */
class HolderMetricsTest {
    private static final Instant T = Instant.parse("2024-06-01T12:00:00Z");
    private static final String IMAGE = "sha256:" + "a".repeat(64);
    private static final String HOST = "registry.example:5000";

    private final ReferenceGraph graph = new ReferenceGraph();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    HolderMetricsTest() {
        HolderMetrics.register(registry, counter -> counter.applyAsInt(graph), List.of("Rollout", "TaskRun"));
    }

    @Test
    void everySeriesIsThereAtZeroBeforeAnyObject() {
        assertEquals(0, holders("custom-resource", "Rollout"));
        assertEquals(0, holders("custom-resource", "TaskRun"));
        assertEquals(0, holders("ephemeral-containers", "Pod"));
        assertEquals(0, holders("spec-tags", "ImageStream"));
        for (String kind : List.of("Image", "ImageStream", "Namespace")) {
            assertEquals(0, protectedObjects(kind), kind);
        }
        assertEquals(7, registry.getMeters().size());
    }

    @Test
    void eachHolderAndProtectedObjectIsCountedWhereItBelongs() {
        for (String name : List.of("web", "api")) {
            graph.put(new CustomReferrer("Rollout", "argoproj.io", "shop", name, false, null,
                    List.of(new CustomReferrer.Reference("spec.template.spec.containers[0].image",
                            HOST + "/shop/web:latest"))));
        }
        graph.put(new Referrer(ReferrerKind.POD, "shop", "p1", T, "Running",
                List.of(new Container("c", false, HOST + "/shop/web:latest")), null,
                List.of(new Container("debug", false, HOST + "/shop/tools:latest"))));
        graph.put(new Referrer(ReferrerKind.POD, "shop", "p2", T, "Running",
                List.of(new Container("c", false, HOST + "/shop/web:latest")), null));
        graph.putImage(new Image(IMAGE, T, true, Image.MANIFEST_SCHEMA2, List.of(new Layer("sha256:" + "b".repeat(64),
                1)), true, "", 1, List.of(), "", new AdminAnnotations("true", "", "")));
        graph.putStream(new ImageStream("shop", "web", T, HOST + "/shop/web",
                List.of(new Tag("latest", List.of(new TagEvent(IMAGE, T)))),
                List.of(new SpecTag("prod", new BuildSource("ImageStreamTag", "shop", "web:latest"))),
                new AdminAnnotations("maybe", "", "")));
        graph.put(new Namespace("shop", new AdminAnnotations("true", "", "")));
        graph.put(new Namespace("dev", new AdminAnnotations("", "5", "")));

        assertEquals(2, holders("custom-resource", "Rollout"));
        assertEquals(0, holders("custom-resource", "TaskRun"));
        assertEquals(1, holders("ephemeral-containers", "Pod"), "only the pod with an ephemeral container");
        assertEquals(1, holders("spec-tags", "ImageStream"));
        assertEquals(1, protectedObjects("Image"));
        assertEquals(0, protectedObjects("ImageStream"), "only exactly \"true\" protects");
        assertEquals(1, protectedObjects("Namespace"));
    }

    private double holders(String source, String kind) {
        Gauge gauge = registry.find(HolderMetrics.HOLDERS).tag("source", source).tag("kind", kind).gauge();
        return gauge.value();
    }

    private double protectedObjects(String kind) {
        return registry.find(HolderMetrics.PROTECTED).tag("kind", kind).gauge().value();
    }
}
