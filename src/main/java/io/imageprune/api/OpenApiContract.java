package io.imageprune.api;

import io.imageprune.options.OptionValues;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Completes the OpenAPI document ({@code /q/openapi}) where annotations cannot say it once: every operation marked
 * {@value #PLAN_OPTIONS} gets the plan options {@link PlanQuery} reads (with the 400 and 503 it answers), every
 * operation the 500 of {@link ApiErrors}, and every error answer the resources describe without a body gets the one
 * {@link ApiError} body (so a resource annotates an error answer by its status and meaning only).
 */
public class OpenApiContract implements OASFilter {
    /** The extension that marks an operation reading {@link PlanQuery}'s parameters; removed from the document. */
    static final String PLAN_OPTIONS = "x-imageprune-plan-options";
    static final String ERROR_SCHEMA = "#/components/schemas/Error";

    /** What each of {@link PlanQuery#PARAMETERS} means; the flags of {@code plan} with the same names. */
    private static final Map<String, Option> OPTIONS = Map.of(
            "keep-tag-revisions", new Option("integer", "Number of newest revisions per tag to keep"),
            "keep-younger-than", new Option("duration", "Keep objects younger than this Go duration, e.g. 90m, 0s"),
            "prune-over-size-limit", new Option("boolean",
                    "Prune images exceeding the namespaces' LimitRanges instead of by age and count; not with "
                            + "keep-tag-revisions nor keep-younger-than"),
            "all", new Option("boolean", "Also delete images not managed by OpenShift"),
            "namespace", new Option("namespace", "Only consider this namespace's objects; no image or blob is deleted"),
            "ignore-invalid-refs", new Option("boolean",
                    "Skip unparsable image references instead of refusing the plan (422)"),
            "invalid-refs", new Option("invalid-refs",
                    "What an unparsable image reference does: stop (nothing is planned, 422), contain (plan the "
                            + "rest, keep what it could name) or ignore; ignore-invalid-refs=true is ignore"),
            "prune-registry", new Option("boolean",
                    "Plan registry deletions (links, blobs, manifests); false: API objects only"),
            "keep-pinned-images", new Option("boolean",
                    "Never delete an image that a counted referrer names by digest; false gives oc's exact result"),
            "now", new Option("time", "The time to plan for (default: the current time)"));

    /** The switches of issue 12's extensions, read by {@link io.imageprune.policy.RunSwitches}. */
    private static final Map<String, Option> EXTENSION_OPTIONS = Map.of(
            "oc-exact", new Option("boolean", "oc's exact decisions: no extension beyond oc for this plan (no "
                    + "pinned-image rule, custom resource referrers, ephemeral containers, spec-tag holders, "
                    + "annotations or orphan-signature cleanup); false with a service configured oc-exact is a 400"),
            "prune-orphan-signatures", new Option("boolean", "Remove the revisions of cosign signature, attestation "
                    + "and SBOM tags (sha256-<hex>.sig|.att|.sbom) whose image is absent or deleted in the same run; "
                    + "off with oc-exact"));

    /** @param kind how the one option parser reads the value */
    private record Option(String kind, String description) {
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        documents(openAPI);
        openAPI.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(operation -> {
            if (operation.getExtensions() != null && operation.getExtensions().containsKey(PLAN_OPTIONS)) {
                operation.removeExtension(PLAN_OPTIONS);
                planOptions(operation);
            }
            error(operation.getResponses(), "500", "An unexpected failure; the service log has the details");
            operation.getResponses().getAPIResponses().forEach((status, response) -> {
                if ((status.startsWith("4") || status.startsWith("5")) && response.getContent() == null) {
                    response.setContent(errorContent());
                }
            });
        }));
    }

    /** The documents the CLI writes too ({@code plan -o json}, {@code --explain -o json}), by their top level. */
    private static void documents(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Schema strings = OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
        Schema objects = OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                .items(OASFactory.createSchema().addType(Schema.SchemaType.OBJECT));
        openAPI.getComponents().addSchema("PlanDocument", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("The plan -o json document (docs/operations.md, The plan command); every list sorted")
                .addProperty("imageDeletions", strings).addProperty("streamUpdates", objects)
                .addProperty("layerLinkDeletions", objects).addProperty("manifestDeletions", objects)
                .addProperty("blobDeletions", strings)
                .addProperty("stats", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT))
                .addProperty("bytesReclaimable", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                        .format("int64"))
                .addProperty("errors", strings.description("The invalid references that refused the plan"))
                .addProperty("limits", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY)
                        .items(OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                        .description("What the plan leaves out beyond its options and why (the graph covers some "
                                + "namespaces only); absent when nothing")));
        openAPI.getComponents().addSchema("Explanation", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("The plan --explain NAME -o json document: the image, its verdict and each rule's "
                        + "finding"));
    }

    private static void planOptions(Operation operation) {
        List<Parameter> parameters = new ArrayList<>(operation.getParameters() == null ? List.of()
                : operation.getParameters());
        for (String name : PlanQuery.PARAMETERS) {
            Option option = OPTIONS.containsKey(name) ? OPTIONS.get(name) : EXTENSION_OPTIONS.get(name);
            if (option == null) {
                throw new IllegalStateException("the plan option " + name + " has no description in the OpenAPI "
                        + "contract; add it to " + OpenApiContract.class.getName());
            }
            parameters.add(OASFactory.createParameter().name(name).in(Parameter.In.QUERY).required(false)
                    .description(option.description() + "; default: the configured imageprune.plan." + name)
                    .schema(schema(option.kind())));
        }
        operation.setParameters(parameters);
        APIResponses responses = operation.getResponses();
        error(responses, "400", "A query parameter is unknown, given twice or malformed, or the options are a "
                + "combination oc refuses; parameter names it");
        error(responses, "503", "The reference graph is not synced (the reason says why): nothing is planned on "
                + "possibly outdated information");
    }

    private static Schema schema(String kind) {
        Schema schema = OASFactory.createSchema();
        return switch (kind) {
            case "integer" -> schema.addType(Schema.SchemaType.INTEGER).format("int32");
            case "boolean" -> schema.addType(Schema.SchemaType.STRING).description("Go's " + OptionValues.BOOLEAN);
            case "duration" -> schema.addType(Schema.SchemaType.STRING).description("A Go duration")
                    .example("60m");
            case "invalid-refs" -> schema.addType(Schema.SchemaType.STRING)
                    .enumeration(List.of("stop", "contain", "ignore"));
            case "namespace" -> schema.addType(Schema.SchemaType.STRING).description("A namespace name");
            case "time" -> schema.addType(Schema.SchemaType.STRING).format("date-time")
                    .description(OptionValues.RFC3339);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Adds the error answer unless the operation already describes that status. */
    static void error(APIResponses responses, String status, String description) {
        if (responses.hasAPIResponse(status)) {
            return;
        }
        responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description)
                .content(errorContent()));
    }

    private static Content errorContent() {
        return OASFactory.createContent().addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ERROR_SCHEMA)));
    }
}
