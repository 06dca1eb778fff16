package io.imageprune.api;

import io.imageprune.document.ExplanationJson;
import io.imageprune.policy.Explainer;
import io.imageprune.policy.ImageExplanation;
import io.imageprune.policy.ImageKeys;
import io.imageprune.policy.PruneOptions;
import io.imageprune.prune.PruneSettings;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.io.StringWriter;

/**
 * {@code GET /api/v1/images/{name}/explain}: the {@code plan --explain NAME -o json} document on the live graph, for
 * the options in {@link PlanQuery}; {@code name} is an image's name or a digest prefix ({@link ImageKeys}: 400 when
 * it is too short or names several images, listing them); 404 when the graph holds no such image, 422 (with the explanation) when invalid
 * references refuse the plan, as for {@code GET /api/v1/plan}.
 */
@Path("/api/v1/images/{name}/explain")
public class ExplainResource {
    private final LiveGraph live;
    private final PruneSettings settings;

    public ExplainResource(LiveGraph live, PruneSettings settings) {
        this.live = live;
        this.settings = settings;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Why an image is kept or deleted",
            description = "The plan --explain NAME -o json document: each rule's verdict for the image.")
    @Extension(name = OpenApiContract.PLAN_OPTIONS, value = "true")
    @APIResponse(responseCode = "200", description = "The explanation", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Explanation")))
    @APIResponse(responseCode = "404", description = "The graph holds no such image")
    @APIResponse(responseCode = "422", description = "Invalid references refuse the plan: the explanation with "
            + "stage2 REFUSED", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Explanation")))
    public Response explain(@Parameter(description = "The image name (its manifest digest)") @PathParam("name")
                            String name, @Context UriInfo uri) {
        PruneOptions options = PlanQuery.resolve(uri, live, settings);
        ImageExplanation explanation;
        try {
            explanation = live.read(graph -> new Explainer(graph, options).explain(ImageKeys.resolve(graph, name)));
        } catch (ImageKeys.ImageKeyException e) {
            throw PlanQuery.error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        if (explanation.verdict() == ImageExplanation.Verdict.UNKNOWN_IMAGE) {
            throw PlanQuery.error(Response.Status.NOT_FOUND, explanation.reason());
        }
        StringWriter json = new StringWriter();
        ExplanationJson.write(explanation, json);
        boolean refused = explanation.stage2() == ImageExplanation.Stage2.REFUSED;
        return Response.status(refused ? PlanResource.UNPROCESSABLE : Response.Status.OK.getStatusCode())
                .entity(json.toString()).build();
    }
}
