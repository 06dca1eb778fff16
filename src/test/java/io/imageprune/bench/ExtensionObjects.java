package io.imageprune.bench;

import io.imageprune.bench.ClusterModel.Item;
import io.imageprune.bench.ClusterModel.Stream;
import io.imageprune.bench.ClusterModel.StreamKind;
import io.imageprune.bench.ClusterModel.Tag;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.imageprune.bench.Json.q;

/**
 * What {@code GenerateCluster --extensions} adds to a cluster for issue 12's extensions, with its own random stream so
 * that the base objects stay byte for byte the same: cosign signature tags (of kept images, of images the run deletes
 * and of absent ones) with their signature images; custom resources of the built-in kinds naming old revisions (Knative
 * Service, Argo Rollout, Tekton TaskRun running and finished, KubeVirt VirtualMachine); pods with an ephemeral
 * container; alias streams whose spec tag names an old revision; Namespaces with the imageprune.io annotations.
 */
final class ExtensionObjects {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final long DAY = 86_400;
    /** The holders {@link #objects} writes, in turn. */
    private static final int HOLDER_KINDS = 10;

    /** Writes one object of the List. */
    interface Emitter {
        void emit(CharSequence object) throws IOException;
    }

    private final ClusterModel model;
    private final SplittableRandom random;
    private final Digests digests;
    /** Signature images to write at the end, as JSON. */
    private final List<String> signatureImages = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();

    ExtensionObjects(ClusterModel model, long seed) {
        this.model = model;
        this.random = new SplittableRandom(seed ^ 0x12A5_0C05L);
        this.digests = new Digests(seed ^ 0x5160_0001L);
    }

    /**
     * Cosign tags of about one stream in eight (application streams): the current image's signature and SBOM, a
     * signature of its oldest revision's image, and now and then one of an image that is not in the cluster.
     *
     * @return the extra status tags, each but a first one (when the stream has no tag) starting with a comma
     */
    String signatureTags(Stream stream) {
        if (stream.kind != StreamKind.APP || random.nextInt(8) != 0) {
            return "";
        }
        StringBuilder json = new StringBuilder();
        Set<String> subjects = new LinkedHashSet<>();
        for (Tag tag : stream.tags) {
            if (!tag.items.isEmpty() && tag.items.get(0).image != null) {
                subjects.add(tag.items.get(0).digest());
            }
            Item oldest = tag.items.isEmpty() ? null : tag.items.get(tag.items.size() - 1);
            if (oldest != null && oldest.image != null && tag.items.size() > 3) {
                subjects.add(oldest.digest());
            }
        }
        if (random.nextInt(3) == 0) {
            subjects.add(digests.next("absent-subject"));
        }
        for (String subject : subjects) {
            String hex = subject.substring("sha256:".length());
            for (String suffix : random.nextInt(2) == 0 ? List.of(".sig") : List.of(".sig", ".sbom")) {
                long age = random.nextLong(2 * DAY, 60 * DAY);
                String signature = digests.next("signature");
                signatureImages.add(signatureImage(signature, stream.repository(), age));
                json.append(json.isEmpty() && stream.tags.isEmpty() ? "{\"tag\":" : ",{\"tag\":").append(q("sha256-" + hex + suffix)).append(",\"items\":[{\"created\":")
                        .append(time(age)).append(",\"dockerImageReference\":")
                        .append(q(stream.repository() + "@" + signature)).append(",\"image\":").append(q(signature))
                        .append(",\"generation\":1}]}");
                count("signatureTags");
            }
        }
        return json.toString();
    }

