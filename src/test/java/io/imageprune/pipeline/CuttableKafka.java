package io.imageprune.pipeline;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real single-node KRaft broker that clients reach only through a TCP proxy the test can cut and restore: the broker
 * advertises the proxy's address, so every connection (bootstrap and the broker's own) passes through it. Cut, every
 * open connection is closed and new ones are closed as soon as they are accepted, which is what clients of a dead
 * broker see; restored, bytes flow again to the same broker with its data and offsets intact. The proxy only forwards
 * bytes: it is not a fake of Kafka.
 */
public class CuttableKafka implements QuarkusTestResourceLifecycleManager {
    private static volatile Proxy proxy;
    private KafkaClusterTestKit cluster;

    /** Settings the test class adds (the in-process roles are switched on already). */
    protected Map<String, String> settings() {
        return Map.of();
    }

    @Override
    public Map<String, String> start() {
        try {
            proxy = new Proxy();
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
            proxy.forwardTo(new InetSocketAddress(target.substring(0, colon),
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
        proxy.cut(true);
    }

    /** The broker is reachable again. */
    public static void restore() {
        proxy.cut(false);
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

    /** Forwards bytes both ways between each accepted connection and the broker. */
    private static final class Proxy implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile InetSocketAddress target;
        private volatile boolean cut;

        Proxy() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "kafka-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void forwardTo(InetSocketAddress target) {
            this.target = target;
        }

        void cut(boolean cut) {
            this.cut = cut;
            if (cut) {
                open.forEach(Proxy::closeQuietly);
                open.clear();
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return;
                }
                if (cut || target == null) {
                    closeQuietly(client);
                    continue;
                }
                try {
                    Socket broker = new Socket(target.getAddress(), target.getPort());
                    open.add(client);
                    open.add(broker);
                    pump(client, broker);
                    pump(broker, client);
                } catch (IOException e) {
                    closeQuietly(client);
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // either side closed: close both
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                    open.remove(from);
                    open.remove(to);
                }
            }, "kafka-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            cut(true);
        }
    }
}
