package io.imageprune.snapshot;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The warm-up document must stay a valid snapshot that exercises every kind (its failures are swallowed). */
class WarmupTest {
    @Test
    void documentLoads() {
        LoadStats stats = new SnapshotLoader().load(
                new ByteArrayInputStream(Warmup.DOCUMENT.getBytes(StandardCharsets.UTF_8)), new SnapshotSink() {
                });
        assertEquals(Map.ofEntries(Map.entry("Image", 2), Map.entry("ImageStream", 1), Map.entry("Pod", 1),
                Map.entry("ReplicationController", 1), Map.entry("ReplicaSet", 1), Map.entry("Deployment", 1),
                Map.entry("DaemonSet", 1), Map.entry("StatefulSet", 1), Map.entry("Job", 1),
                Map.entry("CronJob", 1), Map.entry("DeploymentConfig", 1), Map.entry("Build", 2),
                Map.entry("BuildConfig", 1), Map.entry("LimitRange", 1)), stats.loaded());
        assertEquals(Map.of("ConfigMap", 1, "Service", 1), stats.skipped());
        Warmup.once();
        Warmup.once();
    }
}
