package io.imageprune.snapshot;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotLoaderTest {
    static final String D1 = digest("1");
    static final String D2 = digest("2");
    static final String D3 = digest("3");
    static final String D4 = digest("4");
    static final String D5 = digest("5");
    static final String L1 = digest("a1");
    static final String L2 = digest("a2");
    static final String L3 = digest("a3");

    private final SnapshotLoader loader = new SnapshotLoader();

    static String digest(String unit) {
        return "sha256:" + unit.repeat(64).substring(0, 64);
    }

    static byte[] resource(String name) {
        try (InputStream in = SnapshotLoaderTest.class.getResourceAsStream("/snapshot/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"all-kinds.json", "all-kinds.yaml"})
    void loadsEveryKindAndField(String resource, @TempDir Path dir) throws IOException {
        Path file = dir.resolve(resource);
        Files.write(file, resource(resource));
        checkAllKinds(loader.load(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"all-kinds.json", "all-kinds.yaml"})
    void loadsGzippedFiles(String resource, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("snapshot.bin");
        Files.write(file, gzip(resource(resource)));
        checkAllKinds(loader.load(file));
    }

    @Test
    void loadsFromStreamsWithoutClosingThem() {
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(resource("all-kinds.json")) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        checkAllKinds(loader.load(in));
        assertFalse(closed[0]);
    }

    @Test
    void sinkGetsObjectsInDocumentOrderAndStatsCountThem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("list.json");
        Files.write(file, resource("all-kinds.json"));
        List<String> seen = new ArrayList<>();
        LoadStats stats = loader.load(file, new SnapshotSink() {
            @Override
            public void image(Image image) {
                seen.add("Image/" + image.name().substring(7, 9));
            }

            @Override
            public void imageStream(ImageStream stream) {
                seen.add("ImageStream/" + stream.repo());
            }

            @Override
            public void referrer(Referrer referrer) {
                seen.add(referrer.key());
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                seen.add("LimitRange/" + limitRange.name());
            }
        });
        assertEquals(List.of("Image/11", "Image/22", "Image/33", "ImageStream/ns1/app", "Pod/ns1/web-1",
                "ReplicationController/ns1/rc1", "ReplicaSet/ns1/rs1", "Deployment/ns1/d1", "DaemonSet/ns2/ds1",
                "StatefulSet/ns2/sts1", "Job/ns2/job1", "CronJob/ns2/cj1", "DeploymentConfig/ns2/dc1",
                "Build/ns3/b-source", "BuildConfig/ns3/bc-docker-nofrom", "Build/ns3/b-custom",
                "BuildConfig/ns3/bc-pipeline", "LimitRange/limits"), seen);
        assertEquals(22, stats.items());
        assertEquals(Map.ofEntries(Map.entry("Image", 3), Map.entry("ImageStream", 1), Map.entry("Pod", 1),
                Map.entry("ReplicationController", 1), Map.entry("ReplicaSet", 1), Map.entry("Deployment", 1),
                Map.entry("DaemonSet", 1), Map.entry("StatefulSet", 1), Map.entry("Job", 1),
                Map.entry("CronJob", 1), Map.entry("DeploymentConfig", 1), Map.entry("Build", 2),
                Map.entry("BuildConfig", 2), Map.entry("LimitRange", 1)), stats.loaded());
        assertEquals(Map.of("Service", 1, "ConfigMap", 2, "Image (config.openshift.io/v1)", 1), stats.skipped());
        assertEquals(18, stats.loadedTotal());
        assertEquals(4, stats.skippedTotal());
        assertEquals(3, stats.loaded("Image"));
        assertEquals(0, stats.loaded("Secret"));
    }

    static void checkAllKinds(ClusterSnapshot s) {
        assertEquals(3, s.images().size());
        assertEquals(1, s.streams().size());
        assertEquals(13, s.referrers().size());
        assertEquals(1, s.limitRanges().size());
        assertEquals(Map.of("Service", 1, "ConfigMap", 2, "Image (config.openshift.io/v1)", 1), s.skippedKinds());
        assertEquals(2, s.loadedKinds().get("Build"));
        assertEquals(3, s.loadedKinds().get("Image"));

        Image i1 = s.images().get(0);
        assertEquals(D1, i1.name());
        assertEquals(Instant.parse("2024-11-30T03:54:16Z"), i1.created());
        assertTrue(i1.managed());
        assertEquals(Image.MANIFEST_SCHEMA2, i1.mediaType());
        assertEquals(List.of(new Layer(L1, 100), new Layer(L2, 200), new Layer(L1, 100)), i1.layers());
        assertSame(i1.layers().get(0), i1.layers().get(2), "layers are interned");
        assertTrue(i1.hasMetadata());
        assertEquals(digest("c1"), i1.configDigest());
        assertEquals(251929362L, i1.size());
        assertEquals(List.of(), i1.manifestDigests());
        assertEquals("registry.example:5000/ns1/app@" + D1, i1.dockerImageReference());
        assertEquals(List.of(L1, L2, L1, digest("c1")), i1.blobs());

        // reordered fields: layers and metadata before kind/apiVersion, dockerImageMetadata after layers
        Image i2 = s.images().get(1);
        assertEquals(D2, i2.name());
        assertEquals(Times.ZERO, i2.created());
        assertFalse(i2.managed(), "annotation must be exactly \"true\"");
        assertEquals(Image.MANIFEST_OCI, i2.mediaType());
        assertEquals(List.of(new Layer(L3, 300), new Layer(L2, 200)), i2.layers());
        assertSame(i1.layers().get(1).name(), i2.layers().get(1).name(), "digests are interned");
        assertTrue(i2.hasMetadata());
        assertEquals(digest("c2"), i2.configDigest());
        assertEquals(1234, i2.size());
        assertEquals("quay.io/org/app@" + D2, i2.dockerImageReference());

        Image i3 = s.images().get(2);
        assertEquals(D3, i3.name());
        assertEquals(Times.ZERO, i3.created());
        assertFalse(i3.managed());
        assertTrue(i3.isIndex());
        assertEquals(List.of(), i3.layers());
        assertFalse(i3.hasMetadata());
        assertEquals("", i3.configDigest());
        assertEquals(0, i3.size());
        assertEquals(List.of(D1, D2), i3.manifestDigests());
        assertSame(i1.name(), i3.manifestDigests().get(0), "manifest digests are interned with image names");
        assertEquals("", i3.dockerImageReference());

        ImageStream st = s.streams().get(0);
        assertEquals("ns1", st.namespace());
        assertEquals("app", st.name());
        assertEquals(Instant.parse("2024-10-18T15:05:36.250Z"), st.created());
        assertEquals("registry.example:5000/ns1/app", st.dockerImageRepository());
        assertEquals(List.of(
                new Tag("latest", List.of(new TagEvent(D1, Instant.parse("2024-12-01T00:00:00Z")),
                        new TagEvent(D2, Times.ZERO))),
                new Tag("empty", List.of()),
                new Tag("v2", List.of(new TagEvent(D4, Instant.parse("2025-01-01T10:00:00.123456789Z"))))),
                st.tags());
        assertSame(i1.name(), st.tags().get(0).items().get(0).image(), "tag item images are interned");

        Referrer pod = s.referrers().get(0);
        assertEquals(ReferrerKind.POD, pod.kind());
        assertEquals("ns1", pod.namespace());
        assertEquals("web-1", pod.name());
        assertEquals(Instant.parse("2025-01-02T03:04:05Z"), pod.created());
        assertEquals("Running", pod.phase());
        assertEquals(List.of(new Container("init", true, "registry.example:5000/ns1/app:latest"),
                new Container("app", false, "registry.example:5000/ns1/app@" + D1),
                new Container("side", false, "busybox")), pod.containers(),
                "init containers first, ephemeral containers ignored");
        assertNull(pod.buildSource());

        checkWorkload(s.referrers().get(1), ReferrerKind.REPLICATION_CONTROLLER, "ns1", "rc1",
                new Container("c", false, "img/rc"));
        assertEquals("", s.referrers().get(1).phase(), "only pods have a phase");
        assertEquals(Times.ZERO, s.referrers().get(1).created());
        checkWorkload(s.referrers().get(2), ReferrerKind.REPLICA_SET, "ns1", "rs1",
                new Container("c", false, "img/rs"));
        checkWorkload(s.referrers().get(3), ReferrerKind.DEPLOYMENT, "ns1", "d1",
                new Container("i", true, "img/d-init"), new Container("c", false, "img/d"));
        checkWorkload(s.referrers().get(4), ReferrerKind.DAEMON_SET, "ns2", "ds1",
                new Container("c", false, "img/ds"));
        checkWorkload(s.referrers().get(5), ReferrerKind.STATEFUL_SET, "ns2", "sts1",
                new Container("c", false, "img/sts"));
        checkWorkload(s.referrers().get(6), ReferrerKind.JOB, "ns2", "job1",
                new Container("c", false, "img/job"));
        checkWorkload(s.referrers().get(7), ReferrerKind.CRON_JOB, "ns2", "cj1",
                new Container("c", false, "img/cj"));
        checkWorkload(s.referrers().get(8), ReferrerKind.DEPLOYMENT_CONFIG, "ns2", "dc1",
                new Container("", false, "img/dc"));

        checkBuild(s.referrers().get(9), ReferrerKind.BUILD, "b-source",
                new BuildSource("ImageStreamTag", "openshift", "python:3.9"));
        checkBuild(s.referrers().get(10), ReferrerKind.BUILD_CONFIG, "bc-docker-nofrom", null);
        checkBuild(s.referrers().get(11), ReferrerKind.BUILD, "b-custom",
                new BuildSource("ImageStreamImage", "", "builder@" + D5));
        checkBuild(s.referrers().get(12), ReferrerKind.BUILD_CONFIG, "bc-pipeline", null);

        LimitRange lr = s.limitRanges().get(0);
        assertEquals("ns1", lr.namespace());
        assertEquals("limits", lr.name());
        assertEquals(List.of(157286400L, 1000L), lr.imageMaxStorage());
    }

    static void checkWorkload(Referrer r, ReferrerKind kind, String ns, String name, Container... containers) {
        assertEquals(kind, r.kind());
        assertEquals(ns, r.namespace());
        assertEquals(name, r.name());
        assertEquals(List.of(containers), r.containers());
        assertNull(r.buildSource());
    }

    static void checkBuild(Referrer r, ReferrerKind kind, String name, BuildSource source) {
        assertEquals(kind, r.kind());
        assertEquals("ns3", r.namespace());
        assertEquals(name, r.name());
        assertEquals(List.of(), r.containers());
        assertEquals(source, r.buildSource());
        assertEquals("", r.phase());
    }

    // ------------------------------------------------------------------ document shapes

    static ClusterSnapshot loadString(String text) {
        return new SnapshotLoader().load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void itemsMayComeBeforeKind() {
        ClusterSnapshot s = loadString("""
                {"items":[{"apiVersion":"image.openshift.io/v1","kind":"Image","metadata":{"name":"sha256:x"}}],
                 "metadata":{},"kind":"ImageList","apiVersion":"image.openshift.io/v1"}""");
        assertEquals(1, s.images().size());
        assertEquals("sha256:x", s.images().get(0).name());
        assertFalse(s.images().get(0).hasMetadata());
        assertEquals(Times.ZERO, s.images().get(0).created());
    }

    @Test
    void emptyAndNullItems() {
        assertEquals(0, loadString("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}").images().size());
        assertEquals(0, loadString("{\"kind\":\"List\",\"items\":null}").images().size());
        assertEquals(0, loadString("  \n{\"kind\":\"PodList\",\"items\":[]}\n\n").referrers().size());
    }

    @Test
    void bomBeforeJson() {
        byte[] body = "{\"kind\":\"List\",\"items\":[{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\"}}]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertEquals(1, new SnapshotLoader().load(new ByteArrayInputStream(withBom)).referrers().size());
    }

    @Test
    void kindBeforeApiVersionAndMissingApiVersion() {
        ClusterSnapshot s = loadString("""
                {"kind":"List","items":[
                  {"kind":"Pod","metadata":{"name":"a","namespace":"n"},"apiVersion":"v1",
                   "spec":{"containers":[{"image":"x/y/z"}]}},
                  {"kind":"Pod","metadata":{"name":"b"},"spec":{"containers":[{"image":"q"}]},"status":{"phase":"Failed"}},
                  {"metadata":{"name":"c"},"spec":{"containers":[{"image":"r"}]},"kind":"Pod"},
                  {"kind":"Secret","data":{"x":"y"},"apiVersion":"v1"},
                  {"apiVersion":"apps/v1","kind":"Pod","metadata":{"name":"wrong-group"}}
                ]}""");
        assertEquals(3, s.referrers().size());
        assertEquals(List.of(new Container("", false, "x/y/z")), s.referrers().get(0).containers());
        assertEquals("n", s.referrers().get(0).namespace());
        assertEquals("", s.referrers().get(1).namespace());
        assertEquals("Failed", s.referrers().get(1).phase());
        assertEquals("r", s.referrers().get(2).containers().get(0).image());
        assertEquals(Map.of("Secret", 1, "Pod (apps/v1)", 1), s.skippedKinds());
    }

    @Test
    void yamlPlainScalarsAreTakenAsWritten() {
        ClusterSnapshot s = loadString("""
                kind: List
                apiVersion: v1
                items:
                - kind: Image
                  apiVersion: image.openshift.io/v1
                  metadata:
                    name: sha256:abc
                    creationTimestamp: 2024-12-31T22:00:00Z
                    annotations:
                      openshift.io/image.managed: true
                  dockerImageMetadata: {Id: "", Size: 42}
                - kind: ImageStream
                  apiVersion: image.openshift.io/v1
                  metadata: {name: s, namespace: n, creationTimestamp: ~}
                  status:
                    tags:
                    - tag: 8.0
                      items:
                      - image: sha256:abc
                        created: null
                - kind: LimitRange
                  apiVersion: v1
                  metadata: {name: l, namespace: n}
                  spec:
                    limits:
                    - type: openshift.io/Image
                      max: {storage: 1e3}
                    - type: openshift.io/Image
                      max: {storage: 2048}
                """);
        Image image = s.images().get(0);
        assertTrue(image.managed());
        assertEquals(Instant.parse("2024-12-31T22:00:00Z"), image.created());
        assertEquals(42, image.size());
        assertEquals("8.0", s.streams().get(0).tags().get(0).name());
        assertEquals(Times.ZERO, s.streams().get(0).created());
        assertEquals(List.of(1000L, 2048L), s.limitRanges().get(0).imageMaxStorage());
    }

    @Test
    void strategyPrecedenceDoesNotUseType() {
        ClusterSnapshot s = loadString("""
                {"kind":"List","items":[
                  {"apiVersion":"build.openshift.io/v1","kind":"Build","metadata":{"name":"a","namespace":"n"},
                   "spec":{"strategy":{"type":"Custom","customStrategy":{"from":{"kind":"DockerImage","name":"c"}},
                     "dockerStrategy":{"from":{"kind":"DockerImage","name":"d"}}}}},
                  {"apiVersion":"build.openshift.io/v1","kind":"Build","metadata":{"name":"b","namespace":"n"},
                   "spec":{"strategy":{"sourceStrategy":{"env":[]},
                     "dockerStrategy":{"from":{"kind":"DockerImage","name":"d"}}}}},
                  {"apiVersion":"build.openshift.io/v1","kind":"Build","metadata":{"name":"c","namespace":"n"},
                   "spec":{"strategy":{"sourceStrategy":null,"dockerStrategy":null,
                     "customStrategy":{"from":{"kind":"ImageStreamTag","name":"x:y"}}}}},
                  {"apiVersion":"build.openshift.io/v1","kind":"BuildConfig","metadata":{"name":"d","namespace":"n"},
                   "spec":{"strategy":{"dockerStrategy":{"from":null}}}},
                  {"apiVersion":"build.openshift.io/v1","kind":"BuildConfig","metadata":{"name":"e","namespace":"n"},
                   "spec":{}},
                  {"apiVersion":"build.openshift.io/v1","kind":"BuildConfig","metadata":{"name":"f","namespace":"n"},
                   "spec":{"strategy":{"customStrategy":{"from":{"kind":"DockerImage"}}}}}
                ]}""");
        assertEquals(new BuildSource("DockerImage", "", "d"), s.referrers().get(0).buildSource());
        assertNull(s.referrers().get(1).buildSource(), "source strategy present without from wins");
        assertEquals(new BuildSource("ImageStreamTag", "", "x:y"), s.referrers().get(2).buildSource());
        assertNull(s.referrers().get(3).buildSource());
        assertNull(s.referrers().get(4).buildSource());
        assertEquals(new BuildSource("DockerImage", "", ""), s.referrers().get(5).buildSource());
    }

    @Test
    void nullsAreAbsent() {
        ClusterSnapshot s = loadString("""
                {"kind":"List","items":[
                  {"apiVersion":"image.openshift.io/v1","kind":"Image",
                   "metadata":{"name":"sha256:n","creationTimestamp":null,"annotations":{"openshift.io/image.managed":null}},
                   "dockerImageLayers":null,"dockerImageManifests":null,"dockerImageManifestMediaType":null,
                   "dockerImageReference":null,"dockerImageMetadata":{"Id":null,"Size":null}},
                  {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":null},
                   "spec":{"containers":null,"initContainers":[{"name":null,"image":null}]},"status":null},
                  {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":null}},
                  {"apiVersion":"image.openshift.io/v1","kind":"ImageStream","metadata":{"name":"s"},"status":null},
                  {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"l"},
                   "spec":{"limits":[{"type":"openshift.io/Image","max":null},
                                     {"type":"openshift.io/Image","max":{"storage":null}},{"type":null}]}}
                ]}""");
        Image image = s.images().get(0);
        assertFalse(image.managed());
        assertTrue(image.hasMetadata());
        assertEquals("", image.configDigest());
        assertEquals(0, image.size());
        assertEquals(List.of(), image.layers());
        assertEquals(List.of(new Container("", true, "")), s.referrers().get(0).containers());
        assertEquals("", s.referrers().get(0).phase());
        assertEquals(List.of(), s.referrers().get(1).containers());
        assertEquals(List.of(), s.streams().get(0).tags());
        assertEquals("", s.streams().get(0).namespace());
        assertEquals(List.of(), s.limitRanges().get(0).imageMaxStorage());
    }

    @Test
    void sinkExceptionsPropagateUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> new SnapshotLoader().load(new ByteArrayInputStream(resource("all-kinds.json")),
                        new SnapshotSink() {
                            @Override
                            public void imageStream(ImageStream stream) {
                                throw boom;
                            }
                        }));
        assertSame(boom, thrown);
    }
}
