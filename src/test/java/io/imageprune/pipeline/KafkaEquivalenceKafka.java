package io.imageprune.pipeline;

import java.util.HashMap;
import java.util.Map;

/**
 * The in-process broker of {@link InProcessKafka} for {@link KafkaEquivalenceTest}: the state consumer only (no
 * ingest, no cluster API: the test writes the state topic itself), on topics of its own so that it never reads what
 * {@link PipelineTest} wrote, nor the other way round.
 */
public class KafkaEquivalenceKafka extends InProcessKafka {
    static final String STATE_TOPIC = "imageprune.kafka-equivalence.cluster-state";
    static final String DLQ_TOPIC = "imageprune.kafka-equivalence.cluster-state.dlq";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("imageprune.ingest.enabled", "false");
        config.put("imageprune.state.enabled", "true");
        config.put("imageprune.kafka.topic.state", STATE_TOPIC);
        config.put("imageprune.kafka.topic.dlq", DLQ_TOPIC);
        return config;
    }
}
