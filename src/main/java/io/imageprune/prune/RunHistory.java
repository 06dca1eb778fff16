package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The latest runs, oldest first, for GET /api/v1/runs: this process's own runs, and the runs recovered from the
 * audit topic at start ({@link RunRecovery}); older ones are forgotten (the audit topic keeps them).
 */
@ApplicationScoped
public class RunHistory {
    private final int capacity;
    /** run id → its report as of now (a running run's changes). */
    private final Map<String, Supplier<RunReport>> runs = new LinkedHashMap<>();
    /** The runs this process started itself. */
    private final java.util.Set<String> local = new java.util.HashSet<>();

    public RunHistory(ImagePruneConfig config) {
        this.capacity = Math.max(1, config.prune().history());
    }

    synchronized void add(PruneRun run) {
        runs.put(run.id, run::report);
        local.add(run.id);
        trim();
    }

    /**
     * Adds (or, read again, replaces) runs read back from the audit topic that this process did not start itself, in
     * start order among the others.
     */
    synchronized void restore(List<RunReport> recovered) {
        Map<String, Supplier<RunReport>> merged = new LinkedHashMap<>(runs);
        for (RunReport report : recovered) {
            if (!local.contains(report.id())) {
                merged.put(report.id(), () -> report);
            }
        }
        List<Map.Entry<String, Supplier<RunReport>>> all = new ArrayList<>(merged.entrySet());
        all.sort(Comparator.comparing(entry -> startedAt(entry.getValue().get())));
        runs.clear();
        all.forEach(entry -> runs.put(entry.getKey(), entry.getValue()));
        trim();
    }

    /** Whether this process started the run itself. */
    synchronized boolean started(String id) {
        return local.contains(id);
    }

    public synchronized Optional<RunReport> report(String id) {
        Supplier<RunReport> run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(run.get());
    }

    public synchronized List<RunReport> reports() {
        List<RunReport> reports = new ArrayList<>();
        runs.values().forEach(run -> reports.add(run.get()));
        return reports;
    }

    private void trim() {
        while (runs.size() > capacity) {
            String oldest = runs.keySet().iterator().next();
            runs.remove(oldest);
            local.remove(oldest);
        }
    }

    private static Instant startedAt(RunReport report) {
        return report.startedAt() == null ? Instant.EPOCH : report.startedAt();
    }
}
