package io.imageprune.execute;

/**
 * Deletions in the image registry (algorithm §10.1). An implementation treats "already gone" as success and throws for
 * anything else; the exception's message becomes the end of the recorded failure.
 */
public interface RegistryDeleter {
    void deleteLayerLink(String repo, String blob) throws Exception;

    void deleteManifestLink(String repo, String manifest) throws Exception;

    void deleteBlob(String digest) throws Exception;
}
