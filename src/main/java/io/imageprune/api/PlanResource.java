package io.imageprune.api;

import io.imageprune.document.PlanJson;
import io.imageprune.execute.PlanSummary;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.prune.PruneSettings;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /api/v1/plan}: the {@code plan -o json} document computed on the live graph, for the options in
 * {@link PlanQuery}. As {@code plan} exits 1 when invalid references refuse the plan (without ignore-invalid-refs),
 * the same document (its {@code errors} filled, nothing planned) comes with 422.
 * <p>
 * The plan is decided under the graph's read lock, so the status is known before a byte is sent; the document is
 * written from the decided (immutable) result after the lock is released, so a client that reads slowly holds a
 * worker thread but never the state consumer, which needs the write lock to apply records.
 * {@code GET /api/v1/plan/summary} answers the same question in numbers ({@link PlanSummary}).
 */
@Path("/api/v1/plan")
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {
    static final int UNPROCESSABLE = 422;
    private static final int WRITE_BUFFER = 64 * 1024;
    private final LiveGraph live;
    private final PruneSettings settings;

    public PlanResource(LiveGraph live, PruneSettings settings) {
        this.live = live;
        this.settings = settings;
    }

    @GET
    @Operation(summary = "The plan -o json document on the live graph",
            description = "Every deletion and stream update a run with these options would make now, lists sorted.")
    @Extension(name = OpenApiContract.PLAN_OPTIONS, value = "true")
    @APIResponse(responseCode = "200", description = "The plan document", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "PlanDocument")))
    @APIResponse(responseCode = "422", description = "Invalid references refuse the plan (without "
            + "ignore-invalid-refs): the document with its errors filled and nothing planned", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "PlanDocument")))
    public Response plan(@Context UriInfo uri) {
        PruneOptions options = PlanQuery.resolve(uri, live, settings);
        PruneResult result = decide(options);
        String graphLimit = options.graphScopeLimit();
        StreamingOutput document = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), WRITE_BUFFER);
            try {
                PlanJson.write(result, graphLimit == null ? List.of() : List.of(graphLimit), writer);
                writer.flush();
            } catch (UncheckedIOException e) {
                // the client went away: an I/O failure of this response, not a server error
                throw e.getCause();
            }
        };
        return Response.status(status(result.refused())).entity(document).build();
    }

    @GET
    @Path("/summary")
    @Operation(summary = "The plan in numbers: totals and per namespace",
            description = "The same plan as GET /api/v1/plan, without its lists.")
    @Extension(name = OpenApiContract.PLAN_OPTIONS, value = "true")
    @APIResponse(responseCode = "200", description = "The plan's totals and namespaces", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanSummary.class)))
    @APIResponse(responseCode = "422", description = "Invalid references refuse the plan (without "
            + "ignore-invalid-refs): refused, the errors, nothing counted", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanSummary.class)))
    public Response summary(@Context UriInfo uri) {
        PruneOptions options = PlanQuery.resolve(uri, live, settings);
        // the numbers straight from the stage plans, without the dry run's ledger: under the read lock, and small
        PlanSummary summary = live.read(graph -> PlanSummary.of(Planner.of(graph, options)));
        return Response.status(status(summary.refused())).entity(summary).build();
    }

    /** The dry run's result on the live graph, under its read lock (released when this returns). */
    private PruneResult decide(PruneOptions options) {
        return live.read(graph -> PruneExecutor.dryRun(Planner.of(graph, options)));
    }

    private static int status(boolean refused) {
        return refused ? UNPROCESSABLE : Response.Status.OK.getStatusCode();
    }
}
