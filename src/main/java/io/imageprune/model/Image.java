package io.imageprune.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The parts of an {@code image.openshift.io/v1 Image} that pruning reads.
 *
 * @param name             the image name, which is its manifest digest
 * @param created          metadata.creationTimestamp, {@link Times#ZERO} when absent
 * @param managed          annotation {@code openshift.io/image.managed} is exactly {@code "true"}
 * @param mediaType        dockerImageManifestMediaType ("" when absent)
 * @param layers           dockerImageLayers in order, duplicates kept
 * @param hasMetadata      dockerImageMetadata was present and decodable
 * @param configDigest     dockerImageMetadata.Id ("" when absent)
 * @param size             dockerImageMetadata.Size in bytes (0 when unknown)
 * @param manifestDigests  digests of dockerImageManifests (children of a manifest list / OCI index)
 * @param dockerImageReference the pull spec recorded on the image ("" when absent)
 * @param annotations      the admin's imageprune.io annotations (only {@code protect} means something on an image)
 */
public record Image(String name, Instant created, boolean managed, String mediaType, List<Layer> layers,
                    boolean hasMetadata, String configDigest, long size, List<String> manifestDigests,
                    String dockerImageReference, AdminAnnotations annotations) {

    public static final String MANIFEST_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String MANIFEST_OCI = "application/vnd.oci.image.manifest.v1+json";
    public static final String MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    public Image {
        Objects.requireNonNull(name, "name");
        created = Times.orZero(created);
        mediaType = mediaType == null ? "" : mediaType;
        layers = layers == null ? List.of() : List.copyOf(layers);
        configDigest = configDigest == null ? "" : configDigest;
        manifestDigests = manifestDigests == null ? List.of() : List.copyOf(manifestDigests);
        dockerImageReference = dockerImageReference == null ? "" : dockerImageReference;
        annotations = annotations == null ? AdminAnnotations.NONE : annotations;
    }

    /** An image without admin annotations. */
    public Image(String name, Instant created, boolean managed, String mediaType, List<Layer> layers,
                 boolean hasMetadata, String configDigest, long size, List<String> manifestDigests,
                 String dockerImageReference) {
        this(name, created, managed, mediaType, layers, hasMetadata, configDigest, size, manifestDigests,
                dockerImageReference, AdminAnnotations.NONE);
    }

    /** A manifest list or OCI index: it has children instead of a config. */
    public boolean isIndex() {
        return OCI_INDEX.equals(mediaType) || MANIFEST_LIST.equals(mediaType);
    }

    /** Whether the config is one of the image's blobs: a schema 2 or OCI image manifest naming one. */
    public boolean configIsBlob() {
        return !isIndex() && !configDigest.isEmpty()
                && (MANIFEST_SCHEMA2.equals(mediaType) || MANIFEST_OCI.equals(mediaType));
    }

    /**
     * The blobs this image holds in the registry besides its manifest (algorithm §8): every layer, duplicates kept,
     * then the config for schema 2 and OCI image manifests.
     *
     * @return the blob digests, or {@code null} when they cannot be known (a non-index image without metadata)
     */
    public List<String> blobs() {
        if (!isIndex() && !hasMetadata) {
            return null;
        }
        boolean withConfig = configIsBlob();
        String[] blobs = new String[layers.size() + (withConfig ? 1 : 0)];
        for (int i = 0; i < layers.size(); i++) {
            blobs[i] = layers.get(i).name();
        }
        if (withConfig) {
            blobs[layers.size()] = configDigest;
        }
        return List.of(blobs);
    }
}
