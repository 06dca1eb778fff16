package io.imageprune.state;

import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.policy.PruneOptions;
import io.imageprune.state.ClusterHistory.Checkpoint;
import io.imageprune.state.ClusterHistory.Record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Feeds a {@link ClusterHistory}'s log to a live graph the way a consumer meets it in production — with redelivered
 * suffixes, restarts that rebuild from the (possibly compacted) topic, and relists after missed deletions — and at every
 * checkpoint compares that graph (and graphs replayed from compacted copies of the log) with a graph built fresh from
 * the checkpoint's true objects, put in a random order: every observable counter, and the full dry run for a few
 * option sets.
 */
final class EquivalenceChecker {
    private static final Duration[] KEEP_YOUNGER = {null, Duration.ZERO, Duration.ofMinutes(30),
            Duration.ofMinutes(60), Duration.ofHours(2)};

    /** What the checker did, summed over runs (coverage). */
    final Map<String, Integer> tally = new TreeMap<>();

    // ------------------------------------------------------------------------------------------------- random run

    /**
     * One randomly disturbed consumer over the whole log: after a record, sometimes a redelivery of a suffix (up to 40
     * records) and sometimes a restart that replays the log so far, raw or compacted.
     */
    void randomRun(ClusterHistory h, Random d) {
        List<Record> log = h.log;
        // decoded values for redeliveries and replays (decoding is pure); the first delivery always decodes afresh
        Map<byte[], Object> decoded = new IdentityHashMap<>();
        ReferenceGraph live = new ReferenceGraph();
        int pos = 0;
        int cp = 0;
        while (true) {
            while (cp < h.checkpoints.size() && h.checkpoints.get(cp).logEnd() == pos) {
                Checkpoint checkpoint = h.checkpoints.get(cp);
                Expected e = expected(h, checkpoint, randomOptions(d, h, 2 + d.nextInt(2)), d);
                assertSame(e, live, "live graph");
                List<Record> prefix = log.subList(0, pos);
                Compacted c = compact(prefix, d.nextInt(3) == 0 ? pos : d.nextInt(pos + 1), d.nextInt(3), d);
                assertSame(e, TestRecordApplier.replay(c.records(), decoded), "graph replayed from "
                        + c.description());
                count("checkpoints");
                cp++;
            }
            if (pos == log.size()) {
                break;
            }
            TestRecordApplier.apply(live, log.get(pos));
            pos++;
            if (d.nextInt(25) == 0) {
                int from = pos - 1 - d.nextInt(Math.min(pos, 40));
                for (int i = from; i < pos; i++) {
                    TestRecordApplier.apply(live, log.get(i), decoded);
                }
                count("redeliveries");
                count("redelivered records", pos - from);
            }
            if (d.nextInt(120) == 0) {
                live = restart(log.subList(0, pos), d, decoded);
            }
        }
        if (cp != h.checkpoints.size()) {
            throw new AssertionError("seed " + h.seed + ": checkpoints left unchecked");
        }
    }

    private ReferenceGraph restart(List<Record> prefix, Random d, Map<byte[], Object> decoded) {
        if (d.nextBoolean()) {
            count("restarts from the raw log");
            return TestRecordApplier.replay(prefix, decoded);
        }
        count("restarts from a compacted log");
        Compacted c = compact(prefix, d.nextInt(prefix.size() + 1), d.nextInt(3), d);
        return TestRecordApplier.replay(c.records(), decoded);
    }

    // ------------------------------------------------------------------------------------------------- exhaustive

    /** Expected outcomes of every checkpoint, fresh graphs built in an order fixed by {@code seed}. */
    List<Expected> expectations(ClusterHistory h, List<PruneOptions> options, long seed) {
        Random order = new Random(seed);
        List<Expected> out = new ArrayList<>();
        for (Checkpoint cp : h.checkpoints) {
            out.add(expected(h, cp, options, order));
        }
        return out;
    }

