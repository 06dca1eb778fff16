package io.imageprune.bench;

import io.imageprune.bench.ClusterModel.Image;
import io.imageprune.bench.ClusterModel.Item;
import io.imageprune.bench.ClusterModel.Kind;
import io.imageprune.bench.ClusterModel.Referrer;
import io.imageprune.bench.ClusterModel.Stream;
import io.imageprune.bench.ClusterModel.StreamKind;
import io.imageprune.bench.ClusterModel.Tag;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static io.imageprune.bench.Json.q;

/**
 * Writes a cluster as {@code oc get … -o json} prints it (a v1 List: images, streams, then the referrers by kind)
 * and counts its statistics from what it writes, object by object.
 */
final class ClusterWriter {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String MANAGED = "openshift.io/image.managed";

    private final ClusterModel model;
    private final Digests digests;
    private final SplittableRandom random;
    private final ClusterStatistics stats = new ClusterStatistics();
    private final Map<String, Image> written = new HashMap<>();
    private final Set<String> referenced = new HashSet<>();
    private final BitSet layersSeen = new BitSet();
    private Writer out;
    private boolean first = true;

    /** Objects for issue 12's extensions ({@code --extensions}); null: the plain cluster. */
    private final ExtensionObjects extensions;

    ClusterWriter(ClusterModel model, long seed) {
        this(model, seed, null);
    }

    ClusterWriter(ClusterModel model, long seed, ExtensionObjects extensions) {
        this.model = model;
        this.digests = new Digests(seed);
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.extensions = extensions;
    }

    ClusterStatistics write(Writer out) throws IOException {
        this.out = out;
        out.write("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},\"items\":[\n");
        for (Image image : model.images) {
            image(image);
        }
        for (Stream stream : model.streams) {
            stream(stream);
        }
        for (Kind kind : Kind.values()) {
            for (Referrer referrer : model.referrers.get(kind)) {
                referrer(referrer);
            }
        }
        if (extensions != null) {
            extensions.objects(this::emit);
        }
        out.write("\n]}\n");
        out.flush();
        stats.count("distinctLayers", layersSeen.cardinality());
        for (Image image : model.images) {
            if (!image.fixture && !referenced.contains(image.digest)) {
                stats.edgeCase("orphanImages", 1);
            }
        }
        return stats;
    }

    private void emit(CharSequence object) throws IOException {
        if (!first) {
            out.write(",\n");
        }
        first = false;
        out.append(object);
    }

    private String time(long age) {
        return q(RFC3339.format(Instant.ofEpochSecond(model.now - age)));
    }

    private boolean atBoundary(long age) {
        return Math.abs(age - model.keepYoungerThan) <= 1;
    }

    private void image(Image image) throws IOException {
        StringBuilder json = new StringBuilder(2048);
        json.append("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"Image\",\"metadata\":{\"name\":")
                .append(q(image.digest)).append(",\"creationTimestamp\":").append(time(image.age));
        if (image.managed != null) {
            json.append(",\"annotations\":{").append(q(MANAGED)).append(':').append(q(image.managed)).append('}');
        }
        json.append("},\"dockerImageReference\":").append(q(image.repository + "@" + image.digest))
                .append(",\"dockerImageMetadataVersion\":\"1.0\"");
        if (image.isList()) {
            json.append(",\"dockerImageManifestMediaType\":").append(q(image.mediaType))
                    .append(",\"dockerImageManifests\":[");
            for (int i = 0; i < image.children.length; i++) {
                Image child = model.images.get(image.children[i]);
                json.append(i == 0 ? "" : ",").append("{\"digest\":").append(q(child.digest))
                        .append(",\"mediaType\":").append(q(child.mediaType)).append(",\"manifestSize\":")
                        .append(random.nextInt(400, 3001)).append(",\"architecture\":").append(q(child.architecture))
                        .append(",\"os\":\"linux\"}");
                referenced.add(child.digest);
            }
            json.append("]}");
            stats.edgeCase("manifestLists", 1);
        } else {
            String layerType = image.mediaType.equals(ClusterGenerator.MT_OCI)
                    ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.docker.image.rootfs.diff.tar.gzip";
            long size = 0;
            json.append(",\"dockerImageLayers\":[");
            for (int i = 0; i < image.layers.length; i++) {
                int layer = image.layers[i];
                long layerSize = model.layers.size(layer);
                size += layerSize;
                json.append(i == 0 ? "" : ",").append("{\"name\":").append(q(digests.layer(layer))).append(",\"size\":")
                        .append(layerSize).append(",\"mediaType\":").append(q(layerType)).append('}');
                layersSeen.set(layer);
            }
            stats.count("layerReferences", image.layers.length);
            String config = digests.next(image.mediaType.equals(ClusterGenerator.MT_SCHEMA1) ? "v1id" : "config");
            json.append("],\"dockerImageManifestMediaType\":").append(q(image.mediaType))
                    .append(",\"dockerImageMetadata\":{\"kind\":\"DockerImage\",\"apiVersion\":\"image.openshift.io/1.0\","
                            + "\"Id\":").append(q(image.mediaType.equals(ClusterGenerator.MT_SCHEMA1)
                            ? config.substring("sha256:".length()) : config))
                    .append(",\"Created\":").append(time(image.age + random.nextInt(601)))
                    .append(",\"Architecture\":").append(q(image.architecture))
                    .append(",\"Size\":").append(size + random.nextInt(1000, 20001)).append("}}");
        }
        emit(json);
        written.put(image.digest, image);
        stats.count("Image", 1);
        if (!image.fixture && atBoundary(image.age)) {
            stats.edgeCase("boundaryTimestamps", 1);
        }
    }

