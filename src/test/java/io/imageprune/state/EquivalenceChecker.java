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
 * Feeds a {@link ClusterHistory}'s log to a live graph the way a consumer meets it in production (with redelivered
 * suffixes, restarts that rebuild from the possibly compacted topic, relists after missed deletions), and at every
 * checkpoint compares that graph, and graphs replayed from compacted copies of the log, with a graph built fresh from
 * the checkpoint's true objects put in a random order: every observable counter, and the full dry run for a few
 * option sets.
 */
final class EquivalenceChecker {
    private static final Duration[] KEEP_YOUNGER = {null, Duration.ZERO, Duration.ofMinutes(30),
            Duration.ofMinutes(60), Duration.ofHours(2)};

    /** What the checker did, summed over runs (coverage). */
    final Map<String, Integer> tally = new TreeMap<>();
    /** Failures shrunk so far: only the first few are, the rest would only cost time. */
    private int shrinks;

    // ------------------------------------------------------------------------------------------------- random run

    /**
     * One randomly disturbed consumer over the whole log: after a record, sometimes a redelivery of a suffix (up to 30
     * records) and sometimes a restart that replays the log so far, raw or compacted.
     */
    void randomRun(ClusterHistory h, Random d) {
        List<Record> log = h.log;
        // decoded values for redeliveries and replays (decoding is pure); the first delivery always decodes afresh
        Map<byte[], Object> decoded = new IdentityHashMap<>();
        ReferenceGraph live = new ReferenceGraph();
        // every record the live graph has been given since it was created: replaying this rebuilds it
        List<Record> delivered = new ArrayList<>();
        int pos = 0;
        int cp = 0;
        while (true) {
            while (cp < h.checkpoints.size() && h.checkpoints.get(cp).logEnd() == pos) {
                Checkpoint checkpoint = h.checkpoints.get(cp);
                Expected e = expected(h, checkpoint, randomOptions(d, h, 2 + d.nextInt(2)), d);
                assertSame(e, live, "live graph", delivered);
                List<Record> prefix = log.subList(0, pos);
                Compacted c = compact(prefix, d.nextInt(3) == 0 ? pos : d.nextInt(pos + 1), d.nextInt(3), d);
                assertSame(e, TestRecordApplier.replay(c.records(), decoded), "graph replayed from "
                        + c.description(), c.records());
                count("checkpoints");
                cp++;
            }
            if (pos == log.size()) {
                break;
            }
            TestRecordApplier.apply(live, log.get(pos));
            delivered.add(log.get(pos));
            pos++;
            if (d.nextInt(25) == 0) {
                int from = pos - 1 - d.nextInt(Math.min(pos, 30));
                for (int i = from; i < pos; i++) {
                    TestRecordApplier.apply(live, log.get(i), decoded);
                    delivered.add(log.get(i));
                }
                count("redeliveries");
                count("redelivered records", pos - from);
            }
            if (d.nextInt(120) == 0) {
                delivered = restart(log.subList(0, pos), d);
                live = TestRecordApplier.replay(delivered, decoded);
            }
        }
        if (cp != h.checkpoints.size()) {
            throw new AssertionError("seed " + h.seed + ": checkpoints left unchecked");
        }
    }

