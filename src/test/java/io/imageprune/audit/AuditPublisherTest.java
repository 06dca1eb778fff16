package io.imageprune.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;
import io.imageprune.policy.Rule;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit events as another team's plain Kafka consumer sees them. */
@QuarkusTest
@WithTestResource(AuditKafka.class)
class AuditPublisherTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    @Inject
    AuditPublisher publisher;
    @Inject
    ImagePruneConfig config;
    @Inject
    MeterRegistry registry;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Test
    void everyActionAndTheSummaryReachAPlainConsumerKeyedByTargetInOrder() throws Exception {
        assertEquals(AuditKafka.TOPIC, config.kafka().topic().deletions(), "the test's own topic");
        String runId = "run-" + System.nanoTime();
        List<ActionRecord> actions = actions();
        // what each key must show, in the order it was published
        Map<String, List<String>> sentIdsByKey = new LinkedHashMap<>();
        // the whole document each event must arrive as: the connector writes the envelope from its attributes
        Map<String, JsonNode> documents = new LinkedHashMap<>();
        AuditEvents expected = new AuditEvents("/imageprune/audit-test");
        for (int i = 0; i < actions.size(); i++) {
            ActionRecord action = actions.get(i);
            AuditEvent event = expected.action(runId, false, START.plusMillis(i), action);
            documents.put(event.id(), MAPPER.readTree(event.json()));
            publisher.action(runId, false, START.plusMillis(i), action);
            sentIdsByKey.computeIfAbsent(action.target(), k -> new ArrayList<>())
                    .add(AuditEvents.actionId(runId, action));
        }
        RunSummary run = new RunSummary(runId, "api", false, START, START.plusSeconds(5), null,
                new PruneStats(1, 1, 1, 2, 1, 2), 3072, List.of("blob sha256:f: 500"), 1, 1);
        AuditEvent summaryEvent = expected.summary(run);
        documents.put(summaryEvent.id(), MAPPER.readTree(summaryEvent.json()));
        publisher.summary(run);
        publisher.flush();

        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(AuditKafka.TOPIC));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return received.size() >= actions.size() + 1;
            });
            // anything beyond N+1 (a duplicate from a retried send) would arrive with the rest: one more poll sees it
            consumer.poll(Duration.ofMillis(500)).forEach(received::add);
        }
        assertEquals(actions.size() + 1, received.size(), "exactly one record per action plus the summary");

        Map<String, List<String>> receivedIdsByKey = new LinkedHashMap<>();
        JsonNode summary = null;
        for (ConsumerRecord<String, String> record : received) {
            Header contentType = record.headers().lastHeader("content-type");
            assertNotNull(contentType, "content-type header of " + record.key());
            assertEquals("application/cloudevents+json", new String(contentType.value(), StandardCharsets.UTF_8));
            JsonNode event = MAPPER.readTree(record.value());
            assertEquals(documents.get(event.get("id").asText()), event, "the whole document, as before the connector");
            for (String attribute : List.of("specversion", "id", "source", "type", "subject", "time")) {
                assertTrue(event.hasNonNull(attribute), attribute + " missing in " + record.value());
            }
            assertEquals("1.0", event.get("specversion").asText());
            assertEquals("/imageprune/audit-test", event.get("source").asText());
            assertEquals("application/json", event.get("datacontenttype").asText());
            assertEquals(record.key(), event.get("subject").asText(), "key = subject = target");
            assertEquals(runId, event.get("data").get("runId").asText());
            Instant.parse(event.get("time").asText());
            if (event.get("type").asText().equals(AuditEvents.RUN_COMPLETED)) {
                summary = event;
            } else {
                assertEquals(record.key(), event.get("data").get("target").asText());
                receivedIdsByKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(event.get("id").asText());
            }
        }
        assertEquals(sentIdsByKey, receivedIdsByKey, "every action once, in order per target");
        assertNotNull(summary, "the summary event");
        assertEquals(runId, summary.get("subject").asText());
        assertEquals(3072, summary.get("data").get("bytesReclaimed").asLong());

        assertEquals(actions.size() + 1.0, registry.find(AuditPublisher.EVENTS).counters().stream()
                .mapToDouble(c -> c.count()).sum(), "successes counted");
        assertEquals(3.0, registry.get(AuditPublisher.EVENTS).tag("type", "io.imageprune.layerlink.deleted")
                .counter().count());
        assertEquals(0.0, registry.find(AuditPublisher.FAILURES).counters().stream()
                .mapToDouble(c -> c.count()).sum());
        assertEquals(TopicConfig.CLEANUP_POLICY_DELETE, cleanupPolicy());
    }

    /** Several actions on each of a few targets, so order per key is observable across the topic's partitions. */
    private static List<ActionRecord> actions() {
        List<ActionRecord> actions = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String blob = "sha256:" + Integer.toHexString(0xa0 + t).repeat(32);
            String image = "sha256:" + Integer.toHexString(0xe0 + t).repeat(32);
            actions.add(new ActionRecord(ActionKind.STREAM_UPDATE, "ns" + t + "/app", "ns" + t + "/app", null, 0,
                    Rule.OLD_REVISION, Outcome.DONE, null));
            actions.add(new ActionRecord(ActionKind.LAYER_LINK, blob, "ns" + t + "/app", blob, 0,
                    Rule.LAST_LINK_IN_REPOSITORY, t == 1 ? Outcome.FAILED : Outcome.DONE, t == 1 ? "503" : null));
            actions.add(new ActionRecord(ActionKind.MANIFEST_LINK, image, "ns" + t + "/app", image, 0,
                    Rule.LAST_LINK_IN_REPOSITORY, Outcome.DONE, null));
            actions.add(new ActionRecord(ActionKind.BLOB, blob, "", blob, 1024, Rule.LAST_IMAGE_USING_BLOB,
                    t == 2 ? Outcome.LEFT_FOR_GC : Outcome.DONE, null));
            actions.add(new ActionRecord(ActionKind.IMAGE, image, "", image, 0, Rule.UNREFERENCED_IMAGE,
                    t == 3 ? Outcome.SAVED : Outcome.ALREADY_GONE, t == 3 ? "a new pod uses it" : null));
        }
        return actions;
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG, "audit-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private String cleanupPolicy() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.get("bootstrap.servers")))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, AuditKafka.TOPIC);
            Map<ConfigResource, Config> configs = admin.describeConfigs(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
            assertEquals(config.kafka().topic().partitions(),
                    admin.describeTopics(Set.of(AuditKafka.TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                            .get(AuditKafka.TOPIC).partitions().size(), "partitions from the configuration");
            return configs.get(topic).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
        }
    }
}
