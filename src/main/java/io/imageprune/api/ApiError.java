package io.imageprune.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The one body of every error answer of the REST API: what went wrong in {@code error}, and the fields that name
 * what the client can act on when there is one. Fields that do not apply are left out.
 *
 * @param parameter       the query parameter that was refused (400)
 * @param validParameters the endpoint's query parameters, when the refused one is unknown (400)
 * @param gate            the gate that refused a run (409, 422, 503 of POST /api/v1/runs)
 * @param run             the run the refusal concerns, e.g. the one in progress
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Error", description = "The body of every error answer")
public record ApiError(
        @Schema(required = true, description = "What went wrong, for people") String error,
        @Schema(description = "The query parameter that was refused") String parameter,
        @Schema(description = "The endpoint's query parameters, when the refused one is unknown")
        List<String> validParameters,
        @Schema(description = "The gate that refused a run", enumeration = {"IN_PROGRESS", "NOT_SYNCED", "LAGGING",
                "NOT_LEADER", "INVALID_REFERENCES", "TOO_MANY_DELETIONS"}) String gate,
        @Schema(description = "The run the refusal concerns") String run) {

    public static ApiError of(String message) {
        return new ApiError(message, null, null, null, null);
    }

    static ApiError ofParameter(String parameter, String message) {
        return new ApiError(message, parameter, null, null, null);
    }
}
