package io.imageprune.registry;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.io.Closeable;

/**
 * The registry endpoints oc uses (algorithm §10.1, §3 step 4). Answers come back as {@link Response} whatever their
 * status (the default exception mapper is off) because oc's rules need the raw status. Repository names and digests
 * arrive already percent-encoded by {@link RegistryClient} ({@link PathSegments}), hence {@code @Encoded}: a
 * repository is {@code <namespace>/<name>} and its slash must stay a slash. Call these only through the client.
 */
@Path("/")
public interface RegistryApi extends Closeable {
    @DELETE
    @Path("v2/{repo: .+}/blobs/{digest}")
    Uni<Response> deleteLayerLink(@Encoded @PathParam("repo") String repo, @Encoded @PathParam("digest") String digest);

    @DELETE
    @Path("v2/{repo: .+}/manifests/{digest}")
    Uni<Response> deleteManifestLink(@Encoded @PathParam("repo") String repo,
                                     @Encoded @PathParam("digest") String digest);

    @DELETE
    @Path("admin/blobs/{digest}")
    Uni<Response> deleteBlob(@Encoded @PathParam("digest") String digest);

    @GET
    @Path("/")
    Uni<Response> root();

    @GET
    @Path("healthz")
    Uni<Response> healthz();
}
