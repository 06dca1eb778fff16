package io.imageprune.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.api.model.NamedTagEventList;
import io.fabric8.openshift.api.model.TagEvent;
import io.fabric8.openshift.api.model.TagEventBuilder;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.pipeline.InProcessKafka;
import io.imageprune.registry.testkit.FaultProxy;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import io.imageprune.state.LiveGraph;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prune execution against the real distribution registry (behind the recording proxy), the CRUD mock API and a real
 * Kafka broker: (1) reclamation latency of event-driven pruning, from the API update that makes an image eligible to
 * the registry's first DELETE for its repository; (2) registry deletions per second of a confirmed full run at 1 and
 * 16 workers, also with a fixed round trip added per DELETE. With {@code -Dimageprune.bench=true} (run with
 * {@code bench/prune.sh}) at the benchmark's sizes; otherwise its smoke form runs in every build: a few samples and
 * streams, the 16-worker configuration only, so that a broken benchmark fails the build (never a timing). Numbers go
 * to stdout (target/surefire-reports/*-output.txt) and target/bench/prune.txt (prune-smoke.txt for the smoke form);
 * only correctness is asserted (every planned deletion happened, nothing else was deleted).
 *
 * <p>Each configuration is a test profile, so Quarkus (with its broker and registry) restarts between them: this class
 * measures latency, the nested classes throughput. The machine is shared, so every measurement is taken twice.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@TestProfile(PruneBenchTest.EventDriven.class)
class PruneBenchTest {
    /** the benchmark itself; otherwise its smoke form */
    static final boolean BENCH = Boolean.getBoolean("imageprune.bench");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int ROUNDS = Integer.getInteger("imageprune.bench.rounds", BENCH ? 2 : 1);
    private static final int ITERATIONS = Integer.getInteger("imageprune.bench.iterations", BENCH ? 40 : 2);
    private static final int WARMUP = BENCH ? 3 : 1;
    private static final int LATENCY_REPOS = 4;

    /** Settings both kinds of measurement share: confirmed, one revision per tag, any age is old enough. */
    static Map<String, String> common() {
        Map<String, String> config = new HashMap<>();
        config.put("imageprune.prune.confirm", "true");
        config.put("imageprune.plan.keep-younger-than", "0s");
        config.put("imageprune.plan.keep-tag-revisions", "1");
        config.put("imageprune.prune.max-image-deletion-share", "1.0");
        // the throughput runs are started by POST /api/v1/runs, off by default; no TokenReview in the mock API
        config.put("imageprune.api.runs.enabled", "true");
        config.put("imageprune.api.runs.authenticate", "false");
        // the switches of this benchmark (-Dimageprune.bench*) are system properties under the service's own prefix
        config.put("smallrye.config.mapping.validate-unknown", "false");
        return config;
    }

    public static class EventDriven implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = common();
            config.put("imageprune.prune.event-driven", "true");
            return config;
        }
    }

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    LiveGraph live;
    @Inject
    PruneRunner runner;
    @Inject
    RunHistory history;

    @AfterAll
    static void table() {
        Table.print();
    }

    @Test
    void reclamationLatency() {
        Fixture f = new Fixture(server);
        await().atMost(WAIT).until(live::synced);
        // when the graph first showed a stream whose newest revision is this image: ingest → Kafka → graph done
        Map<String, Long> inGraph = new ConcurrentHashMap<>();
        live.onChange((before, after) -> {
            if (after instanceof io.imageprune.model.ImageStream s && !s.tags().isEmpty()
                    && !s.tags().get(0).items().isEmpty()) {
                inGraph.putIfAbsent(s.tags().get(0).items().get(0).image(), System.nanoTime());
            }
        });
        Map<String, PushedImage> newest = new HashMap<>();
        for (int r = 0; r < LATENCY_REPOS; r++) {
            String repo = "lat/r" + r;
            PushedImage first = f.pusher.push(repo, "latest", List.of(repo + " base"));
            f.cluster.createImage(first);
            f.cluster.createStream(repo, "latest", List.of(first));
            newest.put(repo, first);
        }
        await().atMost(WAIT).until(() -> live.read(g -> newest.keySet().stream().allMatch(r -> g.stream(r) != null)));
        awaitQuiet();

        int n = 0;
        for (int round = 0; round <= ROUNDS; round++) {
            boolean warmup = round == 0;
            List<long[]> samples = new ArrayList<>();
            for (int i = 0; i < (warmup ? WARMUP : ITERATIONS); i++, n++) {
                String repo = "lat/r" + (n % LATENCY_REPOS);
                PushedImage previous = newest.get(repo);
                PushedImage next = f.pusher.push(repo, "latest", List.of(repo + " revision " + n));
                // the image before the stream, as the registry does on a push: a revision naming a missing image is
                // dangling and would be pruned itself
                f.cluster.createImage(next);
                ImageStream stream = f.client.imageStreams().inNamespace("lat").withName(repo.substring(4)).get();
                NamedTagEventList tag = stream.getStatus().getTags().get(0);
                List<TagEvent> items = new ArrayList<>(tag.getItems());
                items.add(0, new TagEventBuilder().withCreated(Instant.now().minusSeconds(1).toString())
                        .withDockerImageReference(f.cluster.pullSpec(next)).withImage(next.manifestDigest())
                        .withGeneration(1L).build());
                tag.setItems(items);
                long t0 = System.nanoTime();
                f.client.imageStreams().inNamespace("lat").resource(stream).updateStatus();
                String repoDeletes = "/v2/" + Pattern.quote(repo) + "/.*";
                FaultProxy.Recorded first = await().atMost(WAIT).until(() -> f.proxy.requests("DELETE", repoDeletes)
                        .stream().filter(r -> r.receivedNanos() > t0).findFirst().orElse(null), r -> r != null);
                long t1 = first.receivedNanos();
                long graph = inGraph.getOrDefault(next.manifestDigest(), -1L);
                long started = history.reports().stream().filter(run -> run.trigger().equals("event"))
                        .mapToLong(run -> Fixture.nanos(run.startedAt())).filter(s -> s <= t1)
                        .max().orElse(-1L);
                samples.add(new long[]{t1 - t0, graph < 0 ? -1 : graph - t0, graph < 0 || started < 0 ? -1
                        : started - graph, started < 0 ? -1 : t1 - started});
                Set<String> planned = f.linkDeletions(previous);
                await().atMost(WAIT).until(() -> f.deleted(planned).size() == planned.size());
                await().atMost(WAIT).until(() -> f.client.images().withName(previous.manifestDigest()).get() == null);
                awaitQuiet();
                assertEquals(planned, f.deleted(planned), "every link of the old revision went");
                newest.put(repo, next);
            }
            if (!warmup) {
                Table.add(String.format(Locale.ROOT, "latency     debounce=500ms round=%d n=%d  %s", round,
                        samples.size(), Table.summary(samples)));
            }
        }
        for (Map.Entry<String, PushedImage> kept : newest.entrySet()) {
            assertTrue(f.pusher.pull(kept.getKey(), kept.getValue().manifestDigest()), "the newest still pulls");
        }
        Set<String> unplanned = new HashSet<>();
        f.proxy.requests("DELETE", ".*").forEach(r -> {
            if (r.status() != 202) {
                unplanned.add(r.method() + " " + r.path() + " " + r.status());
            }
        });
        assertEquals(Set.of(), unplanned, "every DELETE succeeded the first time");
    }

    /** No run in progress, and none started for longer than a debounce and a tick: the prune's own echoes are over. */
    private void awaitQuiet() {
        AtomicReference<String> lastRun = new AtomicReference<>();
        Callable<Boolean> quiet = () -> {
            List<RunReport> runs = history.reports();
            String newestId = runs.isEmpty() ? "" : runs.get(runs.size() - 1).id();
            return !runner.busy() & newestId.equals(lastRun.getAndSet(newestId));
        };
        await().atMost(WAIT).during(Duration.ofMillis(800)).until(quiet);
    }

    // ------------------------------------------------------------------------------------------ throughput

    /** A confirmed full run over {@code repos} fresh streams of three revisions; two go from each stream. */
    abstract static class Throughput {
        static final int REPOS = Integer.getInteger("imageprune.bench.repos", BENCH ? 100 : 3);
        static final int REVISIONS = 3;
        static final Duration DELAY = Duration.ofMillis(Integer.getInteger("imageprune.bench.delay-ms", 20));
        private static final ObjectMapper MAPPER = new ObjectMapper();

        @KubernetesTestServer
        KubernetesServer server;
        @Inject
        LiveGraph live;

        abstract int workers();

        @AfterAll
        static void table() {
            Table.print();
        }

        @Test
        void deletionThroughput() throws Exception {
            Fixture f = new Fixture(server);
            await().atMost(WAIT).until(live::synced);
            int dataset = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                for (Duration delay : List.of(Duration.ZERO, DELAY)) {
                    measure(f, "tp" + dataset++, round, delay);
                }
            }
        }

        private void measure(Fixture f, String namespace, int round, Duration delay) throws Exception {
            List<List<PushedImage>> streams = f.parallel(REPOS, k -> {
                String repo = namespace + "/app" + k;
                List<PushedImage> newestFirst = new ArrayList<>();
                for (int rev = REVISIONS - 1; rev >= 0; rev--) {
                    newestFirst.add(f.pusher.push(repo, "latest", List.of(repo + " revision " + rev)));
                }
                newestFirst.forEach(f.cluster::createImage);
                f.cluster.createStream(repo, "latest", newestFirst);
                return newestFirst;
            });
            Set<String> planned = new HashSet<>();
            streams.forEach(s -> s.subList(1, s.size()).forEach(old -> planned.addAll(f.linkDeletions(old))));
            await().atMost(WAIT).until(() -> live.read(g -> streams.stream().allMatch(s -> {
                io.imageprune.model.ImageStream stream = g.stream(s.get(0).repository());
                return stream != null && stream.tags().get(0).items().size() == REVISIONS
                        && s.stream().allMatch(i -> g.image(i.manifestDigest()) != null);
            })));
            f.proxy.clearRequests();
            FaultProxy.Rule slow = delay.isZero() ? () -> { } : f.proxy.delay(delay, "DELETE", ".*");
            JsonNode run;
            try {
                String id = MAPPER.readTree(given().post("/api/v1/runs").then().statusCode(202).extract().asString())
                        .get("id").asText();
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !"RUNNING".equals(report(id).get("state").asText()));
                run = report(id);
            } finally {
                slow.remove();
            }
            assertEquals("SUCCEEDED", run.get("state").asText(), run.toString());
            List<FaultProxy.Recorded> deletes = f.proxy.requests("DELETE", ".*");
            Set<String> requested = new HashSet<>();
            deletes.forEach(r -> requested.add(r.method() + " " + r.path() + " " + r.status()));
            Set<String> expected = new HashSet<>();
            planned.forEach(p -> expected.add(p + " 202"));
            assertEquals(expected, requested, "every planned link once, successfully, and nothing else");
            assertEquals(planned.size(), deletes.size(), "no DELETE twice");
            double span = (deletes.get(deletes.size() - 1).receivedNanos() - deletes.get(0).receivedNanos()) / 1e9;
            double service = deletes.stream().mapToLong(r -> r.doneNanos() - r.receivedNanos()).average()
                    .orElse(0) / 1e6;
            Instant started = Instant.parse(run.get("startedAt").asText());
            Instant finished = Instant.parse(run.get("finishedAt").asText());
            Table.add(String.format(Locale.ROOT, "throughput  workers=%-2d delay=%dms round=%d deletes=%d span=%.2fs"
                            + " rate=%.0f/s  (proxy time per DELETE %.1f ms; run %.2fs incl. %d streams and %d images"
                            + " via the API)", workers(), delay.toMillis(), round, deletes.size(), span,
                    deletes.size() / span, service, Duration.between(started, finished).toMillis() / 1e3, REPOS,
                    REPOS * (REVISIONS - 1)));
        }

        private static JsonNode report(String id) throws IOException {
            return MAPPER.readTree(given().get("/api/v1/runs/" + id).then().statusCode(200).extract().asString());
        }
    }

    /** Runs only on request; the event-driven passes would otherwise prune the data as it is created. */
    static Map<String, String> throughputConfig(int workers) {
        Map<String, String> config = common();
        config.put("imageprune.prune.event-driven", "false");
        config.put("imageprune.prune.num-workers", Integer.toString(workers));
        return config;
    }

    public static class OneWorkerProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return throughputConfig(1);
        }
    }

    /** The configuration of {@link PruneBenchThroughputTest}. */
    public static class SixteenWorkersProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return throughputConfig(16);
        }
    }

    @EnabledIfSystemProperty(named = "imageprune.bench", matches = "true")
    @QuarkusTest
    @WithKubernetesTestServer(crud = true)
    @WithTestResource(InProcessKafka.class)
    @WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
    @TestProfile(OneWorkerProfile.class)
    static class OneWorker extends Throughput {
        @Override
        int workers() {
            return 1;
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The clients a measurement uses: mock API, pusher straight into the registry, the service's proxy. */
    static final class Fixture {
        /** Run reports carry wall-clock instants, the proxy System.nanoTime(): one offset converts. */
        private static final long WALL_MINUS_NANO = epochNanos(Instant.now()) - System.nanoTime();

        final OpenShiftClient client;
        final ClusterObjects cluster;
        final RegistryPusher pusher;
        final FaultProxy proxy;

        Fixture(KubernetesServer server) {
            client = server.getClient().adapt(OpenShiftClient.class);
            proxy = RealRegistry.proxy();
            proxy.clearRules();
            proxy.clearRequests();
            URI registry = URI.create(RealRegistry.registry().url());
            cluster = new ClusterObjects(client, registry.getHost() + ":" + registry.getPort());
            pusher = new RegistryPusher(RealRegistry.registry().url());
        }

        static long nanos(Instant wall) {
            return epochNanos(wall) - WALL_MINUS_NANO;
        }

        private static long epochNanos(Instant instant) {
            return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
        }

        /**
         * The registry DELETEs pruning an image's only revision in its repository takes on a distribution registry:
         * its layer and config links and its manifest link (blobs themselves are left to the registry's GC).
         */
        Set<String> linkDeletions(PushedImage image) {
            Set<String> links = new HashSet<>();
            String repo = "/v2/" + image.repository();
            links.add("DELETE " + repo + "/manifests/" + image.manifestDigest());
            links.add("DELETE " + repo + "/blobs/" + image.configDigest());
            image.layers().forEach(l -> links.add("DELETE " + repo + "/blobs/" + l.digest()));
            return links;
        }

        /** Which of these were requested and answered 202. */
        Set<String> deleted(Set<String> links) {
            Set<String> done = new HashSet<>();
            proxy.requests("DELETE", ".*").forEach(r -> {
                String link = r.method() + " " + r.path();
                if (r.status() == 202 && links.contains(link)) {
                    done.add(link);
                }
            });
            return done;
        }

        /** Builds test data concurrently: pushing and creating hundreds of images one by one takes minutes. */
        <T> List<T> parallel(int count, IntFunctionWithException<T> task) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<T>> futures = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int k = i;
                    futures.add(pool.submit(() -> task.apply(k)));
                }
                List<T> results = new ArrayList<>();
                for (Future<T> future : futures) {
                    results.add(future.get());
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @FunctionalInterface
    interface IntFunctionWithException<T> {
        T apply(int value) throws Exception;
    }

    /** The figures, appended to target/bench/prune.txt (bench/prune.sh empties it first) and printed. */
    static final class Table {
        private static final Path FILE = Path.of("target", "bench", BENCH ? "prune.txt" : "prune-smoke.txt");
        private static final Pattern RATE = Pattern.compile(
                "throughput\\s+workers=(\\d+)\\s+delay=(\\d+)ms round=(\\d+) .* rate=(\\d+)/s");

        static void add(String row) {
            System.out.println(row);
            try {
                Files.createDirectories(FILE.getParent());
                Files.writeString(FILE, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** All rows so far, with the 16-to-1 ratio of each throughput pair that has both. */
        static void print() {
            List<String> rows;
            try {
                rows = Files.exists(FILE) ? Files.readAllLines(FILE) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, Map<Integer, Integer>> rates = new TreeMap<>();
            for (String row : rows) {
                Matcher m = RATE.matcher(row);
                if (m.find()) {
                    rates.computeIfAbsent("delay=" + m.group(2) + "ms round=" + m.group(3), k -> new TreeMap<>())
                            .put(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(4)));
                }
            }
            StringBuilder out = new StringBuilder("\n===== prune benchmark (so far) =====\n");
            rows.stream().filter(r -> !r.startsWith("ratio")).forEach(r -> out.append(r).append('\n'));
            rates.forEach((key, byWorkers) -> {
                if (byWorkers.containsKey(1) && byWorkers.containsKey(16)) {
                    out.append(String.format(Locale.ROOT, "ratio       16 vs 1 workers, %s: %.1fx%n", key,
                            byWorkers.get(16) / (double) byWorkers.get(1)));
                }
            });
            System.out.println(out);
        }

        /** Percentiles of the total and of its parts; -1 parts (not observed) are left out. */
        static String summary(List<long[]> samples) {
            String[] names = {"first DELETE", "API update→graph", "graph→run start", "run start→DELETE"};
            StringBuilder s = new StringBuilder();
            for (int part = 0; part < names.length; part++) {
                int p = part;
                List<Long> values = samples.stream().map(v -> v[p]).filter(v -> v >= 0).sorted().toList();
                if (values.isEmpty()) {
                    continue;
                }
                s.append(part == 0 ? "" : "; ").append(names[part]).append(part == 0 ? " p50/p90/p99/max " : " p50/p99 ");
                s.append(part == 0 ? ms(values, 0.5) + "/" + ms(values, 0.9) + "/" + ms(values, 0.99) + "/"
                        + ms(values, 1.0) : ms(values, 0.5) + "/" + ms(values, 0.99)).append(" ms");
                if (part == 0) {
                    s.append(" |");
                }
            }
            return s.toString().replace("|;", "|");
        }

        /** Nearest-rank percentile in milliseconds. */
        private static String ms(List<Long> sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.size());
            return String.format(Locale.ROOT, "%.0f", sorted.get(Math.max(0, rank - 1)) / 1e6);
        }
    }
}
