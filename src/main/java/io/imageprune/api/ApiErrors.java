package io.imageprune.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Gives the framework's own error answers (no such resource 404, 405, 406, 415, and any unexpected failure) the body
 * of every other error of the API, {@link ApiError}; answers the resources built themselves pass unchanged.
 */
public class ApiErrors {
    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    @ServerExceptionMapper
    public Response refused(WebApplicationException e) {
        Response response = e.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        String reason = response.getStatusInfo().getReasonPhrase();
        String message = e.getMessage() == null || e.getMessage().isBlank() ? reason : e.getMessage();
        return Response.fromResponse(response).type(MediaType.APPLICATION_JSON_TYPE).entity(ApiError.of(message))
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("the request failed unexpectedly", e);
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ApiError.of("internal error (" + e.getClass().getName() + "); the service log has the details"))
                .build();
    }
}
