package io.imageprune.chaos;

import io.imageprune.testkit.ProcessExits;
import io.imageprune.testkit.BrokerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One life of the packaged service ({@code quarkus-run.jar}) as a child process: started, asked, killed. */
final class ServiceProcess {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final long startedNanos = System.nanoTime();
    private volatile long peakRssKiB;

    private ServiceProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts the jar with these {@code -D} settings; its output goes to {@code logDir/name.log}. */
    static ServiceProcess launch(String name, Map<String, String> settings, Path logDir) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("no packaged service at " + JAR.toAbsolutePath() + ": run ./mvnw package first");
        }
        int port = BrokerProcess.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        // the heap is committed and touched up front, so RSS growth shows memory outside it (threads, buffers,
        // metaspace); a heap that fills up shows as a process that stops answering
        List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
                "-Dquarkus.http.port=" + port, "-Dquarkus.log.console.json.enabled=false",
                "-Dimageprune.ingest.id=" + name));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logDir.resolve(name + ".log").toFile()).start();
            return new ServiceProcess(name, port, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    double ageSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** SIGKILL, and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        await();
    }

    /** SIGTERM, and waits until it is gone. */
    void stop() {
        process.destroy();
        await();
    }

    private void await() {
        ProcessExits.await(process);
    }

    /** Resident memory in KiB (0 once gone); the peak is remembered. */
    long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    peakRssKiB = Math.max(peakRssKiB, kib);
                    return kib;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process has exited
        }
        return 0;
    }

    long peakRssKiB() {
        return peakRssKiB;
    }

    /** GET a JSON document; null when it does not answer 200. */
    JsonNode get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** POST /api/v1/runs: the status code (202 started, 409/503/422 refused), -1 when it does not answer. */
    int startRun() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/api/v1/runs")).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ", port " + port + ")";
    }
}
