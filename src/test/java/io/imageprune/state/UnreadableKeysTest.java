package io.imageprune.state;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ImageStream;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionException;
import io.imageprune.projection.ProjectionKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which keys keep the graph not synced because their newest record cannot be read, on their own and via the applier. */
class UnreadableKeysTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();
    private static final String POD = "Pod/team/web-1";

    @Test
    void anUnreadableKeyBlocksUntilItIsReadableAgain() {
        UnreadableKeys keys = new UnreadableKeys(Set.of());
        assertNull(keys.problem());
        keys.unreadable(POD, "malformed JSON", "state-0@7");
        assertEquals(1, keys.blockingCount());
        assertTrue(keys.problem().startsWith("1 state key(s) whose newest record cannot be read: " + POD
                + " (malformed JSON)"), keys.problem());
        keys.readable("Pod/team/web-2");
        assertEquals(1, keys.blockingCount(), "another key's record changes nothing");
        keys.readable(POD);
        assertEquals(0, keys.blockingCount());
        assertNull(keys.problem());
    }

    @Test
    void anAcknowledgedKeyIsShownButDoesNotBlock() {
        UnreadableKeys keys = new UnreadableKeys(Set.of(POD));
        keys.unreadable(POD, "unsupported projection schema version 2", "state-0@9");
        assertEquals(0, keys.blockingCount());
        assertNull(keys.problem());
        assertEquals(List.of(Map.of("key", POD, "reason", "unsupported projection schema version 2", "origin",
                "state-0@9")), keys.status().get("acknowledged"));
        keys.unreadable("Pod/team/web-2", "bad", "state-0@10");
        assertEquals(1, keys.blockingCount(), "only the acknowledged key is let through");
    }

    @Test
    void theStatusNamesABoundedNumberOfKeysAndCountsThemAll() {
        UnreadableKeys keys = new UnreadableKeys(Set.of());
        int total = UnreadableKeys.NAMED + 5;
        for (int i = 0; i < total; i++) {
            keys.unreadable(String.format("Pod/team/web-%02d", i), "bad", "state-0@" + i);
        }
        Map<String, Object> status = keys.status();
        assertEquals(total, status.get("count"));
        assertEquals(UnreadableKeys.NAMED, ((List<?>) status.get("keys")).size());
        assertTrue(keys.problem().startsWith(total + " state key(s)"), keys.problem());
        assertTrue(keys.problem().contains("; and 5 more"), keys.problem());
        keys.reset();
        assertEquals(0, keys.blockingCount(), "a replay from the beginning finds them again");
    }

    @Test
    void theApplierClearsAKeyOnAReadableRecordOrATombstone() {
        UnreadableKeys keys = new UnreadableKeys(Set.of());
        RecordApplier applier = new RecordApplier(CODEC, null, keys);
        ReferenceGraph graph = new ReferenceGraph();
        ImageStream stream = new ImageStream("team", "app", Instant.EPOCH, "", List.of());
        String key = ProjectionKeys.of(stream);
        byte[] value = CODEC.encode(stream);
        assertEquals(ProjectionCodec.VERSION, value[0], "the first byte is the schema version");
        byte[] newerVersion = value.clone();
        newerVersion[0] = (byte) (ProjectionCodec.VERSION + 1);

        ProjectionException unknownVersion = assertThrows(ProjectionException.class,
                () -> applier.apply(graph, key, newerVersion, marker -> { }));
        applier.unreadable(key, unknownVersion.getMessage(), "state-0@1");
        assertEquals(1, keys.blockingCount());
        assertNull(graph.stream("team/app"), "the graph is unchanged");

        applier.apply(graph, key, value, marker -> { });
        assertEquals(0, keys.blockingCount(), "a readable record clears the key");

        applier.unreadable(key, "bad", "state-0@3");
        assertEquals(RecordApplier.Outcome.REMOVED, applier.apply(graph, key, null, marker -> { }));
        assertEquals(0, keys.blockingCount(), "a tombstone clears the key");
    }
}
