package io.imageprune.kafka;

import io.imageprune.config.ImagePruneConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Before a role uses Kafka, proves that the {@code kafka.*} settings can work: every client configuration builds, the
 * signing keys are valid, and the cluster accepts this service's credentials and trusts its TLS. A refusal (wrong
 * password, unknown user, untrusted CA, missing key store) fails the start, so the process exits non-zero with the
 * cause and the pod crash-loops visibly, instead of the clients retrying a login forever in the background. A cluster
 * that does not answer within the bound is only logged: the roles start not synced and recover when it comes back.
 */
@ApplicationScoped
public class KafkaStartupCheck {
    private static final Logger LOG = Logger.getLogger(KafkaStartupCheck.class);

    private final ImagePruneConfig config;
    private final Map<String, Object> kafka;

    public KafkaStartupCheck(ImagePruneConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** Runs before the roles start (their observer has the default, later priority). */
    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event) {
        if (config.ingest().enabled() || config.state().enabled()) {
            check();
        }
    }

    /** @throws KafkaStartupException when the settings are refused by the clients or the cluster */
    public void check() {
        Duration bound = config.kafka().startupCheckTimeout();
        String where = "Kafka at " + kafka.get("bootstrap.servers") + " (security.protocol="
                + kafka.getOrDefault("security.protocol", "PLAINTEXT") + ")";
        Map<String, Object> admin;
        try {
            KafkaClientConfig.producer(kafka, Map.of());
            KafkaClientConfig.consumer(kafka, Map.of());
            admin = KafkaClientConfig.admin(kafka);
            RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw new KafkaStartupException("refusing to start: " + e.getMessage(), e);
        }
        Admin client;
        try {
            client = Admin.create(admin);
        } catch (KafkaException e) {
            throw new KafkaStartupException("refusing to start: the kafka.* settings do not make a client of " + where
                    + ": " + causes(e), e);
        }
        try {
            String cluster = client.describeCluster(new DescribeClusterOptions().timeoutMs((int) bound.toMillis()))
                    .clusterId().get(bound.toMillis() + 1000, TimeUnit.MILLISECONDS);
            LOG.infof("%s reached: cluster %s", where, cluster);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException || e.getCause() instanceof AuthorizationException) {
                throw new KafkaStartupException("refusing to start: " + where + " refused this service: "
                        + causes(e.getCause()) + " (check the user secret, its password or certificate, and the "
                        + "cluster CA in the kafka.* settings)", e.getCause());
            }
            LOG.warnf("%s not reachable at start (%s); the roles start not synced until it is", where,
                    causes(e.getCause()));
        } catch (TimeoutException e) {
            LOG.warnf("%s did not answer within %s at start; the roles start not synced until it does", where, bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close(Duration.ofSeconds(5));
        }
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        return text.toString();
    }

    /** The start-up of a role that uses Kafka was refused; the message says why and what to check. */
    public static class KafkaStartupException extends RuntimeException {
        KafkaStartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
