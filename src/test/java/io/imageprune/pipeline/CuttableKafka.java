package io.imageprune.pipeline;

import io.imageprune.testkit.TcpRelay;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A real single-node KRaft broker that clients reach only through a TCP proxy the test can cut and restore: the broker
 * advertises the proxy's address, so every connection (bootstrap and the broker's own) passes through it. Cut, every
 * open connection is closed and new ones are closed as soon as they are accepted, which is what clients of a dead
 * broker see; restored, bytes flow again to the same broker with its data and offsets intact. The proxy only forwards
 * bytes: it is not a fake of Kafka.
 */
public class CuttableKafka implements QuarkusTestResourceLifecycleManager {
    private static volatile TcpRelay proxy;
    private KafkaClusterTestKit cluster;

    /**
     * Settings the test class adds (the in-process roles are switched on already). {@link KafkaProcess} takes them
     * the same way, so that an outage test's settings read alike whichever broker it takes away; the two resources
     * share that shape only: each starts and stops its own kind of broker.
     */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public Map<String, String> start() {
        try {
            proxy = new TcpRelay();
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("advertised.listeners", "EXTERNAL://127.0.0.1:" + proxy.port())
                    .build();
            cluster.format();
            cluster.startup();
            String target = cluster.bootstrapServers().split(",")[0];
            int colon = target.lastIndexOf(':');
            proxy.target(new InetSocketAddress(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1))));
            cluster.waitForReadyBrokers();
            Map<String, String> config = new HashMap<>(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + proxy.port(),
                    "imageprune.ingest.enabled", "true", "imageprune.state.enabled", "true"));
            config.putAll(settings());
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-process Kafka broker behind its proxy", e);
        }
    }

    /** The broker becomes unreachable: open connections are closed, new ones too. */
    public static void cut() {
        proxy.refuse(true);
        proxy.dropAll();
    }

    /** The broker is reachable again. */
    public static void restore() {
        proxy.refuse(false);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
