package io.imageprune.api;

import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

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
     * The one query parameter, {@code dry-run}, is parsed by the option parser like every other boolean: true (or
     * 1, t, …) forces a dry run, false leaves it to the configuration (a confirmed run needs
     * imageprune.prune.confirm=true), anything else is a 400 and never a run.
     */
    @POST
    public Response start(@Context UriInfo uri, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<Response> refused = authorizer.check(authorization);
        if (refused.isPresent()) {
            return refused.get();
        }
        Map<String, String> query = QueryParameters.read(uri, List.of("dry-run"));
        boolean dryRun;
        try {
            dryRun = query.containsKey("dry-run") && OptionValues.bool("dry-run", query.get("dry-run"));
        } catch (InvalidOptionException e) {
            throw QueryParameters.invalid(e);
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
            case INVALID_REFERENCES, TOO_MANY_DELETIONS, UNTRUSTED_REGISTRY_HOST -> 422;
        };
    }
}