    /** What a restarted consumer reads of the log so far: all of it, or what compaction left. */
    private List<Record> restart(List<Record> prefix, Random d) {
        if (d.nextBoolean()) {
            count("restarts from the raw log");
            return new ArrayList<>(prefix);
        }
        count("restarts from a compacted log");
        return new ArrayList<>(compact(prefix, d.nextInt(prefix.size() + 1), d.nextInt(3), d).records());
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
            ReferenceGraph live = TestRecordApplier.replay(h.log.subList(0, e.checkpoint().logEnd()));
            assertSame(e, live, "undisturbed live graph", h.log.subList(0, e.checkpoint().logEnd()));
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
            return (history.seed < 0 ? "hand-written history" : "seed " + history.seed) + ", checkpoint '"
                    + checkpoint.label() + "' (after record "
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
            PruneResult result = GraphObservations.dryRun(fresh, o);
            results.add(result);
            countPlan(result);
        }
        countState(cp.truth());
        return new Expected(h, cp, fresh, observe(h, fresh), List.copyOf(options), results);
    }

    /** What the expected plans contain (to show the comparisons are not between empty plans). */
    private void countPlan(PruneResult r) {
        count("plans");
        if (r.refused()) {
            count("plans: refused (invalid references)");
        }
        if (!r.streamUpdates().isEmpty()) {
            count("plans: stream updates");
        }
        if (!r.imageDeletions().isEmpty()) {
            count("plans: image deletions");
        }
        if (!r.blobDeletions().isEmpty()) {
            count("plans: blob deletions");
        }
        if (!r.layerLinkDeletions().isEmpty() || !r.manifestLinkDeletions().isEmpty()) {
            count("plans: link deletions");
        }
        if (!r.failures().isEmpty()) {
            count("plans: stage 2 aborted (unreadable image)");
        }
        if (!r.warnings().isEmpty()) {
            count("plans: warnings");
        }
        if (!r.invalidReferences().isEmpty()) {
            count("plans: invalid references");
        }
    }

    /** What the checkpoint's objects contain that makes incremental maintenance hard. */
    private void countState(Map<String, Object> truth) {
        java.util.Set<String> images = new java.util.HashSet<>();
        truth.values().forEach(o -> {
            if (o instanceof io.imageprune.model.Image i) {
                images.add(i.name());
            }
        });
        boolean dangling = false;
        boolean present = false;
        for (Object o : truth.values()) {
            if (o instanceof io.imageprune.model.ImageStream s) {
                for (io.imageprune.model.Tag t : s.tags()) {
                    for (io.imageprune.model.TagEvent e : t.items()) {
                        if (images.contains(e.image())) {
                            present = true;
                        } else {
                            dangling = true;
                        }
                    }
                }
            }
        }
        if (dangling) {
            count("checkpoints with dangling revisions");
        }
        if (present) {
            count("checkpoints with revisions of existing images");
        }
    }

    void assertSame(Expected e, ReferenceGraph actual, String what) {
        assertSame(e, actual, what, null);
    }

    /**
     * Compares a graph with the fresh graph of a checkpoint: observations first, then the dry run of every option set.
     * When {@code delivered} (the records that built {@code actual}) is given, a failure also shows the smallest
     * sub-sequence of them that still builds a graph unlike the fresh graph of the objects it describes.
     */
    void assertSame(Expected e, ReferenceGraph actual, String what, List<Record> delivered) {
        String problem = discrepancy(e.observations(), e.results(), e.options(), e.history(), actual);
        if (problem != null) {
            String shrunk = "";
            if (delivered != null && shrinks++ < 3) {
                List<Record> smallest = shrink(delivered, seq -> logDiscrepancy(seq, e.options(), e.history()) != null);
                shrunk = smallest == null ? "" : "\n" + describe(smallest, e.options(), e.history());
            }
            throw new AssertionError(e.where() + ": " + what + " " + problem + shrunk);
        }
        count("dry runs compared", e.options().size());
        count("graphs compared");
    }

    /** How {@code actual} differs from a graph with these observations and dry-run results, or null. */
    private static String discrepancy(SortedMap<String, Object> observations, List<PruneResult> results,
                                      List<PruneOptions> options, ClusterHistory h, ReferenceGraph actual) {
        String diff = GraphObservations.diff(observations, observe(h, actual), 8);
        if (diff != null) {
            return "differs from a fresh graph of the same objects: " + diff;
        }
        for (int i = 0; i < options.size(); i++) {
            PruneOptions o = options.get(i);
            PruneResult result;
            try {
                result = GraphObservations.dryRun(actual, o);
            } catch (RuntimeException ex) {
                return "cannot be planned with " + o + ": " + ex;
            }
            String planDiff = GraphObservations.diff(results.get(i), result);
            if (planDiff != null) {
                return "plans differently from a fresh graph with " + o + ": " + planDiff;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------- shrinking

    /** The objects a record sequence describes: the last value of each key whose last record is not a tombstone. */
    static List<Object> describedObjects(List<Record> records) {
        Map<String, Record> last = new java.util.LinkedHashMap<>();
        for (Record r : records) {
            last.remove(r.key());
            last.put(r.key(), r);
        }
        List<Object> out = new ArrayList<>();
        for (Record r : last.values()) {
            if (!r.tombstone()) {
                Object o = TestRecordApplier.decode(r);
                if (!(o instanceof io.imageprune.projection.SyncMarker)) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * The claim for any record sequence: replaying it gives a graph that shows and plans like a fresh graph of the
     * objects it describes. Returns how it does not, or null.
     */
    static String logDiscrepancy(List<Record> records, List<PruneOptions> options, ClusterHistory h) {
        ReferenceGraph fresh = new ReferenceGraph();
        describedObjects(records).forEach(o -> TestRecordApplier.put(fresh, o));
        List<PruneResult> results = new ArrayList<>();
        for (PruneOptions o : options) {
            results.add(GraphObservations.dryRun(fresh, o));
        }
        return discrepancy(observe(h, fresh), results, options, h, TestRecordApplier.replay(records));
    }

    /** A 1-minimal sub-sequence (order kept) on which {@code failing} still holds, or null when it does not hold. */
    static List<Record> shrink(List<Record> records, java.util.function.Predicate<List<Record>> failing) {
        if (!failing.test(records)) {
            return null;
        }
        List<Record> current = new ArrayList<>(records);
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk = chunk == 1 ? 0 : chunk / 2) {
            boolean progress = true;
            while (progress) {
                progress = false;
                for (int i = 0; i + chunk <= current.size(); ) {
                    List<Record> candidate = new ArrayList<>(current.subList(0, i));
                    candidate.addAll(current.subList(i + chunk, current.size()));
                    if (failing.test(candidate)) {
                        current = candidate;
                        progress = true;
                    } else {
                        i += chunk;
                    }
                }
            }
        }
        return current;
    }

    /** A record sequence spelled out, with the decoded values and what goes wrong when it is replayed. */
    static String describe(List<Record> records, List<PruneOptions> options, ClusterHistory h) {
        StringBuilder b = new StringBuilder("smallest record sequence that reproduces it (" + records.size()
                + " records, replayed into an empty graph):");
        for (int i = 0; i < records.size(); i++) {
            Record r = records.get(i);
            b.append("\n  ").append(i).append(". ").append(r.tombstone() ? "tombstone " + r.key()
                    : "put " + r.key() + " = " + TestRecordApplier.decode(r));
        }
        b.append("\n  then: ").append(logDiscrepancy(records, options, h));
        return b.toString();
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
