package io.imageprune.pipeline;

import io.imageprune.testkit.BrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real broker as a process of its own ({@link BrokerProcess}) that a test stops (SIGTERM, as a rolling restart or
 * a node drain does) and starts again on the same ports and data, with the in-process roles switched on. Unlike
 * {@link CuttableKafka}, nothing stands between the clients and the broker: what they see is the broker going away.
 */
public class KafkaProcess implements QuarkusTestResourceLifecycleManager {
    private static volatile BrokerProcess broker;
    private Path home;

    /** Settings the test class adds, as {@link CuttableKafka} takes them (the in-process roles are on already). */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public Map<String, String> start() {
        try {
            home = Files.createTempDirectory("imageprune-broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the broker's directory", e);
        }
        broker = new BrokerProcess(home);
        broker.start();
        Map<String, String> config = new HashMap<>(Map.of("kafka.bootstrap.servers", broker.bootstrap(),
                "imageprune.ingest.enabled", "true", "imageprune.state.enabled", "true"));
        config.putAll(settings());
        return config;
    }

    /** SIGTERM to the broker; returns once its process has exited. */
    public static void stopBroker() {
        broker.stop(false);
    }

    /** Starts the broker again on its ports and data; returns once it describes its cluster. */
    public static void startBroker() {
        broker.start();
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (home != null) {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + home, e);
            }
        }
    }
}
