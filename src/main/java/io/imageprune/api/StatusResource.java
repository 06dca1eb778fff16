package io.imageprune.api;

import io.imageprune.prune.PrunerStatus;

import io.imageprune.cluster.ClusterLocation;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.model.NamespaceScope;
import io.imageprune.policy.PartialGraph;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/status}: whether the graph is synced (and why not: e.g. "Kafka unreachable since …"), the ingest
 * epoch it reflects, the lag, the Kafka connection and the newest sync marker's age, and what the graph holds.
 */
@Path("/api/v1/status")
public class StatusResource {
    /** Identity problems listed at most; the metric imageprune_state_identities_invalid counts them all. */
    private static final int MAX_LISTED = 100;

    private final LiveGraph live;
    private final ClusterIngest ingest;
    private final PrunerStatus pruner;
    private final ClusterLocation cluster;

    public StatusResource(LiveGraph live, ClusterIngest ingest, PrunerStatus pruner, ClusterLocation cluster) {
        this.live = live;
        this.ingest = ingest;
        this.pruner = pruner;
        this.cluster = cluster;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Whether the graph is synced and fresh, and why not; Kafka, ingest and pruning state",
            description = "Answers whether or not the graph is synced (the service is then not ready).")
    @APIResponse(responseCode = "200", description = "The status")
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        String notSynced = live.notSyncedReason();
        status.put("synced", notSynced == null);
        if (notSynced != null) {
            status.put("notSyncedReason", notSynced);
        }
        SyncMarker marker = live.lastMarker();
        status.put("ingestEpoch", marker == null ? null : marker.epoch());
        status.put("ingestListedAt", marker == null ? null : marker.listedAt().toString());
        status.put("lag", live.lag());
        status.put("kafka", live.kafkaStatus());
        status.put("newestMarker", live.markerStatus());
        status.put("scope", scopeStatus(live.scope()));
        status.put("unreadable", live.unreadableStatus());
        status.put("objects", live.objectsPerKind());
        status.put("invalidIdentities", live.read(graph -> {
            List<String> problems = graph.identityProblems("");
            return problems.size() <= MAX_LISTED ? problems : problems.subList(0, MAX_LISTED);
        }));
        ClusterLocation.Where where = cluster.where();
        Map<String, Object> clusterStatus = new LinkedHashMap<>();
        clusterStatus.put("configured", where.known());
        clusterStatus.put("apiServer", where.apiServer());
        clusterStatus.put(where.known() ? "from" : "problem", where.from());
        status.put("cluster", clusterStatus);
        status.put("ingestKinds", ingest.kindStatus());
        status.put("pruning", pruner.pruning());
        status.put("conditions", pruner.conditions());
        return status;
    }

    /** What the graph covers, and what runs on it leave out because of it. */
    private static Map<String, Object> scopeStatus(NamespaceScope scope) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("all", scope.all());
        status.put("known", scope.known());
        status.put("namespaces", scope.all() ? null : List.copyOf(scope.namespaces()));
        status.put("limit", PartialGraph.limit(scope));
        return status;
    }
}