    /** The signature images, the holders beyond oc and the annotated Namespaces. */
    void objects(Emitter out) throws IOException {
        for (String image : signatureImages) {
            out.emit(image);
        }
        Set<String> namespaces = new LinkedHashSet<>();
        int eligible = 0;
        for (Stream stream : model.streams) {
            namespaces.add(stream.namespace);
            if (stream.kind != StreamKind.APP) {
                continue;
            }
            String old = oldRevision(stream);
            if (old == null) {
                continue;
            }
            String pinned = stream.repository() + "@" + old;
            // one holder of each kind on the first streams with an old revision, then on every fifth, in turn
            int index = eligible++;
            if (index >= HOLDER_KINDS && index % 5 != 0) {
                continue;
            }
            switch ((index < HOLDER_KINDS ? index : index / 5) % HOLDER_KINDS) {
                case 0 -> custom(out, "serving.knative.dev/v1", "Service", stream, podTemplate(pinned));
                case 1 -> custom(out, "argoproj.io/v1alpha1", "Rollout", stream, podTemplate(pinned));
                case 2 -> custom(out, "tekton.dev/v1", "TaskRun", stream, "\"spec\":{\"taskSpec\":{\"steps\":[{"
                        + "\"name\":\"build\",\"image\":" + q(pinned) + "}]}},\"status\":{}");
                case 3 -> custom(out, "tekton.dev/v1", "TaskRun", stream, "\"spec\":{\"taskSpec\":{\"steps\":[{"
                        + "\"name\":\"build\",\"image\":" + q(pinned) + "}]}},\"status\":{\"completionTime\":"
                        + time(random.nextLong(2 * DAY, 30 * DAY)) + "}");
                case 4 -> custom(out, "kubevirt.io/v1", "VirtualMachine", stream, "\"spec\":{\"template\":{\"spec\":"
                        + "{\"volumes\":[{\"name\":\"disk\",\"containerDisk\":{\"image\":" + q(pinned) + "}}]}}}");
                case 5, 6 -> {
                    out.emit("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
                            + q(stream.name + "-debugged") + ",\"namespace\":" + q(stream.namespace)
                            + ",\"creationTimestamp\":" + time(random.nextLong(DAY, 10 * DAY)) + "},\"spec\":{"
                            + "\"containers\":[{\"name\":\"app\",\"image\":" + q(current(stream)) + "}],"
                            + "\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":" + q(pinned) + "}]},"
                            + "\"status\":{\"phase\":\"Running\"}}");
                    count("podsWithEphemeralContainers");
                }
                case 7, 8 -> {
                    out.emit("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\",\"metadata\":{"
                            + "\"name\":" + q(stream.name + "-pinned") + ",\"namespace\":" + q(stream.namespace)
                            + ",\"creationTimestamp\":" + time(30 * DAY) + ",\"generation\":1},\"spec\":{\"tags\":[{"
                            + "\"name\":\"pinned\",\"from\":{\"kind\":\"ImageStreamImage\",\"name\":"
                            + q(stream.name + "@" + old) + "}}]},\"status\":{\"dockerImageRepository\":"
                            + q(ClusterModel.REGISTRY + "/" + stream.namespace + "/" + stream.name + "-pinned")
                            + ",\"tags\":[]}}");
                    count("specTagStreams");
                }
                default -> {
                    // the digest through another repository: only safety rule 1 keeps the image, not its revision
                    custom(out, "argoproj.io/v1alpha1", "Rollout", stream,
                            podTemplate(ClusterModel.REGISTRY + "/" + stream.namespace + "/mirror@" + old));
                    count("pinnedElsewhere");
                }
            }
        }
        int n = 0;
        for (String namespace : namespaces) {
            // the first namespace is protected; then every fourth keeps 5 revisions, every fifth 30 days
            String annotations = n == 0 ? q("imageprune.io/protect") + ":\"true\""
                    : n % 4 == 1 ? q("imageprune.io/keep-tag-revisions") + ":\"5\""
                    : n % 5 == 2 ? q("imageprune.io/keep-younger-than") + ":\"720h\"" : null;
            n++;
            if (annotations != null) {
                out.emit("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":" + q(namespace)
                        + ",\"annotations\":{" + annotations + "}}}");
                count("annotatedNamespaces");
            }
        }
    }

    /** What was added, for the generator's stderr. */
    String summary() {
        StringBuilder line = new StringBuilder("{\"extensions\": {");
        counts.forEach((k, v) -> line.append(line.charAt(line.length() - 1) == '{' ? "" : ", ").append(q(k))
                .append(": ").append(v));
        return line.append("}}").toString();
    }

    private void custom(Emitter out, String apiVersion, String kind, Stream stream, String members)
            throws IOException {
        out.emit("{\"apiVersion\":" + q(apiVersion) + ",\"kind\":" + q(kind) + ",\"metadata\":{\"name\":"
                + q(stream.name + "-" + kind.toLowerCase()) + ",\"namespace\":" + q(stream.namespace)
                + ",\"creationTimestamp\":" + time(random.nextLong(DAY, 30 * DAY)) + "}," + members + "}");
        count(kind);
    }

    private static String podTemplate(String image) {
        return "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":" + q(image) + "}]}}}";
    }

    /**
     * The digest of a revision a run with oc's defaults removes unless something holds it: the oldest beyond the third
     * of a tag whose image no other revision names, or null.
     */
    private static String oldRevision(Stream stream) {
        for (Tag tag : stream.tags) {
            for (int i = tag.items.size() - 1; i >= 3; i--) {
                Item item = tag.items.get(i);
                if (item.image != null && item.image.items == 1 && !item.image.isList()) {
                    return item.digest();
                }
            }
        }
        return null;
    }

    private static String current(Stream stream) {
        return stream.repository() + ":" + (stream.tags.isEmpty() ? "latest" : stream.tags.get(0).name);
    }

    private String signatureImage(String digest, String repository, long age) {
        String layer = digests.next("signature-layer");
        String config = digests.next("signature-config");
        return "{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\",\"metadata\":{\"name\":" + q(digest)
                + ",\"creationTimestamp\":" + time(age) + ",\"annotations\":{\"openshift.io/image.managed\":\"true\"}},"
                + "\"dockerImageReference\":" + q(repository + "@" + digest) + ",\"dockerImageMetadataVersion\":\"1.0\","
                + "\"dockerImageLayers\":[{\"name\":" + q(layer) + ",\"size\":250,\"mediaType\":"
                + "\"application/vnd.dev.cosign.simplesigning.v1+json\"}],\"dockerImageManifestMediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"dockerImageMetadata\":{\"kind\":\"DockerImage\","
                + "\"apiVersion\":\"image.openshift.io/1.0\",\"Id\":" + q(config) + ",\"Created\":" + time(age)
                + ",\"Size\":250}}";
    }

    private String time(long age) {
        return q(RFC3339.format(Instant.ofEpochSecond(model.now - age)));
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }
}
