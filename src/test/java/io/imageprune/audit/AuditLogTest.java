package io.imageprune.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;
import io.imageprune.policy.Rule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The durable-run events as written, and the audit topic read back from them. */
class AuditLogTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AuditEvents EVENTS = new AuditEvents("/imageprune/test");
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String REPO = "ns1/app";
    private static final String LAYER = "sha256:" + "1a".repeat(32);
    private static final String MANIFEST = "sha256:" + "2b".repeat(32);
    private static final String OTHER = "sha256:" + "3c".repeat(32);

    @Test
    void runStartedCarriesSettingsAndPlannedCountsInAFixedOrder() throws Exception {
        RunStart start = new RunStart("run-1", "api", false, "all", T0,
                Map.of("pruneRegistry", "true", "keepTagRevisions", "3"), Map.of("streams", 2, "layerLinks", 5));
        AuditEvent event = EVENTS.started(start);
        assertEquals("io.imageprune.run.started", event.type());
        assertEquals("run-1", event.key());
        assertEquals("{\"specversion\":\"1.0\",\"id\":\"" + event.id() + "\",\"source\":\"/imageprune/test\","
                + "\"type\":\"io.imageprune.run.started\",\"subject\":\"run-1\",\"time\":\"2026-12-01T10:00:00Z\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"runId\":\"run-1\",\"trigger\":\"api\","
                + "\"dryRun\":false,\"targets\":\"all\",\"startedAt\":\"2026-12-01T10:00:00Z\","
                + "\"settings\":{\"keepTagRevisions\":\"3\",\"pruneRegistry\":\"true\"},"
                + "\"planned\":{\"layerLinks\":5,\"streams\":2}}}", event.json());
        assertEquals(event.id(), EVENTS.started(start).id(), "the same run always has the same start id");
    }

    @Test
    void anIntentSharesKeyAndActionIdWithItsOutcomeButNotItsEventId() throws Exception {
        Intent intent = Intent.layerLink(REPO, LAYER);
        AuditEvent event = EVENTS.intent("run-1", T0, intent);
        ActionRecord outcome = new ActionRecord(ActionKind.LAYER_LINK, LAYER, REPO, LAYER, 0,
                Rule.LAST_LINK_IN_REPOSITORY, Outcome.DONE, null);
        AuditEvent done = EVENTS.action("run-1", false, T0.plusSeconds(1), outcome);
        JsonNode data = MAPPER.readTree(event.json()).get("data");
        assertEquals("io.imageprune.action.intended", event.type());
        assertEquals(done.key(), event.key(), "one partition: the intent is read before its outcome");
        assertEquals(done.id(), data.get("actionId").asText());
        assertFalse(done.id().equals(event.id()), "an intent is an event of its own");
        assertEquals("LAYER_LINK", data.get("kind").asText());
        assertEquals(REPO, data.get("repository").asText());
        assertEquals(LAYER, data.get("digest").asText());
        // every factory names its action as the ledger's outcome does
        assertEquals(EVENTS.action("r", false, T0, new ActionRecord(ActionKind.IMAGE, MANIFEST, "", MANIFEST, 0,
                Rule.OLD_REVISION, Outcome.DONE, null)).id(), Intent.image(MANIFEST).actionId("r"));
        assertEquals(EVENTS.action("r", false, T0, new ActionRecord(ActionKind.BLOB, LAYER, "", LAYER, 0,
                Rule.LAST_IMAGE_USING_BLOB, Outcome.DONE, null)).id(), Intent.blob(LAYER).actionId("r"));
        assertEquals(EVENTS.action("r", false, T0, new ActionRecord(ActionKind.STREAM_UPDATE, REPO, REPO, null, 0,
                Rule.OLD_REVISION, Outcome.DONE, null)).id(), Intent.streamUpdate(REPO).actionId("r"));
        assertEquals(EVENTS.action("r", false, T0, new ActionRecord(ActionKind.MANIFEST_LINK, MANIFEST, REPO,
                MANIFEST, 0, Rule.LAST_LINK_IN_REPOSITORY, Outcome.DONE, null)).id(),
                Intent.manifestLink(REPO, MANIFEST).actionId("r"));
    }

    @Test
    void aCompletedRunIsReadBackFromItsSummaryWithItsStateAndActionCounts() {
        List<AuditEvent> events = new ArrayList<>();
        events.add(EVENTS.started(start("run-c", T0)));
        events.add(EVENTS.intent("run-c", T0.plusSeconds(1), Intent.streamUpdate(REPO)));
        events.add(EVENTS.action("run-c", false, T0.plusSeconds(2), stream(Outcome.DONE)));
        events.add(EVENTS.intent("run-c", T0.plusSeconds(3), Intent.layerLink(REPO, LAYER)));
        events.add(EVENTS.action("run-c", false, T0.plusSeconds(4), layerLink(LAYER, Outcome.FAILED, "503")));
        events.add(EVENTS.summary(new RunSummary("run-c", "api", false, T0, T0.plusSeconds(5), null,
                new PruneStats(0, 1, 2, 0, 0, 0), 0, List.of("imagestream ns1/app: 503"), 0, 0, "FAILED", null,
                List.of())));
        AuditLog log = read(events, true);

        RecoveredRun run = single(log);
        assertTrue(run.completed());
        assertEquals("FAILED", run.state());
        assertEquals("api", run.trigger());
        assertEquals("all", run.targets(), "from run.started");
        assertEquals(T0, run.startedAt());
        assertEquals(T0.plusSeconds(5), run.finishedAt());
        assertEquals(new PruneStats(0, 1, 2, 0, 0, 0), run.stats());
        assertEquals(List.of("imagestream ns1/app: 503"), run.failures());
        assertEquals(Map.of("STREAM_UPDATE", Map.of("DONE", 1), "LAYER_LINK", Map.of("FAILED", 1)), run.actions());
        assertEquals(List.of(), run.sentWithoutOutcome());
    }

    @Test
    void aRunWithoutCompletionIsInterruptedWithTheRequestsSentWithoutOutcome() {
        List<AuditEvent> events = new ArrayList<>();
        events.add(EVENTS.started(start("run-i", T0)));
        events.add(EVENTS.intent("run-i", T0.plusSeconds(1), Intent.streamUpdate(REPO)));
        events.add(EVENTS.action("run-i", false, T0.plusSeconds(2), stream(Outcome.DONE)));
        events.add(EVENTS.intent("run-i", T0.plusSeconds(3), Intent.layerLink(REPO, LAYER)));
        events.add(EVENTS.action("run-i", false, T0.plusSeconds(4), layerLink(LAYER, Outcome.DONE, null)));
        // a retry re-publishes an outcome: counted once
        events.add(EVENTS.action("run-i", false, T0.plusSeconds(4), layerLink(LAYER, Outcome.DONE, null)));
        events.add(EVENTS.intent("run-i", T0.plusSeconds(5), Intent.layerLink(REPO, OTHER)));
        AuditLog log = read(events, true);

        RecoveredRun run = single(log);
        assertFalse(run.completed());
        assertEquals(RunSummary.INTERRUPTED, run.state());
        assertEquals(List.of(Intent.layerLink(REPO, OTHER)), run.sentWithoutOutcome());
        assertEquals(new PruneStats(0, 1, 0, 1, 0, 0), run.stats());
        assertEquals(T0.plusSeconds(5), run.finishedAt(), "the last sign of life");
        assertTrue(run.reason().contains("1 request(s) sent without a recorded outcome"), run.reason());

        // its closing event, read back, completes it as INTERRUPTED and keeps what was sent without outcome
        List<AuditEvent> withCompletion = new ArrayList<>(events);
        withCompletion.add(EVENTS.summary(run.interruptedSummary()));
        RecoveredRun completed = single(read(withCompletion, false));
        assertTrue(completed.completed());
        assertEquals(RunSummary.INTERRUPTED, completed.state());
        assertEquals(List.of(Intent.layerLink(REPO, OTHER)), completed.sentWithoutOutcome());
        assertEquals(run.reason(), completed.reason());
        assertEquals(run.stats(), completed.stats());
    }

    @Test
    void linksPlannedAfterAnInterruptedRunsStreamWriteWithoutASettledOutcomeAreUnfinished() throws Exception {
        PlannedLinks planned = new PlannedLinks(List.of(LAYER, OTHER), List.of(MANIFEST), List.of(MANIFEST));
        List<AuditEvent> events = new ArrayList<>();
        events.add(EVENTS.started(start("run-l", T0)));
        AuditEvent streamIntent = EVENTS.intent("run-l", T0.plusSeconds(1), Intent.streamUpdate(REPO), planned);
        JsonNode links = MAPPER.readTree(streamIntent.json()).get("data").get("links");
        assertEquals("{\"layer\":[\"" + LAYER + "\",\"" + OTHER + "\"],\"manifest\":[\"" + MANIFEST
                + "\"],\"releasedImages\":[\"" + MANIFEST + "\"]}", links.toString());
        events.add(streamIntent);
        events.add(EVENTS.action("run-l", false, T0.plusSeconds(2), stream(Outcome.DONE)));
        events.add(EVENTS.intent("run-l", T0.plusSeconds(3), Intent.layerLink(REPO, LAYER)));
        events.add(EVENTS.action("run-l", false, T0.plusSeconds(4), layerLink(LAYER, Outcome.DONE, null)));
        // another interrupted run whose write failed: its links never became due
        events.add(EVENTS.started(start("run-f", T0)));
        events.add(EVENTS.intent("run-f", T0.plusSeconds(1), Intent.streamUpdate("ns2/app"),
                new PlannedLinks(List.of(LAYER), List.of(), List.of())));
        events.add(EVENTS.action("run-f", false, T0.plusSeconds(2), new ActionRecord(ActionKind.STREAM_UPDATE,
                "ns2/app", "ns2/app", null, 0, Rule.OLD_REVISION, Outcome.FAILED, "conflict")));
        // and one whose intent names something that is no digest: never put into a URL
        events.add(EVENTS.intent("run-u", T0.plusSeconds(1), Intent.streamUpdate("ns3/app"),
                new PlannedLinks(List.of("../admin"), List.of(), List.of())));

        AuditLog log = read(events, true);
        assertEquals(List.of(new UnfinishedLink("run-l", ActionKind.LAYER_LINK, REPO, OTHER, List.of(MANIFEST)),
                new UnfinishedLink("run-l", ActionKind.MANIFEST_LINK, REPO, MANIFEST, List.of(MANIFEST))),
                log.unfinishedLinks().stream().sorted(java.util.Comparator.comparing(UnfinishedLink::kind)).toList());
        assertEquals(1, log.unsafeLinks());

        // its INTERRUPTED completion keeps them due; a later run's SAVED settles one, a dry run's DONE does not
        RecoveredRun run = read(events, false).runs().stream().filter(r -> r.runId().equals("run-l")).findFirst()
                .orElseThrow();
        events.add(EVENTS.summary(run.interruptedSummary()));
        events.add(EVENTS.action("run-n", false, T0.plusSeconds(60), new ActionRecord(ActionKind.MANIFEST_LINK,
                MANIFEST, REPO, MANIFEST, 0, Rule.LAST_LINK_IN_REPOSITORY, Outcome.SAVED, "in use again")));
        events.add(EVENTS.action("run-d", true, T0.plusSeconds(60), layerLink(OTHER, Outcome.DONE, null)));
        assertEquals(List.of(new UnfinishedLink("run-l", ActionKind.LAYER_LINK, REPO, OTHER, List.of(MANIFEST))),
                read(events, true).unfinishedLinks());

        // a run that completed leaves none; neither does a stream intent written before intents carried links
        List<AuditEvent> completed = new ArrayList<>(events.subList(0, 5));
        completed.add(EVENTS.summary(new RunSummary("run-l", "api", false, T0, T0.plusSeconds(9), null,
                new PruneStats(0, 1, 0, 1, 0, 0), 0, List.of(), 0, 0, "SUCCEEDED", null, List.of())));
        assertEquals(List.of(), read(completed, true).unfinishedLinks());

        // a run held back by a run-wide stop (shutdown, lease, staleness) completed, but what it saved is not done:
        // its links stay due, while a SAVED of a run that was not stopped settles them
        List<AuditEvent> stopped = new ArrayList<>(events.subList(0, 5));
        stopped.add(EVENTS.action("run-l", false, T0.plusSeconds(5), layerLink(OTHER, Outcome.SAVED,
                "this replica is shutting down")));
        stopped.add(EVENTS.summary(new RunSummary("run-l", "api", false, T0, T0.plusSeconds(9), null,
                new PruneStats(0, 1, 0, 1, 0, 0), 0, List.of(), 1, 0, "FAILED",
                RunSummary.STOPPED_PREFIX + "this replica is shutting down", List.of())));
        assertEquals(List.of(new UnfinishedLink("run-l", ActionKind.LAYER_LINK, REPO, OTHER, List.of(MANIFEST)),
                new UnfinishedLink("run-l", ActionKind.MANIFEST_LINK, REPO, MANIFEST, List.of(MANIFEST))),
                read(stopped, true).unfinishedLinks().stream()
                        .sorted(java.util.Comparator.comparing(UnfinishedLink::kind)).toList());
        stopped.add(EVENTS.action("run-n", false, T0.plusSeconds(60), layerLink(OTHER, Outcome.SAVED, "in use")));
        assertEquals(List.of(new UnfinishedLink("run-l", ActionKind.MANIFEST_LINK, REPO, MANIFEST, List.of(MANIFEST))),
                read(stopped, true).unfinishedLinks());
        assertEquals(List.of(), read(List.of(EVENTS.intent("run-o", T0, Intent.streamUpdate(REPO))), true)
                .unfinishedLinks());
    }

    @Test
    void aRealCompletionWinsOverTheInterruptedOneWhicheverIsReadFirst() {
        RunSummary real = new RunSummary("run-r", "api", false, T0, T0.plusSeconds(9), null,
                new PruneStats(1, 0, 0, 0, 0, 0), 0, List.of(), 0, 0, "SUCCEEDED", null, List.of());
        RunSummary interrupted = new RunSummary("run-r", "api", false, T0, T0.plusSeconds(3), null,
                new PruneStats(0, 0, 0, 0, 0, 0), 0, List.of(), 0, 0, RunSummary.INTERRUPTED, "stopped", List.of());
        assertEquals("SUCCEEDED", single(read(List.of(EVENTS.summary(interrupted), EVENTS.summary(real)), false))
                .state());
        assertEquals("SUCCEEDED", single(read(List.of(EVENTS.summary(real), EVENTS.summary(interrupted)), false))
                .state());
    }

    @Test
    void aCompletionWrittenBeforeItCarriedItsStateIsReadAsItsRefusalAndFailuresSay() throws Exception {
        assertEquals("REFUSED", stateOfOldCompletion("refused", List.of()));
        assertEquals("FAILED", stateOfOldCompletion(null, List.of("x")));
        assertEquals("SUCCEEDED", stateOfOldCompletion(null, List.of()));
    }

    private static String stateOfOldCompletion(String refused, List<String> failures) throws Exception {
        RunSummary summary = new RunSummary("run-old", "api", false, T0, T0, refused,
                new PruneStats(0, 0, 0, 0, 0, 0), 0, failures, 0, 0);
        com.fasterxml.jackson.databind.node.ObjectNode event =
                (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(EVENTS.summary(summary).json());
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("data")).remove(
                List.of("state", "reason", "sentWithoutOutcome"));
        AuditLog log = new AuditLog();
        assertTrue(log.accept(event.toString()));
        return single(log).state();
    }

    @Test
    void deletionsCountDoneAndUnansweredIntentsOfConfirmedRunsInTheWindow() {
        List<AuditEvent> events = new ArrayList<>();
        // confirmed: one link deleted, one blob already gone, one image sent without outcome
        events.add(EVENTS.intent("run-d", T0.plusSeconds(10), Intent.layerLink(REPO, LAYER)));
        events.add(EVENTS.action("run-d", false, T0.plusSeconds(11), layerLink(LAYER, Outcome.DONE, null)));
        events.add(EVENTS.action("run-d", false, T0.plusSeconds(12), new ActionRecord(ActionKind.BLOB, OTHER, "",
                OTHER, 0, Rule.LAST_IMAGE_USING_BLOB, Outcome.ALREADY_GONE, null)));
        events.add(EVENTS.intent("run-d", T0.plusSeconds(13), Intent.image(MANIFEST)));
        // before the window
        events.add(EVENTS.action("run-old", false, T0.minusSeconds(5), layerLink(OTHER, Outcome.DONE, null)));
        // a dry run deletes nothing
        events.add(EVENTS.action("run-dry", true, T0.plusSeconds(20), layerLink(OTHER, Outcome.DONE, null)));
        DeletionHistory deletions = read(events, true).deletions(T0);

        assertEquals(List.of(T0.plusSeconds(11)), deletions.of(ActionKind.LAYER_LINK));
        assertEquals(List.of(T0.plusSeconds(13)), deletions.of(ActionKind.IMAGE), "the request may have happened");
        assertEquals(List.of(), deletions.of(ActionKind.BLOB), "a 404 deleted nothing");
        assertEquals(1, deletions.count(ActionKind.LAYER_LINK, T0.plusSeconds(11)));
        assertEquals(0, deletions.count(ActionKind.LAYER_LINK, T0.plusSeconds(12)));
    }

    @Test
    void recordsThatAreNoAuditEventsAreSkippedAndCounted() {
        AuditLog log = new AuditLog();
        assertFalse(log.accept("not json"));
        assertFalse(log.accept("{\"type\":\"com.example.other\",\"time\":\"2026-12-01T10:00:00Z\","
                + "\"data\":{\"runId\":\"x\"}}"));
        assertFalse(log.accept(null));
        assertTrue(log.accept(EVENTS.started(start("run-s", T0)).json()));
        assertEquals(3, log.unreadable());
        assertEquals(1, log.runs().size());
        assertEquals(T0, log.runs().get(0).finishedAt(), "a start alone: its start is the last sign of life");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The events as a reader meets them: in order, or shuffled as partitions interleave. */
    private static AuditLog read(List<AuditEvent> events, boolean shuffle) {
        List<AuditEvent> order = new ArrayList<>(events);
        if (shuffle) {
            Collections.reverse(order);
        }
        AuditLog log = new AuditLog();
        order.forEach(event -> assertTrue(log.accept(event.json()), event.json()));
        return log;
    }

    private static RecoveredRun single(AuditLog log) {
        assertEquals(1, log.runs().size(), log.runs().toString());
        return log.runs().get(0);
    }

    private static RunStart start(String runId, Instant at) {
        return new RunStart(runId, "api", false, "all", at, Map.of(), Map.of());
    }

    private static ActionRecord stream(Outcome outcome) {
        return new ActionRecord(ActionKind.STREAM_UPDATE, REPO, REPO, null, 0, Rule.OLD_REVISION, outcome, null);
    }

    private static ActionRecord layerLink(String digest, Outcome outcome, String error) {
        return new ActionRecord(ActionKind.LAYER_LINK, digest, REPO, digest, 0, Rule.LAST_LINK_IN_REPOSITORY, outcome,
                error);
    }
}
