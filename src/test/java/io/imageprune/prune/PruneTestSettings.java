package io.imageprune.prune;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The configuration the end-to-end prune tests share: one revision per tag kept, fast retries, no cap on the share
 * of images a run may delete, and POST /api/v1/runs open without authentication (these tests are about pruning;
 * RunsSecurityTest is about who may start runs). Each test class adds its own settings.
 */
abstract class PruneTestSettings implements QuarkusTestResourceLifecycleManager {
    @Override
    public final Map<String, String> start() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "imageprune.plan.keep-tag-revisions", "1",
                "imageprune.prune.initial-backoff", "20ms",
                "imageprune.prune.max-backoff", "100ms",
                "imageprune.prune.max-image-deletion-share", "1.0",
                "imageprune.api.runs.enabled", "true",
                "imageprune.api.runs.authenticate", "false"));
        settings.putAll(settings());
        return settings;
    }

    /** This class's own settings; they win over the shared ones. */
    abstract Map<String, String> settings();

    /**
     * Confirmed runs, only on request (no event-driven passes), everything old enough at once (the mock API stamps
     * objects with its own clock), and these settings besides.
     */
    static Map<String, String> confirmedOnRequest(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("imageprune.prune.confirm", "true",
                "imageprune.prune.event-driven", "false",
                "imageprune.plan.keep-younger-than", "0s"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return settings;
    }

    @Override
    public void stop() {
    }
}
