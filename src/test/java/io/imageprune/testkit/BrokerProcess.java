package io.imageprune.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker ({@code kafka.Kafka}) as a child process of its own, so that it can be stopped,
 * killed and started again on the same ports and data, as a broker outage looks to its clients. The broker's classes
 * are the test class path's (Kafka's own test kit brings {@code kafka_2.13}).
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final Path home;
    private final Path properties;
    private final int port;
    private final int controllerPort;
    private Process process;
    private int starts;

    public BrokerProcess(Path home) {
        this.home = home;
        this.port = freePort();
        this.controllerPort = freePort();
        this.properties = home.resolve("server.properties");
        try {
            Files.createDirectories(home.resolve("data"));
            Files.writeString(properties, """
                    process.roles=broker,controller
                    node.id=1
                    controller.quorum.voters=1@127.0.0.1:%2$d
                    listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                    advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                    controller.listener.names=CONTROLLER
                    inter.broker.listener.name=PLAINTEXT
                    listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                    log.dirs=%3$s
                    num.partitions=1
                    offsets.topic.replication.factor=1
                    offsets.topic.num.partitions=1
                    transaction.state.log.replication.factor=1
                    transaction.state.log.min.isr=1
                    share.coordinator.state.topic.replication.factor=1
                    share.coordinator.state.topic.min.isr=1
                    group.initial.rebalance.delay.ms=0
                    """.formatted(port, controllerPort, home.resolve("data").toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker in " + home, e);
        }
        run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                properties.toString(), "--ignore-formatted"), "format.log");
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker on its ports and data and returns once it describes its cluster. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        starts++;
        process = launch(List.of("kafka.Kafka", properties.toString()), "broker-" + starts + ".log");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + "; see " + home);
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not answer within " + START_TIMEOUT + "; see " + home);
                    }
                }
            }
        }
    }

    /** SIGTERM (a controlled shutdown) or SIGKILL, and waits until the process is gone. */
    public synchronized void stop(boolean kill) {
        if (process == null) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        ProcessExits.await(process);
        process = null;
    }

    @Override
    public void close() {
        stop(true);
    }

    private Process launch(List<String> mainAndArgs, String log) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(home.resolve(log).toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainAndArgs.get(0), e);
        }
    }

    private void run(List<String> mainAndArgs, String log) {
        Process p = launch(mainAndArgs, log);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(mainAndArgs.get(0) + " failed; see " + home.resolve(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
