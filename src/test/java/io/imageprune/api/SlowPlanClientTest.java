package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * A client that stops reading {@code GET /api/v1/plan} halfway holds neither the state consumer nor the lag gate:
 * while it sits on a plan document far larger than every buffer between it and the service, records published to
 * the state topic are applied, the lag returns to 0 and the service stays ready; the client then gets the whole
 * document, as decided before the records arrived.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
class SlowPlanClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant CREATED = Instant.parse("2024-01-01T00:00:00Z");
    private static final String QUERY = "keep-tag-revisions=1&keep-younger-than=0s&now=2025-01-15T12:00:00Z";
    private static final int STREAMS = 200;
    private static final int REVISIONS = 100;
    private static final int LATE_IMAGES = 500;
    /** Kernel buffers on both sides and the server's own write queue are a few MiB; the document is far larger. */
    private static final int MIN_DOCUMENT_BYTES = 12 * 1024 * 1024;
    private static final int CLIENT_RECEIVE_BUFFER = 8 * 1024;

    @Inject
    LiveGraph live;
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Test
    void aStalledPlanClientHoldsNeitherTheConsumerNorTheLagGate() throws Exception {
        await().atMost(WAIT).until(live::synced);
        publish(bigCluster(0, STREAMS));
        int images = STREAMS * REVISIONS;
        await().atMost(WAIT).until(() -> live.read(g -> g.imageCount()) == images && live.lag() == 0);

        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
            client.connect(new InetSocketAddress("localhost", RestAssured.port));
            client.setSoTimeout((int) WAIT.toMillis());
            OutputStream request = client.getOutputStream();
            request.write(("GET /api/v1/plan?" + QUERY + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream response = client.getInputStream();
            String head = readHead(response);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);

            // the client reads nothing more; meanwhile the consumer applies new records
            publish(lateImages());
            await().atMost(WAIT).until(() -> live.read(g -> g.imageCount()) == images + LATE_IMAGES
                    && live.lag() == 0);
            given().get("/q/health/ready").then().statusCode(200);

            byte[] document = head.toLowerCase().contains("transfer-encoding: chunked")
                    ? dechunk(response) : response.readAllBytes();
            assertTrue(document.length > MIN_DOCUMENT_BYTES, "the document (" + document.length
                    + " bytes) must be larger than what the buffers can hold, else the server was never stalled");
            JsonNode plan = MAPPER.readTree(document);
            assertEquals(STREAMS * (REVISIONS - 1), plan.get("imageDeletions").size(),
                    "every revision but the newest of each stream; the late images arrived after the decision");
            assertEquals(STREAMS, plan.get("streamUpdates").size());
        }
    }

    /** Streams {@code first..last-1}, each one tag with {@link #REVISIONS} images of 3 layers, newest first. */
    private static List<Object> bigCluster(int first, int last) {
        List<Object> objects = new ArrayList<>();
        for (int s = first; s < last; s++) {
            List<TagEvent> items = new ArrayList<>();
            for (int r = 0; r < REVISIONS; r++) {
                Image image = image(s * REVISIONS + r, CREATED.plusSeconds(REVISIONS - r));
                objects.add(image);
                items.add(new TagEvent(image.name(), image.created()));
            }
            String namespace = "slow-" + (s % 10);
            objects.add(new ImageStream(namespace, "app-" + s, CREATED, "registry.invalid:5000/" + namespace
                    + "/app-" + s, List.of(new Tag("latest", items))));
        }
        return objects;
    }

    private static List<Object> lateImages() {
        List<Object> objects = new ArrayList<>();
        for (int i = 0; i < LATE_IMAGES; i++) {
            objects.add(image(STREAMS * REVISIONS + i, CREATED));
        }
        return objects;
    }

    private static Image image(int n, Instant created) {
        List<Layer> layers = List.of(new Layer(digest(1, n), 1000 + n), new Layer(digest(2, n), 2000 + n),
                new Layer(digest(3, n), 3000 + n));
        return new Image(digest(0, n), created, true, Image.MANIFEST_SCHEMA2, layers, true, digest(4, n), 6000 + n,
                List.of(), "");
    }

    private static String digest(int role, int n) {
        return "sha256:" + role + String.format("%063x", n);
    }

    private void publish(List<Object> objects) throws Exception {
        ProjectionCodec codec = new ProjectionCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"),
                ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new ByteArraySerializer())) {
            for (Object object : objects) {
                producer.send(new ProducerRecord<>(config.kafka().topic().state(), ProjectionKeys.of(object),
                        codec.encode(object)));
            }
            producer.flush();
        }
    }

    /** The status line and headers, up to the blank line. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed within the headers: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The body of a chunked transfer encoding. */
    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the chunked body ended early");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
