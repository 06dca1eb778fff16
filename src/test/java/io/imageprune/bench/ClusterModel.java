package io.imageprune.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A generated cluster before it is written: images, streams and referrers, ages in seconds before {@code now}. */
final class ClusterModel {
    static final String REGISTRY = "registry.example:5000";
    static final String[] REGISTRY_ALIASES = {"image-registry.openshift-image-registry.svc:5000",
            "default-route-openshift-image-registry.apps.example.com"};
    static final String EDGE_NAMESPACE = "edge-cases";

    /** The kinds of the List in the order they are written, with their apiVersion. */
    enum Kind {
        LimitRange("v1"), Pod("v1"), ReplicationController("v1"), DeploymentConfig("apps.openshift.io/v1"),
        Deployment("apps/v1"), ReplicaSet("apps/v1"), StatefulSet("apps/v1"), DaemonSet("apps/v1"),
        CronJob("batch/v1"), Job("batch/v1"), BuildConfig("build.openshift.io/v1"), Build("build.openshift.io/v1");

        final String apiVersion;

        Kind(String apiVersion) {
            this.apiVersion = apiVersion;
        }
    }

    /** An image: a manifest with layers (by layer number), or a manifest list with children (by image number). */
    static final class Image {
        final int number;
        final String digest;
        final String repository;
        final String mediaType;
        final String architecture;
        final String managed;
        /** a fixture of the edge-cases namespace: not an orphan nor a boundary timestamp of the statistics */
        final boolean fixture;
        long age;
        int[] layers = new int[0];
        int[] children;
        /** how many tag items name this image */
        int items;

        Image(int number, String digest, String repository, String mediaType, String architecture, String managed,
              boolean fixture) {
            this.number = number;
            this.digest = digest;
            this.repository = repository;
            this.mediaType = mediaType;
            this.architecture = architecture;
            this.managed = managed;
            this.fixture = fixture;
        }

        boolean isList() {
            return children != null;
        }
    }

    /** One entry of a tag's history: an image of the cluster, or the digest of one that is gone. */
    static final class Item {
        final Image image;
        final String missingDigest;
        final String repository;
        long age;
        /** the item that brought its image into the cluster (the image's age follows it) */
        boolean home;

        Item(Image image, String missingDigest, String repository) {
            this.image = image;
            this.missingDigest = missingDigest;
            this.repository = repository;
        }

        String digest() {
            return image != null ? image.digest : missingDigest;
        }
    }

    static final class Tag {
        final String name;
        /** newest first once the ages are set */
        final List<Item> items = new ArrayList<>();

        Tag(String name) {
            this.name = name;
        }
    }

    enum StreamKind { APP, MIRROR, MULTI_ARCH, BUILDER, FIXTURE }

    static final class Stream {
        final String namespace;
        final String name;
        final StreamKind kind;
        final String itemRepository;
        final long age;
        final List<Tag> tags = new ArrayList<>();
        /** spec.tags of a mirror: the external source of each tag */
        String importedFrom;
        boolean localLookup;

        Stream(String namespace, String name, StreamKind kind, String itemRepository, long age) {
            this.namespace = namespace;
            this.name = name;
            this.kind = kind;
            this.itemRepository = itemRepository;
            this.age = age;
        }

        Tag tag(String name) {
            for (Tag tag : tags) {
                if (tag.name.equals(name)) {
                    return tag;
                }
            }
            return null;
        }

        String repository() {
            return REGISTRY + "/" + namespace + "/" + name;
        }
    }

    /**
     * A referrer: its metadata, more metadata members ({@code ,"ownerReferences":…} or empty) and the rest of the object
     * as JSON members ({@code "spec":…,"status":…}); the phase of a pod, else null.
     */
    record Referrer(Kind kind, String namespace, String name, long age, String moreMetadata, String members,
                    String phase) {
    }

    final long now;
    final long keepYoungerThan;
    final List<Image> images = new ArrayList<>();
    final List<Stream> streams = new ArrayList<>();
    final Map<Kind, List<Referrer>> referrers = new EnumMap<>(Kind.class);
    /** layer sizes by layer number; layer 0 is the well-known empty layer */
    final LayerTable layers;

    ClusterModel(long now, long keepYoungerThan, LayerTable layers) {
        this.now = now;
        this.keepYoungerThan = keepYoungerThan;
        this.layers = layers;
        for (Kind kind : Kind.values()) {
            referrers.put(kind, new ArrayList<>());
        }
    }

    void add(Referrer referrer) {
        referrers.get(referrer.kind()).add(referrer);
    }
}
