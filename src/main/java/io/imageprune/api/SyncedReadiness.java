package io.imageprune.api;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.state.LiveGraph;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the live graph is synced and fresh (the broker answers, a recent sync marker, the lag known and within
 * max-lag), so a rollout waits for the new pod's replay and an outage takes the pod out; a pod that only ingests is
 * ready at once.
 */
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
        long lag = live.lag();
        String reason = live.notSyncedReason();
        if (reason == null && lag > config.prune().maxLag()) {
            reason = "the state consumer is " + lag + " records behind, more than imageprune.prune.max-lag="
                    + config.prune().maxLag();
        }
        var response = HealthCheckResponse.named("state-graph").status(reason == null).withData("lag", lag);
        if (reason != null) {
            response.withData("reason", reason);
        }
        return response.build();
    }
}
