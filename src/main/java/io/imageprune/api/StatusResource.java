package io.imageprune.api;

import io.imageprune.prune.PrunerStatus;

import io.imageprune.cluster.ClusterLocation;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.LiveGraph;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/status}: whether the graph is synced, the ingest epoch it reflects, the lag and what it holds. */
@Path("/api/v1/status")
public class StatusResource {
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
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("synced", live.synced());
        if (!live.synced()) {
            status.put("notSyncedReason", live.notSyncedReason());
        }
        SyncMarker marker = live.lastMarker();
        status.put("ingestEpoch", marker == null ? null : marker.epoch());
        status.put("ingestListedAt", marker == null ? null : marker.listedAt().toString());
        status.put("lag", live.lag());
        status.put("objects", live.objectsPerKind());
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
}
