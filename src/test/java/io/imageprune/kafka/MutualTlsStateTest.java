package io.imageprune.kafka;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/**
 * {@link SecuredStateTest}'s tests over the broker's mTLS listener (a Strimzi {@code KafkaUser} with
 * {@code authentication: tls}: the client certificate in {@code user.p12}, the cluster CA as trust store), from the
 * {@code kafka.*} settings alone: {@code publish}, the state consumer's replay, and the audit channel's event read
 * back with its readiness check answered by the broker.
 */
@QuarkusTest
@TestProfile(MutualTlsStateTest.MutualTls.class)
class MutualTlsStateTest extends SecuredStateTest {
    public static class MutualTls extends SecuredStateProfile {
        @Override
        protected Map<String, String> kafka(SecuredKafka broker) {
            return broker.mutualTls();
        }
    }
}
