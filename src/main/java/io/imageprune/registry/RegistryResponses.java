package io.imageprune.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** oc's {@code deleteFromRegistry} answer rules (algorithm §10.1), apart from any HTTP library. */
public final class RegistryResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
            Map.entry(203, "Non-Authoritative Information"), Map.entry(204, "No Content"),
            Map.entry(205, "Reset Content"), Map.entry(206, "Partial Content"),
            Map.entry(300, "Multiple Choices"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
            Map.entry(409, "Conflict"), Map.entry(429, "Too Many Requests"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"));

    private RegistryResponses() {
    }

    /** Go's {@code resp.Status}: the code and the reason phrase the server sent (or the standard one). */
    public static String statusLine(int status, String reason) {
        if (reason == null || reason.isBlank()) {
            reason = REASONS.getOrDefault(status, "");
        }
        return reason.isEmpty() ? Integer.toString(status) : status + " " + reason;
    }

    /**
     * The outcome of a DELETE answer.
     *
     * @return null for success (404: already gone; 202, 204), else the failure to report
     */
    public static RegistryException failureOf(int status, String reason, String body) {
        if (status == 404 || status == 202 || status == 204) {
            return null;
        }
        if (status < 200 || status >= 400) {
            return new RegistryException(statusLine(status, reason), status >= 500, status, List.of(), null);
        }
        // a 2xx/3xx that is not a clean "done": the registry is expected to say why in its error list
        List<RegistryError> errors;
        try {
            errors = decodeErrors(body);
        } catch (JsonProcessingException e) {
            return new RegistryException(e.getOriginalMessage(), false, status, List.of(), e);
        }
        return new RegistryException(errorsText(errors), false, status, errors, null);
    }

    static List<RegistryError> decodeErrors(String body) throws JsonProcessingException {
        if (body == null || body.isBlank()) {
            // what Go's json.Decoder says about an empty body
            throw new JsonProcessingException("EOF") {
                private static final long serialVersionUID = 1L;
            };
        }
        JsonNode root = JSON.readTree(body);
        List<RegistryError> errors = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("errors");
        if (list != null && list.isArray()) {
            for (JsonNode e : list) {
                errors.add(new RegistryError(e.path("code").asText(""), e.path("message").asText(""),
                        e.hasNonNull("detail") ? e.get("detail") : null));
            }
        }
        return errors;
    }

    /** errcode.Errors' text: "&lt;nil&gt;" for none, the one error, or "errors:" and one line per error. */
    static String errorsText(List<RegistryError> errors) {
        if (errors.isEmpty()) {
            return "<nil>";
        }
        if (errors.size() == 1) {
            return errors.get(0).toString();
        }
        StringBuilder b = new StringBuilder("errors:\n");
        errors.forEach(e -> b.append(e).append('\n'));
        return b.toString();
    }
}