    private void stream(Stream stream) throws IOException {
        StringBuilder json = new StringBuilder(1024);
        json.append("{\"apiVersion\":\"image.openshift.io/v1\",\"kind\":\"ImageStream\",\"metadata\":{\"name\":")
                .append(q(stream.name)).append(",\"namespace\":").append(q(stream.namespace))
                .append(",\"creationTimestamp\":").append(time(stream.age)).append(",\"generation\":1},\"spec\":");
        if (stream.importedFrom != null) {
            json.append("{\"lookupPolicy\":{\"local\":").append(stream.localLookup).append("},\"tags\":[");
            for (int i = 0; i < stream.tags.size(); i++) {
                String tag = stream.tags.get(i).name;
                json.append(i == 0 ? "" : ",").append("{\"name\":").append(q(tag))
                        .append(",\"from\":{\"kind\":\"DockerImage\",\"name\":").append(q(stream.importedFrom + ":" + tag))
                        .append("},\"importPolicy\":{\"scheduled\":").append(random.nextDouble() < 0.3)
                        .append("},\"referencePolicy\":{\"type\":\"Source\"}}");
            }
            json.append("]}");
        } else {
            json.append("{\"lookupPolicy\":{\"local\":false}}");
        }
        json.append(",\"status\":{\"dockerImageRepository\":").append(q(stream.repository()));
        if (stream.kind != StreamKind.BUILDER) {
            json.append(",\"publicDockerImageRepository\":").append(q(ClusterModel.REGISTRY_ALIASES[1] + "/"
                    + stream.namespace + "/" + stream.name));
        }
        json.append(",\"tags\":[");
        for (int t = 0; t < stream.tags.size(); t++) {
            Tag tag = stream.tags.get(t);
            json.append(t == 0 ? "" : ",").append("{\"tag\":").append(q(tag.name)).append(",\"items\":[");
            for (int i = 0; i < tag.items.size(); i++) {
                Item item = tag.items.get(i);
                String digest = item.digest();
                json.append(i == 0 ? "" : ",").append("{\"created\":").append(time(item.age))
                        .append(",\"dockerImageReference\":").append(q(item.repository + "@" + digest))
                        .append(",\"image\":").append(q(digest)).append(",\"generation\":1}");
                stats.count("tagItems", 1);
                Image image = written.get(digest);
                if (image == null) {
                    stats.edgeCase("missingImageItems", 1);
                } else {
                    stats.count("tagItemBlobReferences", image.layers.length + 1);
                    referenced.add(digest);
                    if (!image.repository.equals(item.repository)) {
                        stats.edgeCase("crossStreamItems", 1);
                    }
                }
            }
            json.append("]}");
            if (tag.items.isEmpty()) {
                stats.edgeCase("emptyTags", 1);
            }
        }
        if (extensions != null) {
            json.append(extensions.signatureTags(stream));
        }
        json.append("]}}");
        emit(json);
        stats.count("ImageStream", 1);
    }

    private void referrer(Referrer referrer) throws IOException {
        Kind kind = referrer.kind();
        emit("{\"apiVersion\":" + q(kind.apiVersion) + ",\"kind\":" + q(kind.name()) + ",\"metadata\":{\"name\":"
                + q(referrer.name()) + ",\"namespace\":" + q(referrer.namespace()) + ",\"creationTimestamp\":"
                + time(referrer.age()) + referrer.moreMetadata() + "}," + referrer.members() + "}");
        stats.count(kind.name(), 1);
        if (kind == Kind.Pod && !referrer.namespace().equals(ClusterModel.EDGE_NAMESPACE) && atBoundary(referrer.age())) {
            stats.edgeCase("boundaryTimestamps", 1);
        }
        for (String invalid : Workloads.INVALID_REFS) {
            if (referrer.members().contains(q(invalid))) {
                boolean completed = "Succeeded".equals(referrer.phase()) || "Failed".equals(referrer.phase());
                stats.edgeCase(kind == Kind.Pod && completed ? "inactiveInvalidRefs" : "activeInvalidRefs", 1);
                break;
            }
        }
    }
}