    /** A consumer that reads the log once, without trouble. */
    void undisturbed(ClusterHistory h, List<PruneOptions> options) {
        for (Expected e : expectations(h, options, 1)) {
            assertSame(e, TestRecordApplier.replay(h.log.subList(0, e.checkpoint().logEnd())), "undisturbed live graph");
        }
    }

    /** For every checkpoint: every redelivery of a suffix {@code [from, p)} after record {@code p}. */
    void everyRedelivery(ClusterHistory h, List<PruneOptions> options) {
        for (Expected e : expectations(h, options, 2)) {
            int end = e.checkpoint().logEnd();
            for (int p = 1; p <= end; p++) {
                for (int from = 0; from < p; from++) {
                    ReferenceGraph g = TestRecordApplier.replay(h.log.subList(0, p));
                    TestRecordApplier.applyAll(g, h.log, from, p);
                    TestRecordApplier.applyAll(g, h.log, p, end);
                    assertSame(e, g, "live graph with records [" + from + ", " + p + ") delivered again after record "
                            + p);
                    count("redeliveries");
                }
            }
        }
    }

    /**
     * For every checkpoint: a restart after every record {@code p}, the new consumer reading records {@code [0, p)}
     * raw, fully compacted with tombstones kept, or fully compacted with tombstones dropped, then the rest live.
     */
    void everyRestart(ClusterHistory h, List<PruneOptions> options) {
        for (Expected e : expectations(h, options, 3)) {
            int end = e.checkpoint().logEnd();
            for (int p = 0; p <= end; p++) {
                List<Record> prefix = h.log.subList(0, p);
                for (int variant = 0; variant < 3; variant++) {
                    List<Record> read = variant == 0 ? prefix : compact(prefix, p, variant - 1, null).records();
                    ReferenceGraph g = TestRecordApplier.replay(read);
                    TestRecordApplier.applyAll(g, h.log, p, end);
                    assertSame(e, g, "graph of a consumer restarted after record " + p + " from the "
                            + (variant == 0 ? "raw log" : variant == 1 ? "compacted log (tombstones kept)"
                            : "compacted log (tombstones dropped)"));
                    count("restarts");
                }
            }
        }
    }

