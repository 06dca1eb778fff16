package io.imageprune.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/** The ingest's metric names, and their series registered at zero before the first event. */
public final class IngestMetrics {
    static final String EVENTS = "imageprune.ingest.events";
    static final String EVENTS_BAD = "imageprune.ingest.events.bad";
    static final String PUBLISH_FAILURES = "imageprune.ingest.publish.failures";
    static final String FAULTS = "imageprune.ingest.faults";
    static final String RELISTS = "imageprune.ingest.relists";
    static final String IDENTITIES_INVALID = "imageprune.ingest.identities.invalid";

    private IngestMetrics() {
    }

    public static void registerFamilies(MeterRegistry registry) {
        for (WatchedKind kind : WatchedKind.ALL) {
            for (String operation : List.of("add", "update", "delete")) {
                Counter.builder(EVENTS).tag("kind", kind.kind()).tag("operation", operation).register(registry);
            }
            Counter.builder(EVENTS_BAD).tag("kind", kind.kind()).register(registry);
            Counter.builder(IDENTITIES_INVALID).tag("kind", kind.kind()).register(registry);
        }
        Counter.builder(PUBLISH_FAILURES).register(registry);
        Counter.builder(FAULTS).register(registry);
        Counter.builder(RELISTS).register(registry);
    }
}
