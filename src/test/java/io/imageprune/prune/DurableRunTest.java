package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.TagEvent;
import io.imageprune.audit.AuditEvents;
import io.imageprune.audit.AuditReader;
import io.imageprune.audit.Intent;
import io.imageprune.audit.PlannedLinks;
import io.imageprune.audit.UnfinishedLink;
import io.imageprune.audit.RecoveredRun;
import io.imageprune.audit.RunJournal;
import io.imageprune.audit.RunStart;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.policy.Rule;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durable runs against a real broker, the real registry behind the fault proxy and the CRUD mock API: every request
 * of a confirmed run has its intent on the audit topic before the registry sees it, no request goes out once the
 * broker cannot acknowledge, and a run left without its closing event is listed INTERRUPTED after a restart and
 * completed exactly once.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(DurableRunTest.StoppableKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@WithTestResource(DurableRunTest.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DurableRunTest extends RegistryServiceTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Confirmed runs on request, one stream or image at a time, intents acknowledged within 2 s or not sent. */
    public static class Settings extends PruneTestSettings {
        @Override
        Map<String, String> settings() {
            return confirmedOnRequest("imageprune.prune.num-workers", "1",
                    "imageprune.audit.intent-timeout", "2s");
        }
    }

    /** The in-process broker, reachable so that a test can stop it. */
    public static class StoppableKafka extends InProcessKafka {
        private static StoppableKafka current;

        @Override
        public Map<String, String> start() {
            current = this;
            return super.start();
        }

        static void stopBroker() {
            current.cluster().brokers().values().forEach(broker -> broker.shutdown());
        }
    }

    @Inject
    ImagePruneConfig config;
    @Inject
    AuditReader reader;
    @Inject
    RunJournal journal;
    @Inject
    MeterRegistry registry;
    @Inject
    UnfinishedLinks unfinishedLinks;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @BeforeEach
    void connect() {
        use(RegistryTestbed.connectAfresh(server, WAIT, live::synced, recovery::recovered));
    }

    // Each case builds its own images in a namespace of its own and is written out whole, so that a failure shows
    // its case: their openings look alike (the duplicates tool pairs them), what they test does not.
    @Test
    @Order(1)
    void everyRequestHasItsIntentOnTheTopicBeforeItIsSent() throws Exception {
        PushedImage a1 = pusher.push("dur1/app", "a1", List.of("durable one"));
        PushedImage a2 = pusher.push("dur1/app", "a2", List.of("durable two"));
        PushedImage a3 = pusher.push("dur1/app", "a3", List.of("durable three"));
        cluster.mirror("dur1/app", List.of(a3, a2, a1));
        LivePlan.awaitDeletes(WAIT, Set.of(a1.manifestDigest(), a2.manifestDigest()));
        // as each DELETE reaches the proxy, and before it is forwarded: is its intent within the topic's end now?
        Map<String, Intent> expected = new HashMap<>();
        for (PushedImage gone : List.of(a1, a2)) {
            expected.put("/v2/dur1/app/manifests/" + gone.manifestDigest(),
                    Intent.manifestLink("dur1/app", gone.manifestDigest()));
            expected.put("/v2/dur1/app/blobs/" + gone.layerDigest(), Intent.layerLink("dur1/app", gone.layerDigest()));
            expected.put("/v2/dur1/app/blobs/" + gone.configDigest(),
                    Intent.layerLink("dur1/app", gone.configDigest()));
        }
        List<String> checked = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        expected.forEach((path, intent) -> proxy.onRequest(FaultProxy.matching("DELETE",
                java.util.regex.Pattern.quote(path)), () -> {
                    checked.add(path);
                    if (!intentsUpToTheEnd().contains(intent)) {
                        violations.add(path + " arrived before its intent " + intent + " was on the topic");
                    }
                }));

        JsonNode run = RunsApi.runToCompletion(WAIT);

        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertEquals(expected.keySet(), Set.copyOf(checked), "every planned DELETE was checked as it arrived");
        assertEquals(List.of(), violations);
        assertTrue(pusher.pull("dur1/app", a3.manifestDigest()), "the kept image still pulls");

        // the API writes: intent, then outcome, in one partition; the run opens with its start
        List<JsonNode> events = events(run.get("id").asText());
        assertEquals(AuditEvents.RUN_STARTED, events.stream().map(e -> e.get("type").asText())
                .filter(t -> t.startsWith("io.imageprune.run.")).findFirst().orElseThrow());
        JsonNode started = events.stream().filter(e -> e.get("type").asText().equals(AuditEvents.RUN_STARTED))
                .findFirst().orElseThrow();
        assertEquals(1, started.get("data").get("planned").get("streams").asInt(), started.toString());
        assertEquals(4, started.get("data").get("planned").get("layerLinks").asInt(), started.toString());
        assertEquals("true", started.get("data").get("settings").get("pruneRegistry").asText());
        for (Intent write : List.of(Intent.streamUpdate("dur1/app"), Intent.image(a1.manifestDigest()),
                Intent.image(a2.manifestDigest()))) {
            String actionId = write.actionId(run.get("id").asText());
            int intent = indexOf(events, e -> e.get("type").asText().equals(AuditEvents.ACTION_INTENDED)
                    && e.get("data").get("actionId").asText().equals(actionId));
            int outcome = indexOf(events, e -> e.get("id").asText().equals(actionId));
            assertTrue(intent >= 0 && intent < outcome, write + ": intent " + intent + ", outcome " + outcome);
        }
        int intents = (int) events.stream().filter(e -> e.get("type").asText().equals(AuditEvents.ACTION_INTENDED))
                .count();
        assertEquals(6 + 1 + 2, intents, "one intent per request sent (links, the stream, the images)");
    }

    @Test
    @Order(2)
    void aRunWithoutItsClosingEventIsInterruptedAfterARestartAndCompletedOnce() throws Exception {
        String runId = "interrupted-" + System.nanoTime();
        Instant started = Instant.now().minusSeconds(60);
        String digest = "sha256:" + "9f".repeat(32);
        AuditEvents events = new AuditEvents("/imageprune/test");
        ActionRecord streamDone = new ActionRecord(ActionKind.STREAM_UPDATE, "dur2/app", "dur2/app", null, 0,
                Rule.OLD_REVISION, Outcome.DONE, null);
        // what a process killed mid-run leaves: its start, a written stream, a link whose DELETE may have happened
        publish(List.of(events.started(new RunStart(runId, "api", false, "all", started, Map.of(), Map.of())),
                events.intent(runId, started.plusSeconds(1), Intent.streamUpdate("dur2/app")),
                events.action(runId, false, started.plusSeconds(2), streamDone),
                events.intent(runId, started.plusSeconds(3), Intent.layerLink("dur2/app", digest))));

        // a start of a new process: a history of its own, the topic read back
        RunHistory firstHistory = new RunHistory(config);
        DeletionBudget budget = new DeletionBudget(Duration.ofHours(1), Map.of(ActionKind.LAYER_LINK, 1000));
        List<RecoveredRun> interrupted = new RunRecovery(reader, journal, firstHistory, config, registry, budget,
                new UnfinishedLinks()).recover(() -> true, Instant.now());
        assertTrue(budget.used(ActionKind.LAYER_LINK, Instant.now()) >= 1,
                "the rolling window counts the link whose DELETE may have happened");

        assertEquals(List.of(runId), interrupted.stream().map(RecoveredRun::runId).toList());
        RunReport report = firstHistory.report(runId).orElseThrow();
        assertEquals("INTERRUPTED", report.state());
        assertEquals(List.of(Intent.layerLink("dur2/app", digest)), report.sentWithoutOutcome());
        assertEquals(1, report.stats().updatedImageStreams());
        assertEquals(1, completions(runId).size(), "its closing event was written");
        assertEquals("INTERRUPTED", completions(runId).get(0).get("data").get("state").asText());

        // the next start finds it completed: listed the same, and not completed again
        RunHistory secondHistory = new RunHistory(config);
        RunRecovery second = new RunRecovery(reader, journal, secondHistory, config, registry,
                new DeletionBudget(Duration.ofHours(1), Map.of()), new UnfinishedLinks());
        assertEquals(List.of(), second.recover(() -> true, Instant.now()).stream()
                .filter(r -> r.runId().equals(runId)).toList());
        RunReport again = secondHistory.report(runId).orElseThrow();
        assertEquals("INTERRUPTED", again.state());
        assertEquals(report.sentWithoutOutcome(), again.sentWithoutOutcome());
        assertEquals(1, completions(runId).size(), "written once");

        // the completed run of the first test survives a restart too, and its deletions count for rolling budgets
        assertTrue(secondHistory.reports().stream().anyMatch(r -> r.state().equals("SUCCEEDED")
                && r.stats().deletedLayerLinks() == 4), secondHistory.reports().toString());
        assertTrue(second.deletions().count(ActionKind.LAYER_LINK, started) >= 4 + 1,
                "the first test's 4 links and the unanswered intent: " + second.deletions());
        assertTrue(second.deletions().count(ActionKind.IMAGE, started) >= 2, second.deletions().toString());
    }

    @Test
    @Order(3)
    void theNextRunDeletesTheLinksAnInterruptedRunLeftAfterItsStreamWrite() throws Exception {
        PushedImage old = pusher.push("dur4/app", "old", List.of("left behind"));
        PushedImage retagged = pusher.push("dur4/app", "again", List.of("tagged again"));
        String repo = "dur4/app";
        // the stream as the interrupted run wrote it, after which `retagged` was tagged again
        cluster.mirror(repo, List.of(retagged));
        await().atMost(WAIT).until(() -> live.read(graph -> graph.stream(repo) != null
                && graph.image(retagged.manifestDigest()) != null));

        String runId = "left-links-" + System.nanoTime();
        Instant started = Instant.now().minusSeconds(30);
        AuditEvents events = new AuditEvents("/imageprune/test");
        PlannedLinks planned = new PlannedLinks(
                List.of(old.layerDigest(), old.configDigest(), retagged.layerDigest(), retagged.configDigest()),
                List.of(old.manifestDigest(), retagged.manifestDigest()),
                List.of(old.manifestDigest(), retagged.manifestDigest()));
        ActionRecord streamDone = new ActionRecord(ActionKind.STREAM_UPDATE, repo, repo, null, 0, Rule.OLD_REVISION,
                Outcome.DONE, null);
        ActionRecord configDone = new ActionRecord(ActionKind.LAYER_LINK, old.configDigest(), repo,
                old.configDigest(), 0, Rule.LAST_LINK_IN_REPOSITORY, Outcome.DONE, null);
        // killed after the stream write and one link DELETE: the others are still in the registry
        publish(List.of(events.started(new RunStart(runId, "api", false, "all", started, Map.of(), Map.of())),
                events.intent(runId, started.plusSeconds(1), Intent.streamUpdate(repo), planned),
                events.action(runId, false, started.plusSeconds(2), streamDone),
                events.intent(runId, started.plusSeconds(3), Intent.layerLink(repo, old.configDigest())),
                events.action(runId, false, started.plusSeconds(4), configDone)));
        recovery.recover(() -> true, Instant.now());
        assertEquals(Set.of(Intent.layerLink(repo, old.layerDigest()), Intent.layerLink(repo, retagged.layerDigest()),
                        Intent.layerLink(repo, retagged.configDigest()), Intent.manifestLink(repo, old.manifestDigest()),
                        Intent.manifestLink(repo, retagged.manifestDigest())),
                unfinishedLinks.pending().stream().filter(l -> l.repository().equals(repo))
                        .map(UnfinishedLink::intent).collect(java.util.stream.Collectors.toSet()));

        JsonNode run = RunsApi.runToCompletion(WAIT);

        assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
        assertEquals(List.of("/v2/dur4/app/blobs/" + old.layerDigest(), "/v2/dur4/app/manifests/"
                + old.manifestDigest()), proxy.requests("DELETE", "/v2/dur4/.*").stream()
                .map(FaultProxy.Recorded::path).toList(), "exactly the links left undeleted and no longer used");
        assertEquals(404, pusher.blobStatus(repo, old.layerDigest()));
        assertEquals(404, pusher.manifestStatus(repo, old.manifestDigest()));
        assertTrue(pusher.pull(repo, retagged.manifestDigest()), "the stream uses it again: its links stay");
        assertEquals(List.of(), unfinishedLinks.pending().stream().filter(l -> l.repository().equals(repo)).toList(),
                "done, or saved: forgotten");

        // neither the next run nor the next start asks for them again
        proxy.clearRequests();
        assertEquals("SUCCEEDED", RunsApi.runToCompletion(WAIT).get("state").asText());
        assertEquals(List.of(), proxy.requests("DELETE", "/v2/dur4/.*"));
        recovery.recover(() -> true, Instant.now());
        assertEquals(List.of(), unfinishedLinks.pending().stream().filter(l -> l.repository().equals(repo)).toList(),
                "the topic shows them finished");
    }

    /** Last: the broker stays down. */
    @Test
    @Order(4)
    void noRequestIsSentOnceTheBrokerCannotAcknowledgeItsIntent() throws Exception {
        PushedImage b1 = pusher.push("dur3/first", "b1", List.of("first one"));
        PushedImage b2 = pusher.push("dur3/first", "b2", List.of("first two"));
        PushedImage c1 = pusher.push("dur3/second", "c1", List.of("second one"));
        PushedImage c2 = pusher.push("dur3/second", "c2", List.of("second two"));
        cluster.mirror("dur3/first", List.of(b2, b1));
        cluster.mirror("dur3/second", List.of(c2, c1));
        LivePlan.awaitDeletes(WAIT, Set.of(b1.manifestDigest(), c1.manifestDigest()));
        // the first DELETE (its intent acknowledged) stops the broker before it is forwarded
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/dur3/.*"), StoppableKafka::stopBroker);

        JsonNode run = RunsApi.awaitEnd(RunsApi.start(), WAIT);

        assertEquals(1, proxy.requests("DELETE", ".*").size(), "nothing after the broker stopped: "
                + proxy.requests("DELETE", ".*"));
        assertEquals("FAILED", run.get("state").asText(), run.toString());
        assertTrue(run.get("failures").toString().contains("not acknowledged"), run.toString());
        // the other stream was not written, and no image was deleted
        assertEquals(List.of(c2.manifestDigest(), c1.manifestDigest()), client.imageStreams().inNamespace("dur3")
                .withName("second").get().getStatus().getTags().get(0).getItems().stream().map(TagEvent::getImage)
                .toList());
        for (PushedImage image : List.of(b1, c1)) {
            assertNotNull(client.images().withName(image.manifestDigest()).get(), image.manifestDigest());
        }
        assertTrue(pusher.pull("dur3/second", c1.manifestDigest()), "untouched in the registry");
        assertFalse(run.get("failures").isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Every record of the audit topic up to its end as of this call, in partition order. */
    private List<ConsumerRecord<String, String>> recordsUpToTheEnd() {
        return new AuditTopic(kafka, config.kafka().topic().deletions(), WAIT).recordsUpToTheEnd();
    }

    private Set<Intent> intentsUpToTheEnd() {
        return new AuditTopic(kafka, config.kafka().topic().deletions(), WAIT).intents();
    }

    /** The run's events, partition by partition in offset order. */
    private List<JsonNode> events(String runId) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>(recordsUpToTheEnd());
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records.stream().map(r -> AuditTopic.read(r.value()))
                .filter(e -> runId.equals(e.get("data").get("runId").asText())).toList();
    }

    private List<JsonNode> completions(String runId) {
        return events(runId).stream().filter(e -> e.get("type").asText().equals(AuditEvents.RUN_COMPLETED)).toList();
    }

    private static int indexOf(List<JsonNode> events, java.util.function.Predicate<JsonNode> match) {
        for (int i = 0; i < events.size(); i++) {
            if (match.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private void publish(List<io.imageprune.audit.AuditEvent> events) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (io.imageprune.audit.AuditEvent event : events) {
                producer.send(new ProducerRecord<>(config.kafka().topic().deletions(), event.key(), event.json()))
                        .get();
            }
        }
    }
}
