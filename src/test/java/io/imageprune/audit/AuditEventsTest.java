package io.imageprune.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;
import io.imageprune.policy.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditEventsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AuditEvents EVENTS = new AuditEvents("/imageprune/test");
    private static final Instant TIME = Instant.parse("2026-11-27T10:15:30.123Z");
    private static final String BLOB = "sha256:" + "ab".repeat(32);
    private static final String IMAGE = "sha256:" + "cd".repeat(32);

    @Test
    void deletedBlobIsTheWholeDocumentExactly() {
        ActionRecord blob = new ActionRecord(ActionKind.BLOB, BLOB, "", BLOB, 4096, Rule.LAST_IMAGE_USING_BLOB,
                Outcome.DONE, null);
        AuditEvent event = EVENTS.action("run-1", false, TIME, blob);
        // computed outside Java: printf '5:run-14:BLOB0:71:%s71:%s' $BLOB $BLOB | sha256sum
        String id = "afccb3036a6a52323459a8c3420fcb7ba0d4f4836eab23cbe742d66e54eec8df";
        assertEquals("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/imageprune/test\","
                + "\"type\":\"io.imageprune.blob.deleted\",\"subject\":\"" + BLOB + "\","
                + "\"time\":\"2026-11-27T10:15:30.123Z\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"runId\":\"run-1\",\"action\":\"blob.deleted\",\"outcome\":\"DONE\","
                + "\"target\":\"" + BLOB + "\",\"repository\":\"\",\"digest\":\"" + BLOB + "\",\"bytes\":4096,"
                + "\"rule\":\"LAST_IMAGE_USING_BLOB\",\"ruleDescription\":\"no remaining image uses the blob\","
                + "\"dryRun\":false,\"error\":null}}", event.json());
        assertEquals(id, event.id());
        assertEquals(BLOB, event.key());
        assertEquals("io.imageprune.blob.deleted", event.type());
    }

    @Test
    void failedStreamUpdateIsTheWholeDocumentExactly() {
        ActionRecord update = new ActionRecord(ActionKind.STREAM_UPDATE, "team-a/web", "team-a/web", null, 0,
                Rule.OLD_REVISION, Outcome.FAILED, "the server rejected the update: conflict");
        AuditEvent event = EVENTS.action("run-2", true, Instant.parse("2026-01-02T03:04:05Z"), update);
        assertEquals("{\"specversion\":\"1.0\",\"id\":\"" + event.id() + "\",\"source\":\"/imageprune/test\","
                + "\"type\":\"io.imageprune.action.failed\",\"subject\":\"team-a/web\","
                + "\"time\":\"2026-01-02T03:04:05Z\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"runId\":\"run-2\",\"action\":\"stream.updated\",\"outcome\":\"FAILED\","
                + "\"target\":\"team-a/web\",\"repository\":\"team-a/web\",\"digest\":\"\",\"bytes\":0,"
                + "\"rule\":\"OLD_REVISION\","
                + "\"ruleDescription\":\"older than the newest keep-tag-revisions revisions and not in use\","
                + "\"dryRun\":true,\"error\":\"the server rejected the update: conflict\"}}", event.json());
    }

    static Stream<Arguments> kindsAndOutcomes() {
        List<Arguments> all = new ArrayList<>();
        for (ActionKind kind : ActionKind.values()) {
            for (Outcome outcome : Outcome.values()) {
                all.add(Arguments.of(kind, outcome));
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("kindsAndOutcomes")
    void everyKindAndOutcomeHasTheCloudEventShape(ActionKind kind, Outcome outcome) throws Exception {
        ActionRecord action = new ActionRecord(kind, IMAGE, "ns/repo", IMAGE, 7, Rule.UNREFERENCED_IMAGE, outcome,
                "why");
        AuditEvent event = EVENTS.action("run-3", false, TIME, action);
        JsonNode json = MAPPER.readTree(event.json());

        assertEquals(List.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"),
                names(json));
        assertEquals(List.of("runId", "action", "outcome", "target", "repository", "digest", "bytes", "rule",
                "ruleDescription", "dryRun", "error"), names(json.get("data")));
        String type = switch (outcome) {
            case DONE, ALREADY_GONE -> "io.imageprune." + kind.eventSuffix();
            case FAILED -> "io.imageprune.action.failed";
            case SAVED, LEFT_FOR_GC, DEFERRED -> "io.imageprune.action.skipped";
        };
        assertEquals(type, json.get("type").asText());
        assertEquals(type, event.type());
        assertEquals("1.0", json.get("specversion").asText());
        assertEquals(event.id(), json.get("id").asText());
        assertEquals(IMAGE, json.get("subject").asText());
        assertEquals("2026-11-27T10:15:30.123Z", json.get("time").asText());
        JsonNode data = json.get("data");
        assertEquals(kind.eventSuffix(), data.get("action").asText());
        assertEquals(outcome.name(), data.get("outcome").asText());
        assertEquals("ns/repo", data.get("repository").asText());
        assertEquals(7, data.get("bytes").asLong());
        assertEquals("UNREFERENCED_IMAGE", data.get("rule").asText());
        assertEquals(Rule.UNREFERENCED_IMAGE.description(), data.get("ruleDescription").asText());
        if (outcome.succeeded()) {
            assertTrue(data.get("error").isNull(), "a success carries no error: " + data);
        } else {
            assertEquals("why", data.get("error").asText());
        }
    }

    @Test
    void theSameActionHasTheSameIdWhateverItsOutcomeTimeOrFlag() {
        ActionRecord link = link("ns/a", BLOB, Outcome.FAILED);
        String id = EVENTS.action("run-4", false, TIME, link).id();
        assertEquals(id, EVENTS.action("run-4", true, TIME.plusSeconds(60),
                link("ns/a", BLOB, Outcome.DONE)).id());
        assertEquals(id, new AuditEvents("/elsewhere").action("run-4", false, TIME, link).id());
        assertTrue(id.matches("[0-9a-f]{64}"), id);
    }

    @Test
    void differentActionsHaveDifferentIds() {
        ActionRecord base = link("ns/a", BLOB, Outcome.DONE);
        String id = AuditEvents.actionId("run-5", base);
        assertNotEquals(id, AuditEvents.actionId("run-6", base), "another run");
        assertNotEquals(id, AuditEvents.actionId("run-5", link("ns/b", BLOB, Outcome.DONE)),
                "another repository");
        assertNotEquals(id, AuditEvents.actionId("run-5", link("ns/a", IMAGE, Outcome.DONE)),
                "another digest");
        assertNotEquals(id, AuditEvents.actionId("run-5", new ActionRecord(ActionKind.MANIFEST_LINK, BLOB, "ns/a",
                BLOB, 0, Rule.LAST_LINK_IN_REPOSITORY, Outcome.DONE, null)), "another kind");
        // the parts are delimited: moving a character from one part to the next must change the id
        assertNotEquals(
                AuditEvents.actionId("r", new ActionRecord(ActionKind.BLOB, "b", "a/", "c", 0, null, Outcome.DONE,
                        null)),
                AuditEvents.actionId("r", new ActionRecord(ActionKind.BLOB, "/b", "a", "c", 0, null, Outcome.DONE,
                        null)));
    }

    @Test
    void summaryIsTheWholeDocumentExactly() {
        RunSummary run = new RunSummary("run-7", "schedule", false, Instant.parse("2026-11-27T10:00:00Z"),
                Instant.parse("2026-11-27T10:00:42.5Z"), null, new PruneStats(2, 1, 3, 4, 0, 5), 123456789L,
                List.of("failed to delete blob x: 500", "failed to update stream ns/s: conflict"), 1, 6);
        AuditEvent event = EVENTS.summary(run);
        assertEquals("{\"specversion\":\"1.0\",\"id\":\"" + event.id() + "\",\"source\":\"/imageprune/test\","
                + "\"type\":\"io.imageprune.run.completed\",\"subject\":\"run-7\","
                + "\"time\":\"2026-11-27T10:00:42.500Z\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"runId\":\"run-7\",\"trigger\":\"schedule\",\"dryRun\":false,"
                + "\"startedAt\":\"2026-11-27T10:00:00Z\",\"finishedAt\":\"2026-11-27T10:00:42.500Z\","
                + "\"refused\":null,\"stats\":{\"deletedImages\":2,\"updatedImageStreams\":1,"
                + "\"deletedImageStreamTagItems\":3,\"deletedLayerLinks\":4,\"deletedManifestLinks\":0,"
                + "\"deletedBlobs\":5},\"summary\":\"deleted 2 image object(s), deleted 3 image stream tag item(s), "
                + "updated 1 image stream(s), deleted 4 layer link(s), deleted 5 blob(s)\","
                + "\"bytesReclaimed\":123456789,"
                + "\"failures\":[\"failed to delete blob x: 500\",\"failed to update stream ns/s: conflict\"],"
                + "\"saved\":1,\"leftForGarbageCollection\":6,\"state\":\"FAILED\",\"reason\":null,"
                + "\"sentWithoutOutcome\":[]}}", event.json());
        assertEquals("run-7", event.key());
        assertEquals("io.imageprune.run.completed", event.type());
        assertTrue(event.id().matches("[0-9a-f]{64}"), event.id());
        assertEquals(event.id(), EVENTS.summary(run).id(), "a re-published summary keeps its id");
        assertNotEquals(event.id(), EVENTS.summary(new RunSummary("run-8", "api", true, TIME, TIME, "refused",
                new PruneStats(0, 0, 0, 0, 0, 0), 0, List.of(), 0, 0)).id());
    }

    @Test
    void refusedRunSaysWhy() throws Exception {
        JsonNode data = MAPPER.readTree(EVENTS.summary(new RunSummary("run-9", "event", true, TIME, TIME,
                "the plan would delete 80% of all images", new PruneStats(0, 0, 0, 0, 0, 0), 0, null, 0, 0))
                .json()).get("data");
        assertEquals("the plan would delete 80% of all images", data.get("refused").asText());
        assertEquals("deleted 0 objects", data.get("summary").asText());
        assertTrue(data.get("dryRun").asBoolean());
        assertEquals(0, data.get("failures").size());
    }

    private static ActionRecord link(String repository, String digest, Outcome outcome) {
        return new ActionRecord(ActionKind.LAYER_LINK, digest, repository, digest, 0, Rule.LAST_LINK_IN_REPOSITORY,
                outcome, outcome == Outcome.FAILED ? "500" : null);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
