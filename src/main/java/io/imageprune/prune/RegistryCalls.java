package io.imageprune.prune;

import io.smallrye.mutiny.Uni;

/** The three registry deletions of spec §10.1 as a run makes them, once the registry answered its ping. */
public interface RegistryCalls extends AutoCloseable {
    Uni<Void> deleteLayerLink(String repo, String digest);

    Uni<Void> deleteManifestLink(String repo, String digest);

    Uni<Void> deleteBlob(String digest);

    /** False for a plain distribution registry: it has no API to delete a blob from global storage. */
    boolean deletesGlobalBlobs();

    /** Whether a failure is worth another attempt (5xx, timeout, transport error). */
    boolean retryable(Throwable failure);

    @Override
    void close();
}
