package io.imageprune.projection;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Model objects with edge values, shared by the projection tests. */
final class Fixtures {
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);
    static final String D3 = "sha256:" + "3".repeat(64);
    static final Instant T1 = Instant.parse("2024-05-01T10:00:00Z");
    static final Instant NANOS = Instant.parse("2024-05-01T10:00:00.123456789Z");
    static final Instant ONE_NANO = Instant.parse("1999-12-31T23:59:59.000000001Z");
    static final Instant BEFORE_EPOCH = Instant.parse("1969-07-20T20:17:40.5Z");
    static final Instant FAR_FUTURE = Instant.parse("+20000-02-29T12:00:00.25Z");

    private Fixtures() {
    }

    static Image image() {
        return new Image(D1, T1, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(D2, 1234), new Layer(D3, 0)),
                true, D3, 5678, List.of(), "registry.example:5000/ns/app@" + D1);
    }

    static List<Object> all() {
        List<Object> all = new ArrayList<>();
        // images
        all.add(image());
        all.add(new Image(D1, null, false, null, null, false, null, 0, null, null)); // all defaults
        all.add(new Image(D2, Times.ZERO, false, "", List.of(), false, "", 0, List.of(), ""));
        all.add(new Image(D2, NANOS, true, Image.MANIFEST_OCI,
                List.of(new Layer(D3, Long.MAX_VALUE), new Layer(D3, Long.MAX_VALUE), new Layer(D1, -1)), true, D1,
                Long.MAX_VALUE, List.of(), "quay.io/ñame/ünïcode-✓@" + D2)); // duplicated layers, huge sizes
        all.add(new Image(D3, ONE_NANO, true, Image.OCI_INDEX, List.of(), false, "", 0, List.of(D1, D2, D1),
                "r/ns/index@" + D3)); // index with duplicated children
        all.add(new Image(D3, BEFORE_EPOCH, false, Image.MANIFEST_LIST, null, false, null, 9_000_000_000_000L,
                List.of(D1), null));
        all.add(new Image("sha256:😀漢字", FAR_FUTURE, false, "x\"y\\z\n\t\u0000", List.of(new Layer("", 0)), true,
                "", 1, List.of(""), "\u2028"));
        all.add(new Image(D1, Instant.MIN, false, "", List.of(), false, "", Long.MIN_VALUE, List.of(), ""));
        all.add(new Image(D1, Instant.MAX, false, "", List.of(), false, "", 0, List.of(), ""));
        all.add(new Image(D1, Instant.EPOCH, false, "", List.of(), false, "", 0, List.of(), ""));
        // streams
        all.add(new ImageStream("ns", "app", T1, "registry.example:5000/ns/app", List.of(
                new Tag("latest", List.of(new TagEvent(D1, NANOS), new TagEvent(D2, Times.ZERO),
                        new TagEvent(D1, T1))),
                new Tag("empty", List.of()),
                new Tag("v1.0-ünï", null))));
        all.add(new ImageStream("ns", "bare", null, null, null));
        all.add(new ImageStream("名前空間", "流れ", ONE_NANO, "", List.of(new Tag("", List.of(new TagEvent("", null))))));
        // referrers
        all.add(new Referrer(ReferrerKind.POD, "ns", "p", T1, "Running", List.of(
                new Container("init-a", true, "quay.io/a:1"), new Container("init-b", true, "b@" + D1),
                new Container("main", false, "ns/app:latest"), new Container("side", false, "")), null));
        all.add(new Referrer(ReferrerKind.POD, "ns", "empty", null, null, null, null));
        all.add(new Referrer(ReferrerKind.BUILD, "ns", "b-1", NANOS, null, null,
                new BuildSource("ImageStreamTag", "other", "app:latest")));
        all.add(new Referrer(ReferrerKind.BUILD_CONFIG, "ns", "bc", T1, "", List.of(),
                new BuildSource("DockerImage", null, "quay.io/x/y@" + D2)));
        all.add(new Referrer(ReferrerKind.BUILD, "ns", "no-source", T1, "", List.of(), null));
        all.add(new Referrer(ReferrerKind.BUILD, "ns", "empty-source", T1, "", List.of(),
                new BuildSource(null, null, null)));
        all.add(new Referrer(ReferrerKind.JOB, "", "cluster-ish", BEFORE_EPOCH, "", List.of(), null));
        for (ReferrerKind k : ReferrerKind.values()) {
            all.add(new Referrer(k, "ns-" + k.resource(), "obj-ünï", T1, k == ReferrerKind.POD ? "Pending" : "",
                    List.of(new Container("c", false, "img:" + k.resource())), null));
        }
        // limit ranges
        all.add(new LimitRange("ns", "limits", List.of(1024L, 0L, Long.MAX_VALUE, 1024L)));
        all.add(new LimitRange("ns", "none", null));
        all.add(new LimitRange("ns", "one", List.of(-5L)));
        // sync markers
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Pod", 1000);
        counts.put("Image", 200_000);
        counts.put("LimitRange", 0);
        counts.put("ünï", Integer.MAX_VALUE);
        all.add(new SyncMarker("ingest-0", 42, NANOS, counts));
        all.add(new SyncMarker("ingest-1", Long.MIN_VALUE, null, null));
        all.add(new SyncMarker("i:x", 0, Times.ZERO, Map.of()));
        return all;
    }
}
