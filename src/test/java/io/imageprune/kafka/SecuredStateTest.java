package io.imageprune.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.audit.AuditPublisher;
import io.imageprune.audit.RunSummary;
import io.imageprune.cli.ImagePruneCommand;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.PruneStats;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code publish}, the state consumer and the audit channel over SASL_SSL with SCRAM-SHA-512, from configuration
 * alone: the admin client creates the topics, the producer writes the example snapshot and its sync marker, the
 * consumer replays them into a synced graph, and the connector's audit channel writes an event that is read back, its
 * readiness check asking the secured broker. {@link MutualTlsStateTest} runs the same over the mTLS listener.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@TestProfile(SecuredStateProfile.class)
class SecuredStateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    CommandLine.IFactory factory;
    @Inject
    LiveGraph live;
    @Inject
    AuditPublisher audit;
    @Inject
    KafkaClientService clients;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Test
    void publishAndSync() {
        // the broker and its topics are shared by the test classes over its listeners: this class's own marker
        String ingestId = "secured-test-" + System.nanoTime();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(ImagePruneCommand.class, factory).setErr(new PrintWriter(err))
                .execute("publish", "--snapshot", "examples/cluster.json", "--ingest-id", ingestId);
        assertEquals(0, exit, err.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> live.synced() && live.lastMarker() != null
                && live.lastMarker().ingestId().equals(ingestId));
        assertTrue(live.read(graph -> graph.imageCount()) > 0, "the snapshot's images reached the graph");
    }

    @Test
    void theAuditChannelWritesAndFeedsReadiness() throws Exception {
        assertTrue(clients.getProducerChannels().contains(AuditPublisher.CHANNEL), "the state role opens it");
        String runId = "secured-run-" + System.nanoTime();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        audit.summary(new RunSummary(runId, "api", true, start, start.plusSeconds(1), null,
                new PruneStats(0, 0, 0, 0, 0, 0), 0, List.of(), 0, 0));
        audit.flush();

        String topic = config.kafka().topic().deletions();
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaClientConfig.consumer(kafka, Map.of()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (runId.equals(record.key())) {
                        events.add(MAPPER.readTree(record.value()));
                    }
                }
                return !events.isEmpty();
            });
        }
        assertEquals(1, events.size());
        assertEquals("io.imageprune.run.completed", events.get(0).get("type").asText());
        assertEquals(runId, events.get(0).get("subject").asText());

        // the connector's readiness asks the secured broker for the audit topic
        await().atMost(Duration.ofSeconds(60)).until(() -> channelReadiness() != null
                && channelReadiness().get("status").asText().equals("UP"));
    }

    /** The connector's readiness check when it names the audit channel, else null. */
    private static JsonNode channelReadiness() throws Exception {
        JsonNode health = MAPPER.readTree(given().get("/q/health/ready").asString());
        for (JsonNode check : health.get("checks")) {
            if (check.has("data") && check.get("data").has(AuditPublisher.CHANNEL)) {
                return check;
            }
        }
        return null;
    }
}
