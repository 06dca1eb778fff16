package io.imageprune.kafka;

import io.imageprune.cli.ImagePruneCommand;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code publish} and the state consumer over SASL_SSL with SCRAM-SHA-512, from configuration alone: the admin
 * client creates the topics, the producer writes the example snapshot and its sync marker, and the consumer replays
 * them into a synced graph.
 */
@QuarkusTest
@TestProfile(SecuredStateProfile.class)
class SecuredStateTest {
    @Inject
    CommandLine.IFactory factory;
    @Inject
    LiveGraph live;

    @Test
    void publishAndSyncOverScramAndTls() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(ImagePruneCommand.class, factory).setErr(new PrintWriter(err))
                .execute("publish", "--snapshot", "examples/cluster.json", "--ingest-id", "secured-test");
        assertEquals(0, exit, err.toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> live.synced() && live.lastMarker() != null
                && live.lastMarker().ingestId().equals("secured-test"));
        assertTrue(live.read(graph -> graph.imageCount()) > 0, "the snapshot's images reached the graph");
    }
}
