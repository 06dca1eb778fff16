package io.imageprune.api;

import io.imageprune.options.GoDuration;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.PruneOptions;
import io.imageprune.prune.PruneSettings;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The query parameters shared by every endpoint that plans on the live graph: the option names of {@code plan}.
 * Options not given take the configured defaults ({@code imageprune.plan.*}).
 */
public class PlanQuery {
    @QueryParam("keep-tag-revisions")
    Integer keepTagRevisions;
    @QueryParam("keep-younger-than")
    String keepYoungerThan;
    @QueryParam("prune-over-size-limit")
    Boolean pruneOverSizeLimit;
    @QueryParam("all")
    Boolean all;
    @QueryParam("namespace")
    String namespace;
    @QueryParam("ignore-invalid-refs")
    Boolean ignoreInvalidRefs;
    @QueryParam("prune-registry")
    Boolean pruneRegistry;
    @QueryParam("keep-pinned-images")
    Boolean keepPinnedImages;
    @QueryParam("now")
    String now;

    /**
     * The run's options, checked in the order a client needs: a graph that is not synced answers 503 whatever the
     * options, then invalid options answer 400.
     *
     * @throws WebApplicationException carrying the 503 or 400 response
     */
    PruneOptions resolve(LiveGraph live, PruneSettings settings) {
        if (!live.synced()) {
            throw error(Response.Status.SERVICE_UNAVAILABLE,
                    "the reference graph is not synced: " + live.notSyncedReason());
        }
        try {
            Duration age = keepYoungerThan == null ? null : GoDuration.parse(keepYoungerThan);
            Instant at = now == null ? Instant.now() : OffsetDateTime.parse(now).toInstant();
            return new PlanFlags(keepTagRevisions, age, pruneOverSizeLimit, all, pruneRegistry, namespace,
                    ignoreInvalidRefs, keepPinnedImages).resolve(at, settings.configuredDefaults());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    static WebApplicationException error(Response.Status status, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message)).build());
    }
}
