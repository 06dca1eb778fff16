package io.imageprune.registry;

import io.imageprune.config.ImagePruneConfig.RegistryFlavour;
import io.imageprune.execute.RegistryDeleter;
import io.imageprune.reference.Identities;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Deletions in one pinged registry (algorithm §10.1), with oc's answer rules ({@link RegistryResponses}) and a
 * per-request time limit. Every returned {@link Uni} is lazy and sends a new request on each subscription, so a
 * caller may retry by resubscribing when {@link RegistryException#retryable()}.
 */
public final class RegistryClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RegistryClient.class);

    private final RegistryApi api;
    private final String url;
    private final RegistryFlavour flavour;
    private final Duration timeout;

    /**
     * @param url the registry URL the pinger returned, {@code scheme://host[:port]}
     */
    public RegistryClient(RegistryApi api, String url, RegistryFlavour flavour, Duration timeout) {
        this.api = api;
        this.url = url;
        this.flavour = flavour;
        this.timeout = timeout;
    }

    public String url() {
        return url;
    }

    public RegistryFlavour flavour() {
        return flavour;
    }

    /**
     * Whether blobs can be deleted from global storage ({@code /admin/blobs}): only the OpenShift registry has that
     * route. A plain distribution registry answers it with 404, which oc's rules would count as success.
     */
    public boolean deletesGlobalBlobs() {
        return flavour == RegistryFlavour.OPENSHIFT;
    }

    /** {@code DELETE /v2/<repo>/blobs/<digest>}: unlinks a layer or config from a repository. */
    public Uni<Void> deleteLayerLink(String repo, String digest) {
        return linkCall(repo, digest, "blobs", api::deleteLayerLink);
    }

    /** {@code DELETE /v2/<repo>/manifests/<digest>}: unlinks a manifest from a repository. */
    public Uni<Void> deleteManifestLink(String repo, String digest) {
        return linkCall(repo, digest, "manifests", api::deleteManifestLink);
    }

    /**
     * The identities are checked right before the request is built, whatever checked them earlier, and every path
     * segment is percent-encoded: a value that could change the request's path, query or fragment is never sent.
     */
    private Uni<Void> linkCall(String repo, String digest, String kind,
                               java.util.function.BiFunction<String, String, Uni<Response>> request) {
        try {
            Identities.requireRepository("repository", repo);
            if (kind.equals("manifests")) {
                Identities.requireManifestDigest("digest", digest);
            } else {
                Identities.requireDigest("digest", digest);
            }
        } catch (Identities.UnsafeIdentityException e) {
            return refused(e);
        }
        String encodedRepo = PathSegments.encodePath(repo);
        String encodedDigest = PathSegments.encode(digest);
        return call(() -> request.apply(encodedRepo, encodedDigest),
                "v2/" + encodedRepo + "/" + kind + "/" + encodedDigest);
    }

    private static Uni<Void> refused(Identities.UnsafeIdentityException e) {
        return Uni.createFrom().failure(new RegistryException("request not sent: " + e.getMessage(), false, 0, null,
                e));
    }

    /** {@code DELETE /admin/blobs/<digest>}: removes a blob from storage; refused unless {@link #deletesGlobalBlobs()}. */
    public Uni<Void> deleteBlob(String digest) {
        if (!deletesGlobalBlobs()) {
            return Uni.createFrom().failure(new RegistryException(
                    "blob " + digest + " not deleted: a " + flavour.name().toLowerCase(java.util.Locale.ROOT)
                            + " registry has no /admin/blobs; its garbage collector removes unlinked blobs",
                    false, 0, null, null));
        }
        try {
            Identities.requireDigest("digest", digest);
        } catch (Identities.UnsafeIdentityException e) {
            return refused(e);
        }
        String encodedDigest = PathSegments.encode(digest);
        return call(() -> api.deleteBlob(encodedDigest), "admin/blobs/" + encodedDigest);
    }

    /** A blocking view for the synchronous core; each call waits at most the per-request timeout. */
    public RegistryDeleter blocking() {
        return new BlockingRegistryDeleter(this);
    }

    @Override
    public void close() {
        try {
            api.close();
        } catch (IOException e) {
            LOG.debugf("closing the registry client: %s", e.getMessage());
        }
    }

    private Uni<Void> call(Supplier<Uni<? extends Response>> request, String path) {
        return Uni.createFrom().<Response>deferred(request)
                .ifNoItem().after(timeout).failWith(() -> RegistryException.transport(
                        "no answer from the registry within " + timeout.toMillis() + " ms", true,
                        new TimeoutException()))
                .onItem().transformToUni(response -> {
                    try (response) {
                        int status = response.getStatus();
                        if (status == 404) {
                            LOG.warnf("Unable to prune %s/%s, returned %s", url, path,
                                    RegistryResponses.statusLine(status, response.getStatusInfo().getReasonPhrase()));
                        }
                        RegistryException failure = RegistryResponses.failureOf(status,
                                response.getStatusInfo().getReasonPhrase(), needsBody(status) ? body(response) : "");
                        return failure == null ? Uni.createFrom().voidItem() : Uni.createFrom().<Void>failure(failure);
                    }
                })
                .onFailure().transform(TransportErrors::map);
    }

    private static boolean needsBody(int status) {
        return status >= 200 && status < 400 && status != 202 && status != 204;
    }

    private static String body(Response response) {
        if (!response.hasEntity()) {
            return "";
        }
        String body = response.readEntity(String.class);
        return body == null ? "" : body;
    }
}
