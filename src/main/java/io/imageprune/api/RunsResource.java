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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
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
    @Operation(summary = "Start a full run now", description = "Only when imageprune.api.runs.enabled, for a caller "
            + "allowed to delete images (bearer token); a dry run unless the service confirms runs.")
    @Parameter(name = "dry-run", in = org.eclipse.microprofile.openapi.annotations.enums.ParameterIn.QUERY,
            description = "true forces a dry run; false leaves it to imageprune.prune.confirm (a Go boolean)",
            schema = @Schema(type = SchemaType.STRING))
    @APIResponse(responseCode = "202", description = "The run started; Location follows it", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunReport.class)))
    @APIResponse(responseCode = "400", description = "An unknown, repeated or malformed query parameter")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "Disabled, or the caller may not delete images")
    @APIResponse(responseCode = "409", description = "Another run is in progress (gate IN_PROGRESS)")
    @APIResponse(responseCode = "422", description = "The run would be wrong: invalid references or too many "
            + "deletions (gate)")
    @APIResponse(responseCode = "503", description = "Not synced, lagging, not the leader (gate), or the "
            + "Kubernetes API cannot authorize the caller")
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
            return Response.status(status(e.gate()))
                    .entity(new ApiError(e.getMessage(), null, null, e.gate().name(), e.runId())).build();
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One of the latest runs")
    @APIResponse(responseCode = "200", description = "The run", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunReport.class)))
    @APIResponse(responseCode = "404", description = "No such run among the latest kept")
    public Response run(@Parameter(description = "The run's id") @PathParam("id") String id) {
        return history.report(id).map(r -> Response.ok(r).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(ApiError.of("no run " + id + " is known (only the latest are kept)")).build());
    }

    @GET
    @Operation(summary = "The latest runs, with their outcomes")
    @APIResponse(responseCode = "200", description = "The latest runs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
            implementation = RunReport.class)))
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
