package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.KafkaClientConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the topics when they do not exist yet: the state topic (compacted), its dead-letter topic, and the audit
 * topic (append-only, so every event of every run stays until retention drops it).
 */
@ApplicationScoped
public class Topics {
    private static final Logger LOG = Logger.getLogger(Topics.class);

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final ImagePruneConfig config;
    private final Map<String, Object> kafka;

    public Topics(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** The state topic and its dead-letter topic. */
    public void ensure() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ImagePruneConfig.Kafka.Topic topic = config.kafka().topic();
        create(List.of(
                new NewTopic(topic.state(), topic.partitions(), topic.replicationFactor())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topic.dlq(), 1, topic.replicationFactor())));
    }

    /** The audit topic; partitioned like the state topic so that its consumers can scale the same way. */
    public void ensureDeletions()
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ImagePruneConfig.Kafka.Topic topic = config.kafka().topic();
        create(List.of(new NewTopic(topic.deletions(), topic.partitions(), topic.replicationFactor())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE))));
    }

    private void create(List<NewTopic> topics)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Admin client = Admin.create(KafkaClientConfig.admin(kafka));
        try {
            Set<String> existing = client.listTopics().names().get(30, TimeUnit.SECONDS);
            for (NewTopic wanted : topics) {
                if (existing.contains(wanted.name())) {
                    continue;
                }
                try {
                    client.createTopics(List.of(wanted)).all().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s (%d partitions, replication %d, %s)", wanted.name(),
                            wanted.numPartitions(), wanted.replicationFactor(), wanted.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } finally {
            // a plain close waits for requests still pending, without bound: an interrupt at shutdown must end this
            client.close(CLOSE_TIMEOUT);
        }
    }
}
