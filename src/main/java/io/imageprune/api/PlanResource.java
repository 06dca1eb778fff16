package io.imageprune.api;

import io.imageprune.cli.PlanJson;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.prune.PruneSettings;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.StringWriter;

/**
 * {@code GET /api/v1/plan}: the {@code plan -o json} document computed on the live graph, for the options in
 * {@link PlanQuery}.
 */
@Path("/api/v1/plan")
public class PlanResource {
    private final LiveGraph live;
    private final PruneSettings settings;

    public PlanResource(LiveGraph live, PruneSettings settings) {
        this.live = live;
        this.settings = settings;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response plan(@BeanParam PlanQuery query) {
        PruneOptions options = query.resolve(live, settings);
        StringWriter json = new StringWriter();
        live.read(graph -> {
            PruneResult result = PruneExecutor.dryRun(Planner.of(graph, options));
            PlanJson.write(result, json);
            return null;
        });
        return Response.ok(json.toString()).build();
    }
}
