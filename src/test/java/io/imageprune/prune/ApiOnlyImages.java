package io.imageprune.prune;

import io.imageprune.registry.testkit.RegistryPusher.Blob;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;

import java.util.List;

/** Images that exist only as API objects, for tests whose runs never reach a registry. */
final class ApiOnlyImages {
    private ApiOnlyImages() {
    }

    /** An image of one layer whose digests follow from {@code content}: same content, same digests. */
    static PushedImage image(String repo, String content) {
        String hex = Integer.toHexString(content.hashCode());
        String digest = "sha256:" + "0".repeat(64 - hex.length()) + hex;
        String layer = "sha256:" + "1".repeat(64 - hex.length()) + hex;
        String config = "sha256:" + "2".repeat(64 - hex.length()) + hex;
        return new PushedImage(repo, content, digest, layer, 10, config, 5, "{}", List.of(new Blob(layer, 10)));
    }
}
