package io.imageprune.chaos;

import io.imageprune.testkit.BrokerProcess;
import io.imageprune.testkit.ApiServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.registry.testkit.DistributionRegistry;
import io.imageprune.registry.testkit.FaultProxy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The chaos soak: the real system (a KRaft broker process, the real registry behind a fault proxy, the CRUD mock API
 * server behind a relay, the packaged service with all roles in one process, then split in two) under seeded churn
 * and seeded faults for a bounded time, then quiescence, convergence and the invariants; the figures at the end.
 * Everything it starts it stops. Run by {@link ChaosSoakIT} (short) and {@code bench/chaos.sh} (long).
 */
final class ChaosSoak {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String AUDIT_TOPIC = "imageprune.deletions";
    static final String STATE_TOPIC = "imageprune.cluster-state";
    private static final int KEEP_TAG_REVISIONS = 2;
    private static final Duration KEEP_YOUNGER = Duration.ofSeconds(5);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration MAX_STALENESS = Duration.ofSeconds(4);
    private static final Duration MAX_MARKER_AGE = Duration.ofSeconds(8);
    /** How long after its creation a referrer must be protected: the marker age bound plus two heartbeats. */
    static final Duration FRESHNESS = MAX_MARKER_AGE.plus(HEARTBEAT).plus(HEARTBEAT);

    /**
     * @param seed          the churn and fault schedule
     * @param duration      churn and faults (half with one process, half with the roles split)
     * @param churnPerSecond cluster changes per second
     * @param faultGap      mean quiet time between two faults
     * @param quietMinute   the quiet time after the first sync (no churn, no fault) whose end gives the RSS baseline of (d)
     * @param converge      how long convergence may take after the last fault
     * @param freshPlan     check (b) against a fresh listing by a second, fresh service process
     */
    record Settings(long seed, Duration duration, double churnPerSecond, Duration faultGap, Duration quietMinute,
                    Duration converge, boolean freshPlan, Path workDir) {
        /** @param defaultSeed a number, or {@code random} (a new seed each run, printed) */
        static Settings fromSystemProperties(Duration defaultDuration, Duration defaultQuiet, String defaultSeed) {
            String seedSetting = System.getProperty("imageprune.chaos.seed", defaultSeed);
            long seed = "random".equals(seedSetting) ? Math.floorMod(System.nanoTime(), 1_000_000L)
                    : Long.parseLong(seedSetting);
            Duration duration = Duration.parse(System.getProperty("imageprune.chaos.duration", defaultDuration.toString()));
            double rate = Double.parseDouble(System.getProperty("imageprune.chaos.rate", "3"));
            Duration gap = Duration.parse(System.getProperty("imageprune.chaos.fault-gap", "PT6S"));
            Duration quiet = Duration.parse(System.getProperty("imageprune.chaos.quiet", defaultQuiet.toString()));
            Duration converge = Duration.parse(System.getProperty("imageprune.chaos.converge", "PT90S"));
            boolean fresh = Boolean.parseBoolean(System.getProperty("imageprune.chaos.fresh-plan", "true"));
            Path dir = Path.of("target", "chaos", seed + "-" + Instant.now().toString().replace(':', '-'));
            return new Settings(seed, duration, rate, gap, quiet, converge, fresh, dir);
        }
    }

    /** Held so that the level set on it stays: the harness's own Kafka clients would log every refused connection. */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");
    /** Likewise for the mock API server, which logs every request it receives. */
    private static final Logger MOCK_API_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final Settings settings;
    private final List<String> log = new ArrayList<>();

    ChaosSoak(Settings settings) {
        this.settings = settings;
    }

