package io.imageprune.api;

import io.imageprune.cli.PlanJson;
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
import jakarta.ws.rs.core.UriInfo;

import java.io.StringWriter;

/**
 * {@code GET /api/v1/plan}: the {@code plan -o json} document computed on the live graph, for the options in
 * {@link PlanQuery}. As {@code plan} exits 1 when invalid references refuse the plan (without ignore-invalid-refs),
 * the same document (its {@code errors} filled, nothing planned) comes with 422.
 */
@Path("/api/v1/plan")
public class PlanResource {
    static final int UNPROCESSABLE = 422;
    private final LiveGraph live;
    private final PruneSettings settings;

    public PlanResource(LiveGraph live, PruneSettings settings) {
        this.live = live;
        this.settings = settings;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response plan(@Context UriInfo uri) {
        PruneOptions options = PlanQuery.resolve(uri, live, settings);
        StringWriter json = new StringWriter();
        boolean refused = live.read(graph -> {
            PruneResult result = PruneExecutor.dryRun(Planner.of(graph, options));
            PlanJson.write(result, json);
            return result.refused();
        });
        return Response.status(refused ? UNPROCESSABLE : Response.Status.OK.getStatusCode()).entity(json.toString())
                .build();
    }
}
