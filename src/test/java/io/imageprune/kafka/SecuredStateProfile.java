package io.imageprune.kafka;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The state role against the secured broker's SCRAM-over-TLS listener, configured by {@code kafka.*} properties only
 * (as the env of a pod with the cluster CA and KafkaUser secrets mounted), with record signing on.
 */
public class SecuredStateProfile implements QuarkusTestProfile {
    static final String SIGNING_KEY = base64("current-signing-key-of-32-bytes!");
    static final String PREVIOUS_KEY = base64("previous-signing-key-of-32-bytes");

    static String base64(String key) {
        return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code kafka.*} settings of the listener the service uses. */
    protected Map<String, String> kafka(SecuredKafka broker) {
        return broker.scram(SecuredKafka.PASSWORD);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(kafka(SecuredKafka.get()));
        config.put("imageprune.state.enabled", "true");
        config.put("imageprune.kafka.signing.keys", SIGNING_KEY + "," + PREVIOUS_KEY);
        return config;
    }
}
