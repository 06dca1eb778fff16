package io.imageprune.registry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real distribution registry ({@code docker-registry serve}) as a child process with its own config, data directory
 * and port, for tests that must see what a registry really answers. Plain HTTP on 127.0.0.1, no auth, deletes enabled.
 *
 * <pre>
 * try (DistributionRegistry registry = DistributionRegistry.launch()) {
 *     new RegistryPusher(registry.url()).push("ns/app", "v1", "hello");
 * }
 * </pre>
 */
public final class DistributionRegistry implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration GC_TIMEOUT = Duration.ofSeconds(60);
    private static final int PORT_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final Path binary;
    private final Path home;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500))
            .build();
    private final Thread shutdownHook;
    private int port;
    private boolean portConfirmed;
    private volatile Process process;
    private boolean closed;

    /** Prepares config and data directory in a new temp dir; nothing runs until {@link #start()}. */
    public DistributionRegistry() {
        this.binary = RegistryBinary.require();
        try {
            this.home = Files.createTempDirectory("distribution-registry");
            this.dataDir = Files.createDirectories(home.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry's temp dir", e);
        }
        this.configFile = home.resolve("config.yml");
        this.logFile = home.resolve("registry.log");
        this.port = freePort();
        writeConfig();
        // a test JVM that dies without close() must not leave a registry listening behind
        this.shutdownHook = new Thread(() -> {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
        }, "distribution-registry-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A new registry, started and answering. */
    public static DistributionRegistry launch() {
        DistributionRegistry registry = new DistributionRegistry();
        try {
            registry.start();
            return registry;
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** "http://127.0.0.1:port", without trailing slash; stays the same across stop/start. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path configFile() {
        return configFile;
    }

    /** All process output of every start so far (serve and garbage-collect). */
    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * Starts {@code docker-registry serve} (again, on the same port and data) and returns once {@code GET /v2/} answers.
     * No-op when already running.
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("registry was closed");
        }
        if (isRunning()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                launchAndAwait();
                portConfirmed = true;
                return;
            } catch (PortTakenException e) {
                // the free port from freePort() can be grabbed by someone else before the registry binds it; only
                // before the first successful start may the port change, later tests rely on a stable url()
                if (portConfirmed || attempt >= PORT_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage());
                }
                port = freePort();
                writeConfig();
            }
        }
    }

    /** Kills the registry (SIGTERM, SIGKILL after a few seconds) and waits until it has exited. Data stays. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Offline garbage collection (GC while serving is unsafe: the inmemory blob descriptor cache would go stale):
     * stop, {@code docker-registry garbage-collect config}, start again if it was running.
     *
     * @return the tool's output (e.g. "... blobs marked, ... blobs and ... manifests eligible for deletion")
     */
    public String garbageCollect() {
        return garbageCollect(false);
    }

    /** @param deleteUntagged also delete manifests that no tag points to ({@code --delete-untagged}) */
    public synchronized String garbageCollect(boolean deleteUntagged) {
        boolean wasRunning = isRunning();
        stop();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "garbage-collect"));
        if (deleteUntagged) {
            command.add("--delete-untagged");
        }
        command.add(configFile.toString());
        try {
            Path out = home.resolve("gc.out");
            Process gc = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!gc.waitFor(GC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                gc.destroyForcibly();
                throw new IllegalStateException("garbage-collect did not finish within " + GC_TIMEOUT);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.writeString(logFile, "--- garbage-collect ---\n" + output, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            if (gc.exitValue() != 0) {
                throw new IllegalStateException("garbage-collect failed (exit " + gc.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during garbage-collect", e);
        } finally {
            if (wasRunning) {
                start();
            }
        }
    }

    /** Stops the registry and deletes config, data and log. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway; nothing to undo
        }
        deleteRecursively(home);
    }

    /** The last lines of the registry's log, for failure messages. */
    public String logTail() {
        return logTail(LOG_TAIL_LINES);
    }

    public String logTail(int lines) {
        try {
            if (!Files.exists(logFile)) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "DistributionRegistry[" + url() + ", " + home + (isRunning() ? ", running" : ", stopped") + "]";
    }

    private void launchAndAwait() {
        Process p;
        try {
            Files.writeString(logFile, "--- serve on port " + port + " ---\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            p = new ProcessBuilder(binary.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        process = p;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(url() + "/v2/")).timeout(Duration.ofSeconds(1)).GET().build();
        while (true) {
            if (!p.isAlive()) {
                process = null;
                String tail = logTail();
                if (tail.contains("address already in use")) {
                    throw new PortTakenException("port " + port + " already in use:\n" + tail);
                }
                throw new IllegalStateException("docker-registry exited with " + p.exitValue() + " while starting on "
                        + url() + "; log tail:\n" + tail);
            }
            try {
                HttpResponse<Void> r = http.send(ping, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                // someone else answers on our port: treat as taken
                if (!portConfirmed) {
                    stopQuietly(p);
                    throw new PortTakenException("port " + port + " answers " + r.statusCode() + " to GET /v2/ (not ours)");
                }
            } catch (ConnectException notYet) {
                // still binding
            } catch (IOException e) {
                // e.g. connection reset while the server comes up; retry until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopQuietly(p);
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            if (System.nanoTime() > deadline) {
                stopQuietly(p);
                throw new IllegalStateException("docker-registry did not answer GET " + url() + "/v2/ within "
                        + START_TIMEOUT + "; log tail:\n" + logTail());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopQuietly(p);
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
        }
    }

    private void stopQuietly(Process p) {
        process = null;
        p.destroyForcibly();
        try {
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // a fixed http.secret keeps upload URLs (their _state is signed with it) valid across stop/start, as in a
    // deployment where replicas share the secret; the access log stays on because it shows what the registry saw
    private void writeConfig() {
        String yaml = """
                version: 0.1
                log:
                  level: warn
                  fields:
                    service: registry
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                  cache:
                    blobdescriptor: inmemory
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                  secret: imageprune-testkit
                  headers:
                    X-Content-Type-Options: [nosniff]
                """.formatted(dataDir.toAbsolutePath(), port);
        try {
            Files.writeString(configFile, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file must not fail the test that closes the registry
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // same
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message, null, false, false);
        }
    }
}
