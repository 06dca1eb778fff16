package io.imageprune.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageprune.registry.testkit.FaultProxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The soak's invariants. (a) in use: every image a live referrer names (by digest, or by tag through the stream's
 * head) and every tag head, visible for longer than the freshness bound, pulls (each manifest and blob answers 200);
 * a missing one is classified by when its DELETE reached the registry. (c) audit: every DELETE the registry received
 * has its intent, and its outcome unless a kill came first; every DONE or ALREADY_GONE outcome its DELETE. (e) gates:
 * no DELETE while the pruning process said it was not synced or not leading (two samples around it agree), nor while
 * the broker was down (after the staleness bound). (d) memory: RSS growth of each process life after its quiet minute.
 */
final class InvariantChecker {
    enum InUse { VIOLATION, WITHIN_FRESHNESS_BOUND, REFERRER_AFTER_DELETE }

    record Finding(InUse kind, String detail) {
    }

    record GateSample(long nanos, String process, boolean synced, boolean leading) {
    }

    private static final Set<String> REGISTRY_ACTIONS = Set.of("layerlink.deleted", "manifestlink.deleted");

    private final String registryUrl;
    private final FaultProxy proxy;
    private final ClusterChurn churn;
    private final long freshnessNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Finding> inUse = new ConcurrentHashMap<>();
    private final List<GateSample> gateSamples = new CopyOnWriteArrayList<>();
    private volatile long checks;
    /** Wall-clock time of a {@code nanoTime}, so that a finding can be matched with the process logs. */
    private final java.time.Instant wallBase = java.time.Instant.now();
    private final long nanoBase = System.nanoTime();

    InvariantChecker(String registryUrl, FaultProxy proxy, ClusterChurn churn, Duration freshness) {
        this.registryUrl = registryUrl;
        this.proxy = proxy;
        this.churn = churn;
        this.freshnessNanos = freshness.toNanos();
    }

    // ------------------------------------------------------------------------------------------------ (a)

    /** Checks every referrer and tag head visible longer than the bound; skipped while the registry is down. */
    void checkInUse(BooleanSupplier registryUp) {
        long now = System.nanoTime();
        Map<String, long[]> named = new LinkedHashMap<>(); // "repo@digest" -> visible since, and who names it
        Map<String, String> namedBy = new HashMap<>();
        for (ClusterChurn.Referrer r : churn.referrers().values()) {
            String digest = r.digest();
            long since = r.sinceNanos();
            if (digest == null) {
                digest = churn.head(r.repo(), r.tag());
                if (digest == null) {
                    continue;
                }
                since = Math.max(since, churn.headSinceNanos(r.repo(), r.tag(), digest));
            }
            note(named, namedBy, r.repo() + "@" + digest, since, r.key());
        }
        for (Map.Entry<String, String> head : churn.heads().entrySet()) {
            String repo = head.getKey().substring(0, head.getKey().indexOf(':'));
            String tag = head.getKey().substring(head.getKey().indexOf(':') + 1);
            String digest = churn.head(repo, tag);
            if (digest != null && digest.equals(head.getValue())) {
                note(named, namedBy, repo + "@" + digest, churn.headSinceNanos(repo, tag, digest), "head of " + head.getKey());
            }
        }
        List<FaultProxy.Recorded> deletes = null;
        for (Map.Entry<String, long[]> e : named.entrySet()) {
            long since = e.getValue()[0];
            if (since == 0 || now - since < freshnessNanos || !registryUp.getAsBoolean()) {
                continue;
            }
            String repo = e.getKey().substring(0, e.getKey().indexOf('@'));
            ClusterChurn.Pushed image = churn.image(e.getKey().substring(e.getKey().indexOf('@') + 1));
            if (image == null || !image.repo().equals(repo)) {
                continue; // tagged over from another repository: its objects live there
            }
            List<String> paths = new ArrayList<>();
            image.manifests().forEach(m -> paths.add("/v2/" + repo + "/manifests/" + m));
            image.blobs().forEach(b -> paths.add("/v2/" + repo + "/blobs/" + b));
            for (String path : paths) {
                int status = head(path);
                if (status != 404 || inUse.containsKey(e.getKey() + " " + path)) {
                    continue;
                }
                if (deletes == null) {
                    deletes = proxy.requests("DELETE", ".*");
                }
                FaultProxy.Recorded delete = deletes.stream().filter(d -> d.path().equals(path) && !d.injected())
                        .findFirst().orElse(null);
                String who = namedBy.get(e.getKey());
                InUse kind = delete == null || delete.receivedNanos() > since + freshnessNanos ? InUse.VIOLATION
                        : delete.receivedNanos() >= since ? InUse.WITHIN_FRESHNESS_BOUND : InUse.REFERRER_AFTER_DELETE;
                inUse.put(e.getKey() + " " + path, new Finding(kind, path + " (named by " + who + ", visible since "
                        + wall(since) + ", " + (now - since) / 1_000_000 + " ms; DELETE " + (delete == null
                        ? "never received" : "at " + wall(delete.receivedNanos()) + ", "
                        + (delete.receivedNanos() - since) / 1_000_000 + " ms after it became visible") + ")"));
            }
        }
        checks++;
    }

    private java.time.Instant wall(long nanos) {
        return wallBase.plusNanos(nanos - nanoBase);
    }

