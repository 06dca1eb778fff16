package io.imageprune.api;

import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RunSwitches;
import io.imageprune.prune.PruneSettings;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The query parameters shared by every endpoint that plans on the live graph: the option names of {@code plan},
 * read as strings and parsed by the one option parser, so each means what the flag means ({@code all=1} is true,
 * {@code all=yes} is a 400). Options not given take the configured defaults ({@code imageprune.plan.*}).
 */
final class PlanQuery {
    static final List<String> PARAMETERS = List.of("keep-tag-revisions", "keep-younger-than",
            "prune-over-size-limit", "all", "namespace", "ignore-invalid-refs", "invalid-refs", "prune-registry",
            "keep-pinned-images", "now", "oc-exact", "prune-orphan-signatures");

    private PlanQuery() {
    }

    /**
     * The run's options, checked in the order a client needs: a request that can never succeed (unknown parameter,
     * malformed value, a combination oc refuses) answers 400 whatever the state, then a graph that is not synced
     * answers 503.
     *
     * @throws WebApplicationException carrying the 400 or 503 response
     */
    static PruneOptions resolve(UriInfo uri, LiveGraph live, PruneSettings settings) {
        Map<String, String> query = QueryParameters.read(uri, PARAMETERS);
        PruneOptions options;
        try {
            PlanFlags flags = new PlanFlags(
                    value(query, "keep-tag-revisions", OptionValues::integer),
                    value(query, "keep-younger-than", OptionValues::duration),
                    value(query, "prune-over-size-limit", OptionValues::bool),
                    value(query, "all", OptionValues::bool),
                    value(query, "prune-registry", OptionValues::bool),
                    value(query, "namespace", OptionValues::namespace),
                    OptionValues.invalidRefs("invalid-refs", value(query, "invalid-refs", OptionValues::invalidRefs),
                            "ignore-invalid-refs", value(query, "ignore-invalid-refs", OptionValues::bool)),
                    value(query, "keep-pinned-images", OptionValues::bool));
            Instant now = query.containsKey("now") ? OptionValues.time("now", query.get("now")) : Instant.now();
            RunSwitches switches = new RunSwitches(value(query, "oc-exact", OptionValues::bool),
                    value(query, "prune-orphan-signatures", OptionValues::bool));
            options = settings.onLiveGraph(flags.resolve(now, settings.configuredDefaults()), switches);
        } catch (InvalidOptionException e) {
            throw QueryParameters.invalid(e);
        } catch (PlanFlags.InvalidFlagsException e) {
            throw QueryParameters.badRequest(e.flag(), e.getMessage());
        }
        if (!live.synced()) {
            throw error(Response.Status.SERVICE_UNAVAILABLE,
                    "the reference graph is not synced: " + live.notSyncedReason());
        }
        return options;
    }

    /** The parsed value, or null ("not given": the default applies). */
    private static <T> T value(Map<String, String> query, String name, BiFunction<String, String, T> parser) {
        return query.containsKey(name) ? parser.apply(name, query.get(name)) : null;
    }

    static WebApplicationException error(Response.Status status, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(message)).build());
    }
}
