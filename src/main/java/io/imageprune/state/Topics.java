package io.imageprune.state;

import io.imageprune.config.ImagePruneConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the state topic (compacted) and its dead-letter topic when they do not exist yet. */
@ApplicationScoped
public class Topics {
    private static final Logger LOG = Logger.getLogger(Topics.class);

    private final ImagePruneConfig config;
    private final Map<String, Object> kafka;

    public Topics(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    public void ensure() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        ImagePruneConfig.Kafka.Topic topic = config.kafka().topic();
        Map<String, Object> admin = new HashMap<>();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        try (Admin client = Admin.create(admin)) {
            Set<String> existing = client.listTopics().names().get(30, TimeUnit.SECONDS);
            for (NewTopic wanted : List.of(
                    new NewTopic(topic.state(), topic.partitions(), topic.replicationFactor())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                    new NewTopic(topic.dlq(), 1, topic.replicationFactor()))) {
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
        }
    }
}
