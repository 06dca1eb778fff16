package io.imageprune.prune;

import io.imageprune.registry.RegistryClient;
import io.imageprune.registry.RegistryException;
import io.smallrye.mutiny.Uni;

/** The three registry deletions of algorithm §10.1 as a run makes them, once the registry answered its ping. */
public interface RegistryCalls extends AutoCloseable {
    /** What a dry run, or a run that leaves the registry alone, connects to. */
    RegistryCalls NONE = new RegistryCalls() {
        @Override
        public Uni<Void> deleteLayerLink(String repo, String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> deleteManifestLink(String repo, String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> deleteBlob(String digest) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public boolean deletesGlobalBlobs() {
            return true;
        }

        @Override
        public boolean retryable(Throwable failure) {
            return false;
        }

        @Override
        public void close() {
        }
    };

    Uni<Void> deleteLayerLink(String repo, String digest);

    Uni<Void> deleteManifestLink(String repo, String digest);

    Uni<Void> deleteBlob(String digest);

    /** False for a plain distribution registry: it has no API to delete a blob from global storage. */
    boolean deletesGlobalBlobs();

    /** Whether a failure is worth another attempt (5xx, timeout, transport error). */
    boolean retryable(Throwable failure);

    @Override
    void close();

    /** The registry client as a run uses it; closed when the run ends. */
    static RegistryCalls of(RegistryClient client) {
        return new RegistryCalls() {
            @Override
            public Uni<Void> deleteLayerLink(String repo, String digest) {
                return client.deleteLayerLink(repo, digest);
            }

            @Override
            public Uni<Void> deleteManifestLink(String repo, String digest) {
                return client.deleteManifestLink(repo, digest);
            }

            @Override
            public Uni<Void> deleteBlob(String digest) {
                return client.deleteBlob(digest);
            }

            @Override
            public boolean deletesGlobalBlobs() {
                return client.deletesGlobalBlobs();
            }

            @Override
            public boolean retryable(Throwable failure) {
                return failure instanceof RegistryException e && e.retryable();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
