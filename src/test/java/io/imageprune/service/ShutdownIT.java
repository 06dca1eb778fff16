package io.imageprune.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.pipeline.InProcessKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the packaged service ends it within 10 s — the pod's grace period is 30 s — whatever it is waiting for:
 * an API server that accepts connections and never answers, a broker that is not there, a listing in progress.
 */
class ShutdownIT {
    /** The bound for every state; the pod's terminationGracePeriodSeconds is well above it. */
    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(10);
    /** Start-up on a busy build machine. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern START_LINE = Pattern.compile("imageprune service started: HTTP port (\\d+)[^\"]*");

    @TempDir
    Path home;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        // the service first, then what it talked to
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void anApiServerThatNeverAnswersAndNoBrokerDoNotHoldUpShutdown() throws Exception {
        BlackHole apiServer = new BlackHole();
        Service service = start(Map.of("quarkus.kubernetes-client.api-server-url", apiServer.url(),
                "kafka.bootstrap.servers", "127.0.0.1:" + deadPort()));
        // the lease is being asked for (and never answered) while topic creation waits for the broker
        await().atMost(START).until(() -> !apiServer.requests().isEmpty());

        assertStopsInTime(service);
    }

    @Test
    void withoutKubeconfigTheStartLineAndStatusSaySoAndNoBrokerDoesNotHoldUpShutdown() throws Exception {
        int kafka = deadPort();
        Service service = start(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + kafka));

        String line = service.startLine();
        assertTrue(line.contains("roles ingest, state, prune"), line);
        assertTrue(line.contains("Kafka 127.0.0.1:" + kafka), line);
        assertTrue(line.contains("cluster no kubeconfig (" + home.resolve(".kube/config")), line);
        assertTrue(line.contains("dry run"), line);
        assertEquals(1, service.log().split("imageprune service started", -1).length - 1, "one start line");
        JsonNode status = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/api/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertFalse(status.get("cluster").get("configured").asBoolean(), status.toString());
        assertTrue(status.get("cluster").get("problem").asText().startsWith("no kubeconfig"), status.toString());
        assertTrue(status.get("conditions").toString().contains("NoKubeconfig"), status.toString());

        assertStopsInTime(service);
    }

    @Test
    void aListingInProgressDoesNotHoldUpShutdown() throws Exception {
        InProcessKafka kafka = new InProcessKafka();
        String bootstrap = kafka.start().get("kafka.bootstrap.servers");
        cleanup.add(kafka::stop);
        BlackHole apiServer = new BlackHole();
        Service service = start(Map.of("quarkus.kubernetes-client.api-server-url", apiServer.url(),
                "kafka.bootstrap.servers", bootstrap));
        // the topics exist, the ingest's informers are listing: the listing holds the ingest's start lock
        await().atMost(START).until(() -> apiServer.requests().stream()
                .anyMatch(request -> request.startsWith("GET ") && !request.contains("/leases/")));

        assertStopsInTime(service);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void assertStopsInTime(Service service) throws Exception {
        long sent = System.nanoTime();
        service.process.destroy(); // SIGTERM, as the kubelet sends it
        boolean exited = service.process.waitFor(SHUTDOWN_BOUND.toMillis() + 20_000, TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        assertTrue(exited, "still running " + took + " after SIGTERM:\n" + service.tail());
        System.out.println("shutdown took " + took);
        assertTrue(took.compareTo(SHUTDOWN_BOUND) <= 0, "shutdown took " + took + ":\n" + service.tail());
    }

    /** The packaged service with plain log lines, a home without a kubeconfig, and a free HTTP port. */
    private Service start(Map<String, String> properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-Dquarkus.http.port=0", "-Dquarkus.log.console.json.enabled=false",
                "-Dimageprune.ingest.id=shutdown-it"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        Path log = Files.createTempFile(home, "service", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // as on a machine without a cluster: no kubeconfig from the environment, not in a pod
        builder.environment().keySet().removeIf(name -> name.equals("KUBECONFIG")
                || name.startsWith("KUBERNETES_") || name.startsWith("IMAGEPRUNE_") || name.startsWith("QUARKUS_"));
        Process process = builder.start();
        cleanup.add(() -> process.destroyForcibly().waitFor(10, TimeUnit.SECONDS));
        Service service = new Service(process, log);
        await().atMost(START).until(() -> service.startLineOrNull() != null || !process.isAlive());
        assertTrue(process.isAlive(), "the service ended on its own:\n" + service.tail());
        return service;
    }

    private record Service(Process process, Path logFile) {
        String log() throws IOException {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        }

        String startLineOrNull() throws IOException {
            Matcher matcher = START_LINE.matcher(log());
            return matcher.find() ? matcher.group() : null;
        }

        String startLine() throws IOException {
            return startLineOrNull();
        }

        int port() throws IOException {
            Matcher matcher = START_LINE.matcher(log());
            assertTrue(matcher.find());
            return Integer.parseInt(matcher.group(1));
        }

        String tail() throws IOException {
            String log = log();
            return log.substring(Math.max(0, log.length() - 6000));
        }
    }

    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Accepts every connection, reads the request and never answers: an API server behind a broken network. */
    private final class BlackHole implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        BlackHole() throws IOException {
            cleanup.add(this);
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        held.add(socket);
                        Thread reader = new Thread(() -> read(socket), "black-hole-reader");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void read(Socket socket) {
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[8192];
                StringBuilder text = new StringBuilder();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    int end;
                    while ((end = text.indexOf("\r\n")) >= 0) {
                        String line = text.substring(0, end);
                        text.delete(0, end + 2);
                        if (line.matches("[A-Z]+ /\\S* HTTP/.*")) {
                            requests.add(line);
                        }
                    }
                }
            } catch (IOException closed) {
                // the client gave up or the test ended
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        List<String> requests() {
            return requests;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
