package io.imageprune.api;

import io.imageprune.prune.PruneRunner;
import io.imageprune.prune.RunHistory;
import io.imageprune.prune.RunRefusedException;
import io.imageprune.prune.RunReport;
import io.imageprune.prune.RunTargets;
import io.imageprune.prune.RunTrigger;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/runs} starts a full run now (202 with the run, or the closed gate's status and reason), when
 * enabled and for callers allowed to delete images ({@link RunsAuthorizer}: 401, 403 or 503 otherwise);
 * {@code GET /api/v1/runs/{id}} follows it; {@code GET /api/v1/runs} lists the latest runs.
 */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {
    private final PruneRunner runner;
    private final RunHistory history;
    private final RunsAuthorizer authorizer;

    public RunsResource(PruneRunner runner, RunHistory history, RunsAuthorizer authorizer) {
        this.runner = runner;
        this.history = history;
        this.authorizer = authorizer;
    }

    /**
     * Only when {@code imageprune.api.runs.enabled}, and for a caller allowed to delete images (see
     * {@link RunsAuthorizer}); blocking (a worker thread), as the check calls the Kubernetes API.
     *
     * @param dryRun true forces a dry run; a confirmed run needs imageprune.prune.confirm=true
     */
    @POST
    public Response start(@QueryParam("dry-run") boolean dryRun,
                          @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<Response> refused = authorizer.check(authorization);
        if (refused.isPresent()) {
            return refused.get();
        }
        try {
            RunReport run = runner.start(RunTrigger.API, RunTargets.ALL, dryRun ? Boolean.TRUE : null);
            return Response.accepted(run).location(URI.create("/api/v1/runs/" + run.id())).build();
        } catch (RunRefusedException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("gate", e.gate().name());
            if (e.runId() != null) {
                body.put("run", e.runId());
            }
            return Response.status(status(e.gate())).entity(body).build();
        }
    }

    @GET
    @Path("/{id}")
    public Response run(@PathParam("id") String id) {
        return history.report(id).map(r -> Response.ok(r).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "no run " + id + " is known (only the latest are kept)")).build());
    }

    @GET
    public List<RunReport> runs() {
        return history.reports();
    }

    /** 409 while another run goes on, 503 while the service cannot prune, 422 when this run would be wrong. */
    private static int status(RunRefusedException.Gate gate) {
        return switch (gate) {
            case IN_PROGRESS -> 409;
            case NOT_SYNCED, LAGGING, NOT_LEADER -> 503;
            case INVALID_REFERENCES, TOO_MANY_DELETIONS -> 422;
        };
    }
}
