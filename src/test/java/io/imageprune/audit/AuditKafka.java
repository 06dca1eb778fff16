package io.imageprune.audit;

import io.imageprune.pipeline.InProcessKafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The in-process broker without the ingest and state roles (no cluster API needed), and an audit topic of the
 * test's own so that it only ever holds what {@link AuditPublisherTest} sent.
 */
public class AuditKafka extends InProcessKafka {
    static final String TOPIC = "imageprune.audit-test.deletions";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("imageprune.ingest.enabled", "false");
        config.put("imageprune.state.enabled", "false");
        // the audit channel opens with the state role; this test drives the publisher alone
        config.put("mp.messaging.outgoing.imageprune-audit.enabled", "true");
        config.put("imageprune.kafka.topic.deletions", TOPIC);
        config.put("imageprune.audit.source", "/imageprune/audit-test");
        return config;
    }
}
