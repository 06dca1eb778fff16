package io.imageprune.audit;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A pod without the state role (ingest only, or {@code publish}) runs no prune, so it opens no audit channel: no
 * producer, and nothing about the audit topic in its readiness. The state role's side (the channel open, in
 * readiness) is in {@link io.imageprune.kafka.SecuredStateTest}.
 */
@QuarkusTest
class AuditChannelRolesTest {
    @Inject
    KafkaClientService clients;

    @Test
    void aPodWithoutTheStateRoleOpensNoAuditProducer() {
        assertFalse(clients.getProducerChannels().contains(AuditPublisher.CHANNEL),
                "producer channels: " + clients.getProducerChannels());
        assertNull(clients.getProducer(AuditPublisher.CHANNEL));
        String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertFalse(ready.contains(AuditPublisher.CHANNEL), ready);
    }
}
