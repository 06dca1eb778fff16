package io.imageprune.api;

import io.imageprune.options.InvalidOptionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An endpoint's query parameters, read strictly: a parameter the endpoint does not know, or one given twice, is a 400
 * naming it (a misspelt option silently ignored would plan or run with a default the caller did not ask for). The
 * values are left to {@link io.imageprune.options.OptionValues}, whose refusals {@link #invalid} turns into 400s.
 */
final class QueryParameters {
    private QueryParameters() {
    }

    /**
     * @return each parameter given, with its one value (the empty string for {@code ?name} without {@code =})
     * @throws WebApplicationException a 400 for an unknown or repeated parameter
     */
    static Map<String, String> read(UriInfo uri, List<String> valid) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
            String name = parameter.getKey();
            if (!valid.contains(name)) {
                throw badRequest(new ApiError("unknown query parameter \"" + name + "\"; valid parameters: "
                        + (valid.isEmpty() ? "none" : String.join(", ", valid)), name, valid, null, null));
            }
            if (parameter.getValue().size() != 1) {
                throw badRequest(name, "query parameter " + name + " is given " + parameter.getValue().size()
                        + " times (" + String.join(", ", new TreeSet<>(parameter.getValue())) + "); give it once");
            }
            values.put(name, parameter.getValue().get(0));
        }
        return values;
    }

    /** The 400 of a value the option parser refused; its message names the parameter, the value and the form. */
    static WebApplicationException invalid(InvalidOptionException e) {
        return badRequest(e.parameter(), e.getMessage());
    }

    static WebApplicationException badRequest(String parameter, String message) {
        return badRequest(ApiError.ofParameter(parameter, message));
    }

    private static WebApplicationException badRequest(ApiError body) {
        return new WebApplicationException(Response.status(Response.Status.BAD_REQUEST)
                .type(MediaType.APPLICATION_JSON).entity(body).build());
    }
}
