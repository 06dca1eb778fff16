package io.imageprune.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageprune.registry.testkit.FaultProxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The figures of one soak and whatever broke an invariant; {@link #table()} is what is printed at the end. */
final class ChaosReport {
    private final ChaosSoak.Settings settings;
    private final List<String> failures;
    private final String table;

    @SuppressWarnings("checkstyle:ParameterNumber")
    ChaosReport(ChaosSoak.Settings settings, Map<String, Long> ops, long churnFailures, long stateRecords,
                List<FaultInjector.Fault> faults, List<JsonNode> audit, List<FaultProxy.Recorded> deletes,
                ClusterChurn churn, long chaosStart, long lastFaultEnd, long convergedAt,
                Map<InvariantChecker.InUse, List<String>> inUse, int auditMismatches, int gateViolations,
                Map<String, String> memory, long peakRssKiB, int apiRuns, long inUseChecks, long gateSamples,
                List<String> failures, List<String> log) {
        this.settings = settings;
        this.failures = List.copyOf(failures);
        Map<String, Long> faultCounts = new TreeMap<>();
        faults.forEach(f -> faultCounts.merge(f.kind().name(), 1L, Long::sum));
        Map<String, Long> runs = new TreeMap<>();
        Map<String, Long> deletions = new TreeMap<>();
        for (JsonNode e : audit) {
            JsonNode data = e.path("data");
            String type = e.path("type").asText();
            if (type.endsWith("run.completed")) {
                runs.merge(data.path("state").asText() + "/" + data.path("trigger").asText(), 1L, Long::sum);
            } else if (!type.endsWith("action.intended") && !type.endsWith("run.started")
                    && !data.path("dryRun").asBoolean(false)) {
                deletions.merge(data.path("action").asText() + " " + data.path("outcome").asText(), 1L, Long::sum);
            }
        }
        long injected = deletes.stream().filter(FaultProxy.Recorded::injected).count();
        List<Long> quiet = new ArrayList<>();
        List<Long> faulted = new ArrayList<>();
        Map<String, Long> firstManifestDelete = new HashMap<>();
        for (FaultProxy.Recorded d : deletes) {
            int at = d.path().indexOf("/manifests/");
            if (at > 0 && !d.injected() && d.status() == 202) {
                firstManifestDelete.putIfAbsent(d.path().substring(at + "/manifests/".length()), d.receivedNanos());
            }
        }
        firstManifestDelete.forEach((digest, deleted) -> {
            long eligible = churn.eligibleNanos(digest);
            if (eligible > 0 && deleted > eligible) {
                boolean anyFault = faults.stream().anyMatch(f -> f.overlaps(eligible, deleted));
                (anyFault ? faulted : quiet).add((deleted - eligible) / 1_000_000);
            }
        });
        long total = ops.entrySet().stream().filter(e -> !e.getKey().endsWith(".failed")).mapToLong(Map.Entry::getValue).sum();
        StringBuilder t = new StringBuilder();
        t.append(String.format("===== chaos soak: seed %d, %s of churn and faults, %.1f changes/s =====%n",
                settings.seed(), settings.duration(), settings.churnPerSecond()));
        row(t, "cluster changes made", total + " " + ops + ", failed under faults " + churnFailures);
        row(t, "state records published (events)", Long.toString(stateRecords));
        row(t, "faults by kind", faults.size() + " " + faultCounts);
        row(t, "runs by outcome (state/trigger)", runs + ", API-started " + apiRuns);
        row(t, "deletions by kind (action outcome)", deletions.toString());
        row(t, "registry DELETEs received", deletes.size() + " (of them answered by injected 5xx: " + injected + ")");
        row(t, "in-use images deleted", inUse.get(InvariantChecker.InUse.VIOLATION).size() + " (in " + inUseChecks
                + " checks, freshness bound " + ChaosSoak.FRESHNESS.toSeconds() + " s)");
        row(t, "  referrer newer than bound at DELETE", Integer.toString(inUse.get(InvariantChecker.InUse.WITHIN_FRESHNESS_BOUND).size()));
        row(t, "  referrer created after DELETE (race)", Integer.toString(inUse.get(InvariantChecker.InUse.REFERRER_AFTER_DELETE).size()));
        row(t, "audit mismatches", Integer.toString(auditMismatches));
        row(t, "DELETEs not synced/fresh/leader", gateViolations + " (" + gateSamples + " status samples)");
        row(t, "time to converge after last fault", convergedAt == 0 ? "did not converge"
                : String.format("%.1f s", (convergedAt - lastFaultEnd) / 1e9));
        row(t, "reclamation latency, no fault", percentiles(quiet));
        row(t, "reclamation latency, with faults", percentiles(faulted));
        row(t, "peak RSS of a service process", peakRssKiB / 1024 + " MiB");
        row(t, "RSS after the quiet minute", memory.toString());
        row(t, "verdict", failures.isEmpty() ? "PASS" : "FAIL: " + failures.size() + " invariant failures; replay with"
                + " -Dimageprune.chaos.seed=" + settings.seed());
        for (String f : failures.subList(0, Math.min(40, failures.size()))) {
            t.append("  ").append(f).append(System.lineSeparator());
        }
        t.append("----- timeline -----").append(System.lineSeparator());
        log.forEach(l -> t.append(l).append(System.lineSeparator()));
        this.table = t.toString();
    }

    private static void row(StringBuilder t, String name, String value) {
        t.append(String.format("%-40s | %s%n", name, value));
    }

    private static String percentiles(List<Long> millis) {
        if (millis.isEmpty()) {
            return "no sample";
        }
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        return String.format("p50 %.1f s, p99 %.1f s (%d images)", sorted.get((sorted.size() - 1) / 2) / 1000.0,
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1000.0, sorted.size());
    }

    String table() {
        return table;
    }

    List<String> failures() {
        return failures;
    }

    long seed() {
        return settings.seed();
    }
}