    ChaosReport run() throws Exception {
        KAFKA_LOG.setLevel(Level.SEVERE);
        MOCK_API_LOG.setLevel(Level.WARNING);
        Files.createDirectories(settings.workDir());
        say("seed " + settings.seed() + ", " + settings.duration() + ", work dir " + settings.workDir());
        List<AutoCloseable> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        // a JVM asked to stop (bench/chaos.sh interrupted) still stops the broker, registry and service processes
        Thread hook = new Thread(() -> closeAll(started), "chaos-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            BrokerProcess broker = new BrokerProcess(settings.workDir().resolve("broker"));
            started.add(broker);
            broker.start();
            DistributionRegistry registry = DistributionRegistry.launch();
            started.add(registry);
            FaultProxy proxy = new FaultProxy(registry.url());
            started.add(proxy);
            ApiServer api = new ApiServer();
            started.add(api);
            say("broker " + broker.bootstrap() + ", registry " + registry.url() + " behind " + proxy.url() + ", API " + api.url());

            ClusterChurn churn = new ClusterChurn(api.client(), registry.url(), settings.seed(), KEEP_TAG_REVISIONS,
                    KEEP_YOUNGER.toNanos());
            churn.seed();
            ServiceFleet fleet = new ServiceFleet(serviceSettings(broker.bootstrap(), api.url(), proxy.url()),
                    settings.workDir());
            started.add(fleet);
            fleet.topology(false);
            InvariantChecker checker = new InvariantChecker(registry.url(), proxy, churn, FRESHNESS);
            ReentrantReadWriteLock apiLock = new ReentrantReadWriteLock();
            FaultInjector faults = new FaultInjector(settings.seed(), broker, registry, proxy, api, fleet, churn,
                    apiLock.writeLock());
            return soak(broker, registry, proxy, api, churn, fleet, checker, faults, apiLock);
        } finally {
            closeAll(started);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing left to close
            }
        }
    }

    private synchronized void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable c = started.remove(i);
            try {
                c.close();
            } catch (Exception e) {
                say("closing " + c + ": " + e);
            }
        }
    }

    private ChaosReport soak(BrokerProcess broker, DistributionRegistry registry, FaultProxy proxy, ApiServer api,
                             ClusterChurn churn, ServiceFleet fleet, InvariantChecker checker, FaultInjector faults,
                             ReentrantReadWriteLock apiLock) throws Exception {
        AtomicBoolean churning = new AtomicBoolean(true);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Map<String, List<long[]>> rss = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        threads.add(loop("sampler", sampling, Duration.ofMillis(250), () -> {
            checker.sampleGate(fleet.pruner());
            for (ServiceProcess p : fleet.running()) {
                long kib = p.rssKiB();
                if (kib > 0) {
                    rss.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(new long[]{(long) (p.ageSeconds() * 1000), kib});
                }
            }
        }));
        threads.add(loop("in-use", sampling, Duration.ofSeconds(3), () -> checker.checkInUse(registry::isRunning)));
        awaitSynced(fleet, Duration.ofMinutes(5));
        say("service synced; quiet for " + settings.quietMinute());
        Thread.sleep(settings.quietMinute().toMillis());
        long baselineRss = fleet.running().stream().mapToLong(ServiceProcess::rssKiB).max().orElse(0);
        say("RSS after the quiet minute " + baselineRss / 1024 + " MiB; churn and faults start");
        long chaosStart = System.nanoTime();
        threads.add(loop("churn", churning, Duration.ofMillis((long) (1000 / settings.churnPerSecond())), () -> {
            apiLock.readLock().lock();
            try {
                churn.step();
            } finally {
                apiLock.readLock().unlock();
            }
        }));
        java.util.Random gaps = new java.util.Random(settings.seed() * 31);
        long end = chaosStart + settings.duration().toNanos();
        boolean split = false;
        int apiRuns = 0;
        while (System.nanoTime() < end) {
            if (!split && System.nanoTime() > chaosStart + settings.duration().toNanos() / 2) {
                say("roles split: ingest and pruner in two processes");
                fleet.topology(true);
                split = true;
            }
            long gap = (long) (settings.faultGap().toMillis() * (0.5 + gaps.nextDouble()));
            Thread.sleep(Math.max(0, Math.min(gap, (end - System.nanoTime()) / 1_000_000)));
            if (System.nanoTime() >= end) {
                break;
            }
            if (gaps.nextInt(4) == 0 && fleet.pruner() != null && fleet.pruner().startRun() == 202) {
                apiRuns++;
            }
            FaultInjector.Fault f = faults.inject(List.of(FaultInjector.Kind.values()));
            say(String.format("%6.1fs fault %s: %s", (f.startNanos() - chaosStart) / 1e9, f.kind(), f.detail()));
        }
        churning.set(false);
        List<FaultInjector.Fault> done = faults.faults();
        long lastFaultEnd = done.stream().mapToLong(FaultInjector.Fault::endNanos).max().orElse(System.nanoTime());
        say("churn and faults stopped; " + done.size() + " faults; awaiting convergence");

        // (b) convergence: the pruner's own plan deletes nothing any more, and a fresh process listing the cluster
        // anew (started now, beside it) holds the same objects and plans nothing either
        List<String> failures = new ArrayList<>();
        ServiceProcess fresh = settings.freshPlan() ? freshListing(broker, api, proxy) : null;
        ServiceProcess pruner = fleet.pruner();
        long convergedAt = 0;
        try {
            pruner = awaitSynced(fleet, Duration.ofMinutes(5));
            long deadline = System.nanoTime() + settings.converge().toNanos();
            JsonNode plan = null;
            while (System.nanoTime() < deadline) {
                plan = pruner.get("/api/v1/plan");
                if (plan != null && nothingToDelete(plan)) {
                    convergedAt = System.nanoTime();
                    break;
                }
                pruner.startRun();
                Thread.sleep(2000);
            }
            if (convergedAt == 0) {
                failures.add("(b) no convergence within " + settings.converge() + ": the plan still has "
                        + (plan == null ? "no answer" : plan.path("stats")));
            }
            List<String> differences = sameAsAFreshListing(pruner, api, fresh);
            failures.addAll(differences);
            if (!differences.isEmpty()) {
                failures.addAll(keyDifferences(broker.bootstrap(), api));
            }
        } catch (IllegalStateException e) {
            failures.add("(b) " + e.getMessage());
        } finally {
            if (fresh != null) {
                fresh.kill();
            }
        }
        checker.checkInUse(registry::isRunning);
        sampling.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }

        List<JsonNode> audit = readTopic(broker.bootstrap(), AUDIT_TOPIC);
        Map<InvariantChecker.InUse, List<String>> inUse = checker.inUseFindings();
        inUse.get(InvariantChecker.InUse.VIOLATION).forEach(v -> failures.add("(a) in use deleted: " + v));
        List<String> mismatches = checker.auditMismatches(audit, done, TimeUnit.SECONDS.toNanos(60));
        mismatches.forEach(m -> failures.add("(c) " + m));
        List<String> gates = checker.gateViolations(done, MAX_STALENESS.toNanos() + TimeUnit.SECONDS.toNanos(2));
        gates.forEach(g -> failures.add("(e) " + g));
        long finalRss = fleet.running().stream().mapToLong(ServiceProcess::rssKiB).max().orElse(0);
        Map<String, String> memory = memory(baselineRss, finalRss, rss, failures);

        ChaosReport report = new ChaosReport(settings, churn.opCounts(), churn.failures(), stateRecords(broker.bootstrap()),
                done, audit, proxy.requests("DELETE", ".*"), churn, chaosStart, lastFaultEnd, convergedAt, inUse,
                mismatches.size(), gates.size(), memory, peakRss(fleet), apiRuns, checker.inUseChecks(),
                checker.gateSamples(), failures, log);
        Files.writeString(settings.workDir().resolve("report.txt"), report.table());
        return report;
    }

    /** A second, fresh process (own topics, dry run, no leader election) that lists the cluster anew. */
    private ServiceProcess freshListing(BrokerProcess broker, ApiServer api, FaultProxy proxy) {
        Map<String, String> s = serviceSettings(broker.bootstrap(), api.url(), proxy.url());
        s.put("imageprune.prune.confirm", "false");
        s.put("imageprune.prune.event-driven", "false");
        s.remove("imageprune.prune.schedule");
        s.put("imageprune.leader.enabled", "false");
        s.put("imageprune.audit.enabled", "false");
        s.put("imageprune.kafka.topic.state", STATE_TOPIC + ".fresh");
        s.put("imageprune.kafka.topic.dlq", STATE_TOPIC + ".fresh.dlq");
        s.put("imageprune.kafka.topic.deletions", AUDIT_TOPIC + ".fresh");
        return ServiceProcess.launch("fresh-listing", s, settings.workDir());
    }

    /**
     * The live graph's objects equal the API's and a fresh listing's, and the fresh listing's plan deletes nothing
     * either; polled for a while, since the last writes of the runs travel through the pipeline too.
     */
    private List<String> sameAsAFreshListing(ServiceProcess pruner, ApiServer api, ServiceProcess fresh)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        List<String> differences;
        do {
            differences = new ArrayList<>();
            JsonNode status = pruner.get("/api/v1/status");
            JsonNode objects = status == null ? null : status.path("objects");
            for (Map.Entry<String, Integer> kind : listing(api).entrySet()) {
                int inGraph = objects == null ? -1 : objects.path(kind.getKey()).asInt(-1);
                if (inGraph != kind.getValue()) {
                    differences.add("(b) the live graph holds " + inGraph + " " + kind.getKey() + ", the API " + kind.getValue());
                }
            }
            if (fresh != null) {
                JsonNode plan = fresh.get("/api/v1/plan");
                JsonNode freshStatus = fresh.get("/api/v1/status");
                if (plan == null || freshStatus == null) {
                    differences.add("(b) the fresh listing's process has no plan (not synced) yet");
                } else {
                    if (!nothingToDelete(plan)) {
                        differences.add("(b) a fresh listing's plan deletes what the service does not: " + plan.path("stats"));
                    }
                    if (!freshStatus.path("objects").equals(objects)) {
                        differences.add("(b) objects in the live graph " + objects + " differ from a fresh listing's "
                                + freshStatus.path("objects"));
                    }
                }
            }
            if (!differences.isEmpty()) {
                Thread.sleep(1000);
            }
        } while (!differences.isEmpty() && System.nanoTime() < deadline);
        return differences;
    }

    /** Which objects the state topic holds that the API lacks, and the other way round: what (b) found, by name. */
    private static List<String> keyDifferences(String bootstrap, ApiServer api) {
        java.util.Set<String> topic = new java.util.TreeSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(STATE_TOPIC).stream()
                    .map(p -> new TopicPartition(STATE_TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() == null) {
                        topic.remove(record.key());
                    } else if (record.key() != null && !record.key().startsWith(io.imageprune.projection.ProjectionKeys.SYNC_MARKER + "/")) {
                        topic.add(record.key());
                    }
                }
            }
        } catch (RuntimeException e) {
            return List.of("(b) could not read " + STATE_TOPIC + " to name the differences: " + e);
        }
        java.util.Set<String> cluster = new java.util.TreeSet<>();
        List<io.fabric8.kubernetes.api.model.HasMetadata> objects = new ArrayList<>(api.client().images().list().getItems());
        objects.addAll(api.client().imageStreams().inAnyNamespace().list().getItems());
        objects.addAll(api.client().pods().inAnyNamespace().list().getItems());
        objects.addAll(api.client().apps().deployments().inAnyNamespace().list().getItems());
        objects.addAll(api.client().builds().inAnyNamespace().list().getItems());
        objects.addAll(api.client().limitRanges().inAnyNamespace().list().getItems());
        objects.forEach(o -> cluster.add(o.getKind() + "/" + (o.getMetadata().getNamespace() == null ? ""
                : o.getMetadata().getNamespace()) + "/" + o.getMetadata().getName()));
        java.util.Set<String> extra = new java.util.TreeSet<>(topic);
        extra.removeAll(cluster);
        extra.removeIf(k -> LISTED_KINDS.stream().noneMatch(kind -> k.startsWith(kind + "/")));
        java.util.Set<String> missing = new java.util.TreeSet<>(cluster);
        missing.removeAll(topic);
        return List.of("(b) the state topic holds what the API lacks: " + extra + "; the API holds what the topic lacks: "
                + missing);
    }

    private static final List<String> LISTED_KINDS = List.of("Image", "ImageStream", "Pod", "Deployment", "Build",
            "LimitRange");

    private static boolean nothingToDelete(JsonNode plan) {
        JsonNode stats = plan.path("stats");
        return stats.path("deletedImages").asInt(-1) == 0 && stats.path("deletedImageStreamTagItems").asInt(-1) == 0
                && stats.path("deletedLayerLinks").asInt(-1) == 0 && stats.path("deletedManifestLinks").asInt(-1) == 0;
    }

    private Map<String, String> serviceSettings(String bootstrap, String apiUrl, String registryUrl) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", bootstrap);
        s.put("quarkus.kubernetes-client.api-server-url", apiUrl);
        s.put("quarkus.kubernetes-client.trust-certs", "true");
        s.put("quarkus.kubernetes-client.namespace", "imageprune");
        s.put("imageprune.leader.enabled", "true");
        s.put("imageprune.leader.namespace", "imageprune");
        s.put("imageprune.leader.lease-duration", "6s");
        s.put("imageprune.leader.renew-deadline", "4s");
        s.put("imageprune.leader.retry-period", "1s");
        s.put("imageprune.prune.confirm", "true");
        s.put("imageprune.prune.event-driven", "true");
        s.put("imageprune.prune.schedule", "0/20 * * * * ?");
        s.put("imageprune.prune.num-workers", "4");
        s.put("imageprune.prune.max-image-deletion-share", "1.0");
        s.put("imageprune.prune.initial-backoff", "100ms");
        s.put("imageprune.prune.max-backoff", "1s");
        s.put("imageprune.plan.keep-tag-revisions", Integer.toString(KEEP_TAG_REVISIONS));
        s.put("imageprune.plan.keep-younger-than", KEEP_YOUNGER.toSeconds() + "s");
        s.put("imageprune.registry.url", registryUrl);
        s.put("imageprune.registry.flavour", "distribution");
        s.put("imageprune.registry.token-file", "/nonexistent");
        s.put("imageprune.registry.timeout", "5s");
        s.put("imageprune.api.runs.enabled", "true");
        s.put("imageprune.api.runs.authenticate", "false");
        s.put("imageprune.ingest.heartbeat", HEARTBEAT.toSeconds() + "s");
        s.put("imageprune.state.max-staleness", MAX_STALENESS.toSeconds() + "s");
        s.put("imageprune.state.max-marker-age", MAX_MARKER_AGE.toSeconds() + "s");
        s.put("imageprune.audit.intent-timeout", "5s");
        return s;
    }

    private ServiceProcess awaitSynced(ServiceFleet fleet, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceProcess p = fleet.pruner();
            JsonNode status = p == null ? null : p.get("/api/v1/status");
            if (status != null && status.path("synced").asBoolean(false)) {
                return p;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the service did not sync within " + atMost + "; logs in " + settings.workDir());
    }

    private static Map<String, Integer> listing(ApiServer api) {
        Map<String, Integer> counts = new TreeMap<>();
        counts.put("Image", api.client().images().list().getItems().size());
        counts.put("ImageStream", api.client().imageStreams().inAnyNamespace().list().getItems().size());
        counts.put("Pod", api.client().pods().inAnyNamespace().list().getItems().size());
        counts.put("Deployment", api.client().apps().deployments().inAnyNamespace().list().getItems().size());
        counts.put("Build", api.client().builds().inAnyNamespace().list().getItems().size());
        counts.put("LimitRange", api.client().limitRanges().inAnyNamespace().list().getItems().size());
        return counts;
    }

    /** (d): the largest RSS at the end against the largest after the quiet minute, and every life's own figures. */
    private Map<String, String> memory(long baselineKiB, long finalKiB, Map<String, List<long[]>> rss,
                                       List<String> failures) {
        Map<String, String> figures = new LinkedHashMap<>();
        double growth = baselineKiB == 0 ? 0 : (double) finalKiB / baselineKiB - 1;
        figures.put("after quiet minute → at the end", String.format("%d → %d MiB (%+.0f %%)", baselineKiB / 1024,
                finalKiB / 1024, growth * 100));
        if (growth > 0.5) {
            failures.add("(d) RSS grew by " + Math.round(growth * 100) + " % after the quiet minute: "
                    + baselineKiB / 1024 + " → " + finalKiB / 1024 + " MiB");
        }
        rss.forEach((process, samples) -> figures.put(process, String.format("peak %d MiB, last %d MiB at %d s",
                samples.stream().mapToLong(x -> x[1]).max().orElse(0) / 1024, samples.get(samples.size() - 1)[1] / 1024,
                samples.get(samples.size() - 1)[0] / 1000)));
        return figures;
    }

    private static long peakRss(ServiceFleet fleet) {
        return fleet.lives().stream().mapToLong(ServiceProcess::peakRssKiB).max().orElse(0);
    }

    private static long stateRecords(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var partitions = admin.describeTopics(List.of(STATE_TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(STATE_TOPIC).partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(STATE_TOPIC, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
        }
    }

    static List<JsonNode> readTopic(String bootstrap, String topic) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null) {
                        events.add(MAPPER.readTree(record.value()));
                    }
                }
            }
        }
        return events;
    }

    private Thread loop(String name, AtomicBoolean running, Duration every, Runnable body) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    // a fault got in the way of one round; the next round tries again
                }
                try {
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "chaos-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void say(String line) {
        String stamped = Instant.now() + " " + line;
        synchronized (log) {
            log.add(stamped);
        }
        System.out.println("[chaos] " + stamped);
    }
}
