package io.imageprune.api;

import io.imageprune.cli.GoDuration;
import io.imageprune.cli.PlanJson;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /api/v1/plan}: the {@code plan -o json} document computed on the live graph. Query parameters carry the
 * option names of {@code plan}; options not given take the configured defaults ({@code imageprune.plan.*}).
 */
@Path("/api/v1/plan")
public class PlanResource {
    private final LiveGraph live;
    private final ImagePruneConfig config;

    public PlanResource(LiveGraph live, ImagePruneConfig config) {
        this.live = live;
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response plan(@QueryParam("keep-tag-revisions") Integer keepTagRevisions,
                         @QueryParam("keep-younger-than") String keepYoungerThan,
                         @QueryParam("prune-over-size-limit") Boolean pruneOverSizeLimit,
                         @QueryParam("all") Boolean all,
                         @QueryParam("namespace") String namespace,
                         @QueryParam("ignore-invalid-refs") Boolean ignoreInvalidRefs,
                         @QueryParam("prune-registry") Boolean pruneRegistry,
                         @QueryParam("keep-pinned-images") Boolean keepPinnedImages,
                         @QueryParam("now") String now) {
        if (!live.synced()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", "the reference graph is not synced: " + live.notSyncedReason())).build();
        }
        PruneOptions options;
        try {
            Duration age = keepYoungerThan == null ? null : GoDuration.parse(keepYoungerThan);
            Instant at = now == null ? Instant.now() : OffsetDateTime.parse(now).toInstant();
            options = new PlanFlags(keepTagRevisions, age, pruneOverSizeLimit, all, pruneRegistry, namespace,
                    ignoreInvalidRefs, keepPinnedImages).resolve(at, defaults());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", e.getMessage())).build();
        }
        StringWriter json = new StringWriter();
        live.read(graph -> {
            PruneResult result = PruneExecutor.dryRun(Planner.of(graph, options));
            PlanJson.write(result, json);
            return null;
        });
        return Response.ok(json.toString()).build();
    }

    private PlanFlags.Defaults defaults() {
        ImagePruneConfig.Plan plan = config.plan();
        return new PlanFlags.Defaults(plan.keepTagRevisions(), GoDuration.parse(plan.keepYoungerThan()), plan.all(),
                plan.pruneRegistry(), plan.ignoreInvalidRefs(), plan.keepPinnedImages());
    }
}
