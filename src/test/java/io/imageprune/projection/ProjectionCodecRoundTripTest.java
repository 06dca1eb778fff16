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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionCodecRoundTripTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();

    static List<Object> fixtures() {
        return Fixtures.all();
    }

    private static Object decode(String json, String key) {
        return CODEC.decode(key, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Version 1, as earlier releases wrote it (and a topic may still hold it). */
    private static String json(Object o) {
        return new String(CODEC.encodeJson(o), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void roundTrip(Object original) {
        String key = ProjectionKeys.of(original);
        byte[] bytes = CODEC.encode(original);
        assertEquals(ProjectionCodec.VERSION, bytes[0], "written in the current (binary) version");
        Object decoded = CODEC.decode(key, bytes);
        assertEquals(original, decoded);
        assertEquals(original.getClass(), decoded.getClass());
        assertArrayEquals(bytes, CODEC.encode(decoded), "re-encoding is byte-identical");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void oldJsonRecordsStillDecodeToTheSameObject(Object original) {
        String key = ProjectionKeys.of(original);
        byte[] old = CODEC.encodeJson(original);
        String text = new String(old, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"v\":1,\"kind\":\""), text);
        Object decoded = CODEC.decode(key, old);
        assertEquals(original, decoded);
        assertEquals(CODEC.decode(key, CODEC.encode(original)), decoded, "both versions read the same");
        assertArrayEquals(old, CODEC.encodeJson(decoded), "re-encoding in version 1 is byte-identical");
        assertTrue(CODEC.encode(original).length < old.length, "the binary form is the smaller: " + text);
    }

    @Test
    void zeroTimesSurviveAsZero() {
        Image image = (Image) decode(json(new Image(Fixtures.D1, Times.ZERO, false, null, null, false, null, 0, null,
                null)), "Image//" + Fixtures.D1);
        assertSame(Times.ZERO, image.created());
        ImageStream stream = new ImageStream("ns", "s", null, null,
                List.of(new Tag("t", List.of(new TagEvent(Fixtures.D1, null)))));
        assertTrue(json(stream).contains("\"created\":null"), json(stream));
        ImageStream back = (ImageStream) CODEC.decode("ImageStream/ns/s", CODEC.encode(stream));
        assertEquals(Times.ZERO, back.created());
        assertEquals(Times.ZERO, back.tags().get(0).items().get(0).created());
        // an explicit zero timestamp from another writer is ZERO too
        Referrer pod = (Referrer) decode("{\"v\":1,\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"p\","
                + "\"created\":\"0001-01-01T00:00:00Z\"}", "Pod/ns/p");
        assertEquals(Times.ZERO, pod.created());
    }

    @Test
    void timestampsAreNanosecondExact() {
        Instant[] times = {Fixtures.NANOS, Fixtures.ONE_NANO, Fixtures.BEFORE_EPOCH, Fixtures.FAR_FUTURE,
                Instant.ofEpochSecond(-1, 999_999_999), Instant.ofEpochSecond(0, 1), Instant.MIN, Instant.MAX,
                Instant.parse("2000-02-29T23:59:59.100Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("0001-01-01T00:00:00.000000001Z")};
        for (Instant t : times) {
            Referrer r = new Referrer(ReferrerKind.POD, "ns", "p", t, "", List.of(), null);
            Referrer back = (Referrer) CODEC.decode("Pod/ns/p", CODEC.encode(r));
            assertEquals(t, back.created(), t.toString());
        }
        assertTrue(json(new Referrer(ReferrerKind.POD, "ns", "p", Fixtures.NANOS, "", List.of(), null))
                .contains("\"created\":\"2024-05-01T10:00:00.123456789Z\""));
    }

    @Test
    void wireFormatOfAnImage() {
        Image image = new Image(Fixtures.D1, Instant.parse("2024-05-01T10:00:00.5Z"), true, Image.MANIFEST_SCHEMA2,
                List.of(new Layer("sha256:l1", 10), new Layer("sha256:l1", 10)), true, "sha256:cfg", 30,
                List.of(), "r/ns/a@" + Fixtures.D1);
        assertEquals("{\"v\":1,\"kind\":\"Image\",\"name\":\"" + Fixtures.D1 + "\",\"created\":\"2024-05-01T10:00:00.5Z\","
                + "\"managed\":true,\"mediaType\":\"" + Image.MANIFEST_SCHEMA2 + "\",\"layers\":[{\"name\":\"sha256:l1\","
                + "\"size\":10},{\"name\":\"sha256:l1\",\"size\":10}],\"hasMetadata\":true,\"configDigest\":\"sha256:cfg\","
                + "\"size\":30,\"manifestDigests\":[],\"dockerImageReference\":\"r/ns/a@" + Fixtures.D1 + "\"}",
                json(image));
    }

    @Test
    void wireFormatOfOtherKinds() {
        assertEquals("{\"v\":1,\"kind\":\"Build\",\"namespace\":\"ns\",\"name\":\"b\",\"created\":null,\"phase\":\"\","
                        + "\"containers\":[],\"buildSource\":{\"kind\":\"DockerImage\",\"namespace\":\"\",\"name\":\"x\"}}",
                json(new Referrer(ReferrerKind.BUILD, "ns", "b", null, null, null,
                        new BuildSource("DockerImage", null, "x"))));
        assertEquals("{\"v\":1,\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"p\",\"created\":null,\"phase\":\"Running\","
                        + "\"containers\":[{\"name\":\"i\",\"init\":true,\"image\":\"a\"},{\"name\":\"c\",\"init\":false,"
                        + "\"image\":\"b\"}],\"buildSource\":null}",
                json(new Referrer(ReferrerKind.POD, "ns", "p", null, "Running",
                        List.of(new Container("i", true, "a"), new Container("c", false, "b")), null)));
        assertEquals("{\"v\":1,\"kind\":\"ImageStream\",\"namespace\":\"ns\",\"name\":\"s\",\"created\":\"2024-05-01T10:00:00Z\","
                        + "\"dockerImageRepository\":\"r/ns/s\",\"tags\":[{\"name\":\"t\",\"items\":[{\"image\":\"d\","
                        + "\"created\":null}]}]}",
                json(new ImageStream("ns", "s", Fixtures.T1, "r/ns/s", List.of(new Tag("t",
                        List.of(new TagEvent("d", null)))))));
        assertEquals("{\"v\":1,\"kind\":\"LimitRange\",\"namespace\":\"ns\",\"name\":\"l\",\"imageMaxStorage\":[1,2]}",
                json(new LimitRange("ns", "l", List.of(1L, 2L))));
        assertEquals("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":3,\"listedAt\":\"2024-05-01T10:00:00Z\","
                        + "\"objectsPerKind\":{\"Image\":2,\"Pod\":1}}",
                json(new SyncMarker("i", 3, Fixtures.T1, Map.of("Pod", 1, "Image", 2))));
        assertEquals("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":3,\"listedAt\":null,"
                        + "\"objectsPerKind\":{},\"fault\":\"watch lost\"}",
                json(new SyncMarker("i", 3, null, null, "watch lost")));
    }

    @Test
    void aMarkerWithAFaultRoundTripsAndOneWithoutReadsAsBeforeTheFieldExisted() {
        SyncMarker faulty = new SyncMarker("i", 7, Fixtures.T1, Map.of("Pod", 1), "could not publish Pod/ns/p: boom");
        assertEquals(faulty, CODEC.decode("SyncMarker//i", CODEC.encode(faulty)));
        SyncMarker old = (SyncMarker) decode("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":7,"
                + "\"objectsPerKind\":{\"Pod\":1}}", "SyncMarker//i");
        assertNull(old.fault());
        assertEquals(new SyncMarker("i", 7, null, Map.of("Pod", 1)), old);
        assertNull(((SyncMarker) decode("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":7,"
                + "\"fault\":null}", "SyncMarker//i")).fault());
    }

    @Test
    void unicodeIsWrittenAsUtf8() {
        ImageStream s = new ImageStream("名前空間", "流れ", null, "", List.of(new Tag("😀", List.of())));
        byte[] bytes = CODEC.encodeJson(s);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"namespace\":\"名前空間\""), text);
        assertTrue(text.contains("\"name\":\"😀\""), text);
        assertEquals(s, CODEC.decode("ImageStream/名前空間/流れ", bytes));
        assertEquals(s, CODEC.decode("ImageStream/名前空間/流れ", CODEC.encode(s)), "and in the binary version");
    }

    @Test
    void absentAndNullFieldsTakeTheModelDefaults() {
        Image image = (Image) decode("{\"v\":1,\"kind\":\"Image\",\"name\":\"sha256:a\"}", "Image//sha256:a");
        assertEquals(new Image("sha256:a", null, false, null, null, false, null, 0, null, null), image);
        Image nulls = (Image) decode("{\"v\":1,\"kind\":\"Image\",\"name\":\"sha256:a\",\"created\":null,\"managed\":null,"
                + "\"mediaType\":null,\"layers\":null,\"hasMetadata\":null,\"configDigest\":null,\"size\":null,"
                + "\"manifestDigests\":null,\"dockerImageReference\":null}", "Image//sha256:a");
        assertEquals(image, nulls);
        Referrer pod = (Referrer) decode("{\"v\":1,\"kind\":\"Pod\",\"name\":\"p\",\"containers\":[{},"
                + "{\"name\":null,\"init\":null,\"image\":null}]}", "Pod//p");
        assertEquals(new Referrer(ReferrerKind.POD, null, "p", null, null,
                List.of(new Container(null, false, null), new Container(null, false, null)), null), pod);
        Referrer build = (Referrer) decode("{\"v\":1,\"kind\":\"Build\",\"namespace\":\"ns\",\"name\":\"b\","
                + "\"buildSource\":{}}", "Build/ns/b");
        assertEquals(new BuildSource("", "", ""), build.buildSource());
        assertEquals(new ImageStream("ns", "s", null, null, List.of(new Tag("t", null))),
                decode("{\"v\":1,\"kind\":\"ImageStream\",\"namespace\":\"ns\",\"name\":\"s\",\"tags\":[{\"name\":\"t\"}]}",
                        "ImageStream/ns/s"));
        assertEquals(new LimitRange("ns", "l", null),
                decode("{\"v\":1,\"kind\":\"LimitRange\",\"namespace\":\"ns\",\"name\":\"l\"}", "LimitRange/ns/l"));
        assertEquals(new SyncMarker("i", 0, null, null),
                decode("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":0}", "SyncMarker//i"));
    }

    @Test
    void unknownFieldsAreIgnoredAtEveryLevel() {
        String json = "{\"v\":1,\"kind\":\"Image\",\"future\":{\"a\":[1,{\"b\":null}]},\"name\":\"sha256:a\","
                + "\"layers\":[{\"name\":\"sha256:l\",\"size\":1,\"mediaType\":\"x\",\"annotations\":{\"k\":\"v\"}}],"
                + "\"labels\":[\"x\",1,true,null,1.5],\"size\":2}";
        assertEquals(new Image("sha256:a", null, false, null, List.of(new Layer("sha256:l", 1)), false, null, 2,
                null, null), decode(json, "Image//sha256:a"));
        Referrer pod = (Referrer) decode("{\"v\":1,\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"p\","
                + "\"layers\":\"not for pods\",\"size\":{},\"buildSource\":null,\"nodeName\":\"n\"}", "Pod/ns/p");
        assertEquals("p", pod.name());
        Referrer build = (Referrer) decode("{\"v\":1,\"kind\":\"Build\",\"namespace\":\"ns\",\"name\":\"b\","
                + "\"buildSource\":{\"kind\":\"DockerImage\",\"name\":\"x\",\"pullSecret\":{\"name\":\"s\"}}}",
                "Build/ns/b");
        assertEquals(new BuildSource("DockerImage", "", "x"), build.buildSource());
    }

    @Test
    void fieldOrderDoesNotMatter() {
        Object expected = new Referrer(ReferrerKind.POD, "ns", "p", Fixtures.T1, "Running",
                List.of(new Container("c", false, "i")), null);
        assertEquals(expected, decode("{\"name\":\"p\",\"containers\":[{\"image\":\"i\",\"name\":\"c\"}],"
                + "\"phase\":\"Running\",\"created\":\"2024-05-01T10:00:00Z\",\"namespace\":\"ns\",\"kind\":\"Pod\","
                + "\"v\":1}", "Pod/ns/p"));
        assertEquals(expected, decode("{\"kind\":\"Pod\",\"name\":\"p\",\"v\":1,\"namespace\":\"ns\","
                + "\"created\":\"2024-05-01T10:00:00+00:00\",\"phase\":\"Running\","
                + "\"containers\":[{\"image\":\"i\",\"name\":\"c\",\"init\":false}]}", "Pod/ns/p"));
        assertEquals(expected, decode("{\"kind\":\"Pod\",\"v\":1,\"namespace\":\"ns\",\"name\":\"p\","
                + "\"created\":\"2024-05-01T12:00:00+02:00\",\"phase\":\"Running\","
                + "\"containers\":[{\"image\":\"i\",\"name\":\"c\",\"init\":false}]}", "Pod/ns/p"));
    }

    @Test
    void tombstonesDecodeToNull() {
        assertNull(CODEC.decode("Pod/ns/p", null));
        assertNull(CODEC.decode("Image//sha256:a", null));
    }

    @Test
    void manyThreadsShareOneCodec() throws Exception {
        List<Object> all = Fixtures.all();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int round = 0; round < 300; round++) {
                        for (Object o : all) {
                            assertEquals(o, CODEC.decode(ProjectionKeys.of(o), CODEC.encode(o)));
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(300 * all.size(), f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
