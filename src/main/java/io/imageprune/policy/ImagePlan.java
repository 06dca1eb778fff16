package io.imageprune.policy;

import io.imageprune.model.Image;

import java.util.List;

/**
 * Stage 2 for one image that is deleted: the global blobs that become unused with it, in oc's order (layers and
 * config, then the manifest blob), and then the Image object.
 *
 * @param blobDeletions       layer and config digests whose global count reaches zero with this image
 * @param deleteManifestBlob  whether the image's own manifest blob goes too
 */
public record ImagePlan(Image image, Rule rule, List<String> blobDeletions, boolean deleteManifestBlob) {
    public String name() {
        return image.name();
    }
}
