package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The latest runs, newest last, for GET /api/v1/runs; older ones are forgotten (the audit topic keeps them). */
@ApplicationScoped
public class RunHistory {
    private final int capacity;
    private final Map<String, PruneRun> runs = new LinkedHashMap<>();

    public RunHistory(ImagePruneConfig config) {
        this.capacity = Math.max(1, config.prune().history());
    }

    synchronized void add(PruneRun run) {
        runs.put(run.id, run);
        while (runs.size() > capacity) {
            runs.remove(runs.keySet().iterator().next());
        }
    }

    public synchronized Optional<RunReport> report(String id) {
        PruneRun run = runs.get(id);
        return run == null ? Optional.empty() : Optional.of(run.report());
    }

    public synchronized List<RunReport> reports() {
        List<RunReport> reports = new ArrayList<>();
        runs.values().forEach(run -> reports.add(run.report()));
        return reports;
    }
}
