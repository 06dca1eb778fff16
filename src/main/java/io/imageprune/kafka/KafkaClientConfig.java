package io.imageprune.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of every Kafka client of the service, built one way from the {@code kafka.*} settings (Quarkus'
 * {@code default-kafka-broker} map: {@code kafka.security.protocol} → {@code security.protocol}, and
 * {@code KAFKA_SSL_TRUSTSTORE_LOCATION} → {@code ssl.truststore.location}).
 *
 * <p>Layers, each overriding the one before: the client's own tuning (in code) → every shared {@code kafka.*} setting
 * the role knows (TLS, SASL, timeouts, …; a key no Kafka client knows, e.g. a login callback's own option, goes to
 * every role) → the role's overrides {@code kafka.producer.*}, {@code kafka.consumer.*}, {@code kafka.admin.*} (Kafka
 * Connect's convention) → what the role needs to be safe. Those last settings cannot be changed: a value that would
 * weaken them (acks other than all, idempotence off, auto-commit on, a transactional id) is refused with an
 * {@link IllegalArgumentException} naming the key.
 */
public final class KafkaClientConfig {
    public enum Role {
        PRODUCER(ProducerConfig.configNames(), Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"), List.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG)),
        // every consumer assigns its partitions and seeks itself: no group, nothing committed (the group.id Quarkus
        // derives from the application name is dropped, so a KafkaUser needs no group ACL)
        CONSUMER(ConsumerConfig.configNames(), Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)),
        ADMIN(AdminClientConfig.configNames(), Map.of(), List.of());

        private final Set<String> known;
        private final Map<String, String> required;
        private final List<String> dropped;

        Role(Set<String> known, Map<String, String> required, List<String> dropped) {
            this.known = known;
            this.required = required;
            this.dropped = dropped;
        }

        /** The prefix of this role's overrides inside the {@code kafka.*} settings. */
        public String prefix() {
            return name().toLowerCase(Locale.ROOT) + ".";
        }
    }

    /** Settings no client may take from configuration: the serializers are the code's, as instances. */
    private static final Set<String> CODE_OWNED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);

    private KafkaClientConfig() {
    }

    public static Map<String, Object> producer(Map<String, ?> kafka, Map<String, ?> tuning) {
        return build(Role.PRODUCER, kafka, tuning);
    }

    public static Map<String, Object> consumer(Map<String, ?> kafka, Map<String, ?> tuning) {
        return build(Role.CONSUMER, kafka, tuning);
    }

    public static Map<String, Object> admin(Map<String, ?> kafka) {
        return build(Role.ADMIN, kafka, Map.of());
    }

    /**
     * @param kafka  the {@code kafka.*} settings without their prefix
     * @param tuning the client's defaults; configuration overrides them
     * @throws IllegalArgumentException when a setting would weaken what the role needs
     */
    public static Map<String, Object> build(Role role, Map<String, ?> kafka, Map<String, ?> tuning) {
        Map<String, Object> config = new HashMap<>(tuning);
        Map<String, Object> overrides = new HashMap<>();
        for (Map.Entry<String, ?> setting : kafka.entrySet()) {
            String key = setting.getKey();
            Role owner = overrideOwner(key);
            if (owner == role) {
                overrides.put(key.substring(role.prefix().length()), setting.getValue());
            } else if (owner == null && (role.known.contains(key) || unknownToEveryRole(key))) {
                config.put(key, setting.getValue());
            }
        }
        config.putAll(overrides);
        for (String key : CODE_OWNED) {
            config.remove(key);
        }
        for (String key : role.dropped) {
            Object value = config.remove(key);
            if (key.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG) && value != null) {
                throw weakening(role, key, value, "unset (records are not written in transactions)");
            }
        }
        for (Map.Entry<String, String> required : role.required.entrySet()) {
            Object value = config.get(required.getKey());
            if (value != null && !same(required.getKey(), value, required.getValue())) {
                throw weakening(role, required.getKey(), value, required.getValue());
            }
            config.put(required.getKey(), required.getValue());
        }
        return config;
    }

    private static boolean same(String key, Object value, String needed) {
        String given = String.valueOf(value).trim();
        // acks=-1 is Kafka's other spelling of acks=all
        return given.equalsIgnoreCase(needed) || key.equals(ProducerConfig.ACKS_CONFIG) && given.equals("-1");
    }

    private static Role overrideOwner(String key) {
        for (Role role : Role.values()) {
            if (key.startsWith(role.prefix())) {
                return role;
            }
        }
        return null;
    }

    private static boolean unknownToEveryRole(String key) {
        for (Role role : Role.values()) {
            if (role.known.contains(key)) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException weakening(Role role, String key, Object value, String needed) {
        return new IllegalArgumentException("kafka " + role.name().toLowerCase(Locale.ROOT) + " setting " + key + "="
                + value + " is refused: the service needs " + key + "=" + needed);
    }
}
