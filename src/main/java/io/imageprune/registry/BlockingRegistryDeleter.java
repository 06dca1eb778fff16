package io.imageprune.registry;

import io.imageprune.execute.RegistryDeleter;

/** The synchronous {@link RegistryDeleter} of the pure core over a {@link RegistryClient}; not for event-loop threads. */
final class BlockingRegistryDeleter implements RegistryDeleter {
    private final RegistryClient client;

    BlockingRegistryDeleter(RegistryClient client) {
        this.client = client;
    }

    @Override
    public void deleteLayerLink(String repo, String blob) {
        client.deleteLayerLink(repo, blob).await().indefinitely();
    }

    @Override
    public void deleteManifestLink(String repo, String manifest) {
        client.deleteManifestLink(repo, manifest).await().indefinitely();
    }

    @Override
    public void deleteBlob(String digest) {
        client.deleteBlob(digest).await().indefinitely();
    }
}
