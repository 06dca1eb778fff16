package io.imageprune.kafka;

import io.imageprune.ingest.StatePublisher;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.state.LiveGraph;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The state topic as a trust boundary: with signing keys configured, a record whose signature is missing or wrong
 * changes nothing in the graph (it is dead-lettered and counted), however well-formed it is; signed ones apply.
 * The forger here even holds valid broker credentials: only the signing key decides.
 */
@QuarkusTest
@TestProfile(SecuredStateProfile.class)
class SignedStateTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant CREATED = Instant.parse("2024-05-01T10:00:00Z");
    private static final String USED = "sha256:" + "a".repeat(64);
    private static final String FORGED = "sha256:" + "f".repeat(64);
    private static final String ROTATED = "sha256:" + "b".repeat(64);
    private static final RecordSignature FORGER = RecordSignature.of(
            List.of(SecuredStateProfile.base64("a-key-the-forger-made-up-32bytes")));

    @Inject
    StatePublisher publisher;
    @Inject
    LiveGraph live;
    @Inject
    MeterRegistry registry;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final ProjectionCodec codec = new ProjectionCodec();

    @Test
    void forgedRecordsChangeNothingAndSignedOnesApply() throws Exception {
        Image image = image(USED);
        Referrer pod = new Referrer(ReferrerKind.POD, "signed", "web-1", CREATED, "Running",
                List.of(new Container("main", false, image.dockerImageReference())), null);
        String podKey = ProjectionKeys.of(pod);
        publisher.publish(podKey, codec.encode(pod));
        publisher.publish(ProjectionKeys.of(image), codec.encode(image));
        publisher.flush();
        await().atMost(WAIT).until(() -> running(pod) != null && live.read(g -> g.image(USED)) != null);

        double unsigned = bad("unsigned");
        double badSignature = bad("bad_signature");
        Image forged = image(FORGED);
        String forgedKey = ProjectionKeys.of(forged);
        byte[] forgedValue = codec.encode(forged);
        try (KafkaProducer<String, byte[]> forger = new KafkaProducer<>(KafkaClientConfig.producer(kafka, Map.of()),
                new StringSerializer(), new ByteArraySerializer())) {
            // a tombstone for the running pod: its image would look unused
            send(forger, podKey, null, null);
            send(forger, podKey, null, FORGER.sign(podKey, null));
            // the pod's own valid signature replayed onto a tombstone
            send(forger, podKey, null, signer().sign(podKey, codec.encode(pod)));
            // an Image record the cluster never had
            send(forger, forgedKey, forgedValue, null);
            send(forger, forgedKey, forgedValue, FORGER.sign(forgedKey, forgedValue));
            // the previous key of a rotation is still accepted
            Image rotated = image(ROTATED);
            byte[] rotatedValue = codec.encode(rotated);
            send(forger, ProjectionKeys.of(rotated), rotatedValue,
                    RecordSignature.of(List.of(SecuredStateProfile.PREVIOUS_KEY))
                            .sign(ProjectionKeys.of(rotated), rotatedValue));
        }
        await().atMost(WAIT).until(() -> bad("unsigned") >= unsigned + 2
                && bad("bad_signature") >= badSignature + 3 && live.read(g -> g.image(ROTATED)) != null);
        assertNotNull(running(pod), "a forged tombstone removed the running pod");
        assertNull(live.read(g -> g.image(FORGED)), "a forged Image record reached the graph");

        publisher.publish(podKey, null);
        publisher.flush();
        await().atMost(WAIT).until(() -> running(pod) == null);
    }

    private Object running(Referrer pod) {
        return live.read(g -> g.referrer(ReferrerKind.POD, pod.namespace(), pod.name()));
    }

    private static RecordSignature signer() {
        return RecordSignature.of(List.of(SecuredStateProfile.SIGNING_KEY));
    }

    private static Image image(String digest) {
        return new Image(digest, CREATED, true, Image.MANIFEST_SCHEMA2, List.of(new Layer(digest, 1234)), true,
                digest, 5678, List.of(), "registry.example:5000/signed/app@" + digest);
    }

    private void send(KafkaProducer<String, byte[]> producer, String key, byte[] value, byte[] signature)
            throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("imageprune.cluster-state", key, value);
        if (signature != null) {
            record.headers().add(RecordSignature.HEADER, signature);
        }
        producer.send(record).get(30, TimeUnit.SECONDS);
    }

    private double bad(String reason) {
        Counter counter = registry.find("imageprune.state.records.bad").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }
}