    /** For every checkpoint: a fresh consumer of the log compacted up to every offset, tombstones kept or dropped. */
    void everyCompaction(ClusterHistory h, List<PruneOptions> options) {
        for (Expected e : expectations(h, options, 4)) {
            List<Record> prefix = h.log.subList(0, e.checkpoint().logEnd());
            for (int split = 0; split <= prefix.size(); split++) {
                for (int tombstones = 0; tombstones < 2; tombstones++) {
                    Compacted c = compact(prefix, split, tombstones, null);
                    assertSame(e, TestRecordApplier.replay(c.records()), "graph replayed from " + c.description());
                    count("compactions");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- compaction

    /** A compacted copy of a log and how it was made. */
    record Compacted(List<Record> records, String description) {
    }

    /**
     * What a consumer reads after the log cleaner ran: in {@code [0, split)} only the last record of each key survives
     * (relative order kept), tombstones there kept ({@code tombstones == 0}), all dropped (1) or dropped at random (2,
     * as delete.retention.ms expires them); {@code [split, end)} (the active segment) is untouched.
     */
    static Compacted compact(List<Record> log, int split, int tombstones, Random d) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < split; i++) {
            last.put(log.get(i).key(), i);
        }
        List<Record> out = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < split; i++) {
            Record r = log.get(i);
            if (last.get(r.key()) != i) {
                continue;
            }
            if (r.tombstone() && (tombstones == 1 || tombstones == 2 && d.nextBoolean())) {
                dropped++;
                continue;
            }
            out.add(r);
        }
        int cleaned = out.size();
        out.addAll(log.subList(split, log.size()));
        String how = tombstones == 0 ? "tombstones kept" : tombstones == 1 ? "tombstones dropped"
                : "tombstones dropped at random";
        return new Compacted(out, "a log compacted up to offset " + split + " of " + log.size() + " (" + how + ", "
                + cleaned + " records left of the cleaned part, " + dropped + " tombstones dropped)");
    }

    // ------------------------------------------------------------------------------------------------- checking

    /** The fresh graph of a checkpoint, what it shows, and its dry runs. */
    record Expected(ClusterHistory history, Checkpoint checkpoint, ReferenceGraph fresh,
                    SortedMap<String, Object> observations, List<PruneOptions> options, List<PruneResult> results) {
        String where() {
            return "seed " + history.seed + ", checkpoint '" + checkpoint.label() + "' (after record "
                    + checkpoint.logEnd() + " of " + history.log.size() + ")";
        }
    }

    Expected expected(ClusterHistory h, Checkpoint cp, List<PruneOptions> options, Random order) {
        List<Object> objects = new ArrayList<>(cp.truth().values());
        if (order != null) {
            Collections.shuffle(objects, order);
        }
        ReferenceGraph fresh = new ReferenceGraph();
        objects.forEach(o -> TestRecordApplier.put(fresh, o));
        List<PruneResult> results = new ArrayList<>();
        for (PruneOptions o : options) {
            results.add(GraphObservations.dryRun(fresh, o));
        }
        return new Expected(h, cp, fresh, observe(h, fresh), List.copyOf(options), results);
    }

    void assertSame(Expected e, ReferenceGraph actual, String what) {
        String diff = GraphObservations.diff(e.observations(), observe(e.history(), actual), 8);
        if (diff != null) {
            throw new AssertionError(e.where() + ": " + what + " differs from a fresh graph of the same objects: "
                    + diff);
        }
        for (int i = 0; i < e.options().size(); i++) {
            PruneOptions o = e.options().get(i);
            PruneResult result;
            try {
                result = GraphObservations.dryRun(actual, o);
            } catch (RuntimeException ex) {
                throw new AssertionError(e.where() + ": " + what + ": dry run with " + o + " throws " + ex, ex);
            }
            String planDiff = GraphObservations.diff(e.results().get(i), result);
            if (planDiff != null) {
                throw new AssertionError(e.where() + ": " + what + " plans differently from a fresh graph with " + o
                        + ": " + planDiff);
            }
            count("dry runs compared");
        }
        count("graphs compared");
    }

    private static SortedMap<String, Object> observe(ClusterHistory h, ReferenceGraph g) {
        return GraphObservations.of(g, h.digests, h.repos, h.namespaces);
    }

    static PruneOptions randomOptions(Random d, ClusterHistory h) {
        List<String> namespaces = new ArrayList<>(h.namespaces);
        String ns = d.nextInt(5) == 0 && !namespaces.isEmpty() ? namespaces.get(d.nextInt(namespaces.size())) : "";
        int oversize = d.nextInt(4);
        int all = d.nextInt(3);
        int registry = d.nextInt(4);
        return PruneOptions.library(ClusterHistory.NOW, KEEP_YOUNGER[d.nextInt(KEEP_YOUNGER.length)],
                d.nextInt(4) == 0 ? null : d.nextInt(4),
                oversize == 0 ? Boolean.TRUE : oversize == 1 ? null : Boolean.FALSE,
                all == 0 ? Boolean.FALSE : all == 1 ? null : Boolean.TRUE,
                registry == 0 ? Boolean.FALSE : registry == 1 ? null : Boolean.TRUE,
                ns, d.nextInt(5) != 0, d.nextInt(4) != 0);
    }

    static List<PruneOptions> randomOptions(Random d, ClusterHistory h, int n) {
        List<PruneOptions> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(randomOptions(d, h));
        }
        return out;
    }

    void count(String what) {
        count(what, 1);
    }

    void count(String what, int n) {
        tally.merge(what, n, Integer::sum);
    }
}
