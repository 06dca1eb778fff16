package io.imageprune.api;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.state.LiveGraph;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the live graph is synced; a pod that only ingests is ready at once. */
@Readiness
@ApplicationScoped
public class SyncedReadiness implements HealthCheck {
    private final LiveGraph live;
    private final ImagePruneConfig config;

    public SyncedReadiness(LiveGraph live, ImagePruneConfig config) {
        this.live = live;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.state().enabled()) {
            return HealthCheckResponse.named("state-graph").up().withData("role", "ingest only").build();
        }
        var response = HealthCheckResponse.named("state-graph").status(live.synced()).withData("lag", live.lag());
        if (!live.synced()) {
            response.withData("reason", live.notSyncedReason());
        }
        return response.build();
    }
}