    private static void note(Map<String, long[]> named, Map<String, String> namedBy, String ref, long since, String who) {
        long[] known = named.get(ref);
        if (known == null || since < known[0]) {
            named.put(ref, new long[]{since});
            namedBy.put(ref, who);
        }
    }

    private int head(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(registryUrl + path)).timeout(Duration.ofSeconds(5))
                    .header("Accept", ClusterChurn.LIST_TYPE + ", " + io.imageprune.registry.testkit.RegistryPusher.SCHEMA2)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    Map<InUse, List<String>> inUseFindings() {
        Map<InUse, List<String>> byKind = new LinkedHashMap<>();
        for (InUse k : InUse.values()) {
            byKind.put(k, new ArrayList<>());
        }
        inUse.values().forEach(f -> byKind.get(f.kind()).add(f.detail()));
        return byKind;
    }

    long inUseChecks() {
        return checks;
    }

    // ------------------------------------------------------------------------------------------------ (e)

    void sampleGate(ServiceProcess pruner) {
        JsonNode status = pruner == null ? null : pruner.get("/api/v1/status");
        if (status != null) {
            JsonNode leading = status.path("pruning").path("leading");
            gateSamples.add(new GateSample(System.nanoTime(), pruner.name(), status.path("synced").asBoolean(false),
                    leading.isMissingNode() || leading.asBoolean(false)));
        }
    }

    /** DELETEs sent while the pruner said it was not synced or not leading, or while the broker was down. */
    List<String> gateViolations(List<FaultInjector.Fault> faults, long stalenessNanos) {
        List<String> violations = new ArrayList<>();
        List<GateSample> samples = new ArrayList<>(gateSamples);
        for (FaultProxy.Recorded d : proxy.requests("DELETE", ".*")) {
            GateSample before = null;
            GateSample after = null;
            for (GateSample s : samples) {
                if (s.nanos() <= d.receivedNanos()) {
                    before = s;
                } else if (after == null) {
                    after = s;
                }
            }
            if (before != null && after != null && before.process().equals(after.process())
                    && after.nanos() - before.nanos() < 2_000_000_000L) {
                if (!before.synced() && !after.synced()) {
                    violations.add("DELETE " + d.path() + " while " + before.process() + " was not synced");
                }
                if (!before.leading() && !after.leading()) {
                    violations.add("DELETE " + d.path() + " while " + before.process() + " was not leading");
                }
            }
            for (FaultInjector.Fault f : faults) {
                boolean brokerDown = f.kind() == FaultInjector.Kind.BROKER_STOP || f.kind() == FaultInjector.Kind.BROKER_KILL;
                if (brokerDown && d.receivedNanos() > f.startNanos() + stalenessNanos && d.receivedNanos() < f.endNanos()) {
                    violations.add("DELETE " + d.path() + " while the broker was down (" + f.detail() + ")");
                }
            }
        }
        return violations;
    }

    long gateSamples() {
        return gateSamples.size();
    }

    // ------------------------------------------------------------------------------------------------ (c)

    /**
     * Audit mismatches: a DELETE without intent; a DELETE the registry answered without an outcome, unless a kill
     * followed within {@code killGraceNanos}; a DONE or ALREADY_GONE outcome without a DELETE.
     */
    List<String> auditMismatches(List<JsonNode> events, List<FaultInjector.Fault> faults, long killGraceNanos) {
        Set<String> intents = new HashSet<>();
        Set<String> outcomes = new HashSet<>();
        Set<String> doneOutcomes = new HashSet<>();
        for (JsonNode e : events) {
            JsonNode data = e.path("data");
            if (data.path("dryRun").asBoolean(false) || !REGISTRY_ACTIONS.contains(data.path("action").asText())) {
                continue;
            }
            String path = path(data);
            if (e.path("type").asText().endsWith("action.intended")) {
                intents.add(path);
            } else {
                String outcome = data.path("outcome").asText();
                outcomes.add(path);
                if (outcome.equals("DONE") || outcome.equals("ALREADY_GONE")) {
                    doneOutcomes.add(path);
                }
            }
        }
        List<String> mismatches = new ArrayList<>();
        Set<String> received = new HashSet<>();
        for (FaultProxy.Recorded d : proxy.requests("DELETE", ".*")) {
            received.add(d.path());
            if (!intents.contains(d.path())) {
                mismatches.add("DELETE " + d.path() + " has no intent");
            }
            boolean killedAfter = faults.stream().anyMatch(f -> (f.kind() == FaultInjector.Kind.SERVICE_KILL
                    || f.kind() == FaultInjector.Kind.SERVICE_KILL_MID_RUN)
                    && f.startNanos() >= d.receivedNanos() && f.startNanos() - d.receivedNanos() < killGraceNanos);
            if (!outcomes.contains(d.path()) && !killedAfter) {
                mismatches.add("DELETE " + d.path() + " (answered " + d.status() + ") has no outcome");
            }
        }
        for (String path : doneOutcomes) {
            if (!received.contains(path)) {
                mismatches.add("outcome DONE/ALREADY_GONE of " + path + " without a DELETE");
            }
        }
        return mismatches;
    }

    static String path(JsonNode data) {
        String kind = data.path("action").asText().startsWith("layerlink") ? "blobs" : "manifests";
        return "/v2/" + data.path("repository").asText() + "/" + kind + "/" + data.path("digest").asText();
    }
}
