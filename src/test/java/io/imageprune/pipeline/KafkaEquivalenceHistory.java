package io.imageprune.pipeline;

import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Container;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Image;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.ImageStream;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.LimitRange;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Referrer;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Tag;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.TagEvent;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.projection.SyncMarker;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.properties.RandomCluster;

import io.imageprune.testkit.GraphObjectNames;
import java.time.Duration;
import io.imageprune.testkit.GraphObjectNames;
import java.time.Instant;
import io.imageprune.testkit.GraphObjectNames;
import java.util.ArrayList;
import io.imageprune.testkit.GraphObjectNames;
import java.util.Arrays;
import io.imageprune.testkit.GraphObjectNames;
import java.util.Collections;
import io.imageprune.testkit.GraphObjectNames;
import java.util.HashMap;
import io.imageprune.testkit.GraphObjectNames;
import java.util.LinkedHashMap;
import io.imageprune.testkit.GraphObjectNames;
import java.util.List;
import io.imageprune.testkit.GraphObjectNames;
import java.util.Map;
import io.imageprune.testkit.GraphObjectNames;
import java.util.Random;
import io.imageprune.testkit.GraphObjectNames;
import java.util.Set;
import io.imageprune.testkit.GraphObjectNames;
import java.util.TreeMap;
import io.imageprune.testkit.GraphObjectNames;
import java.util.TreeSet;

/**
 * A thin, test-local counterpart of {@code io.imageprune.state.ClusterHistory} (which is package-private in another
 * package): a random history of a cluster as the ingest saw it, and the record log it wrote to the state topic.
 *
 * <p>The universe is a {@link RandomCluster} of the seed (first versions) plus versions this class derives from them.
 * Two views are kept: the truth (objects that exist) and the log (key → last value, or tombstone). Operations: creates,
 * updates, deletes, stray tombstones (late or repeated deletes, never-seen keys), redelivered duplicates (the previous
 * record sent again, or the current value/tombstone of a key rewritten), and outages of the ingest during which
 * deletions (most) and puts (some) never reach the log, ended by a relist: a tombstone for every logged key whose
 * object is gone (the missed deletions), a put for every missing or stale object (or for all), shuffled, then a sync
 * marker. The history always ends with the log consistent with the truth and a sync marker whose epoch is
 * {@link #finalEpoch}.
 */
final class KafkaEquivalenceHistory {
    static final Instant NOW = RandomCluster.NOW;
    static final String INGEST_ID = "kafka-equivalence";
    private static final ProjectionCodec CODEC = new ProjectionCodec();
    private static final String[] PHASES = {"Running", "Pending", "Succeeded", "Failed", ""};

    /** One record of the topic: {@code value == null} is a tombstone; {@code why} is for humans. */
    record Record(String key, byte[] value, String why) {
        @Override
        public String toString() {
            return (value == null ? "tombstone " : "put ") + key + " [" + why + "]";
        }
    }

    final long seed;
    final List<Record> log = new ArrayList<>();
    /** The objects that exist at the end (key → object). */
    final Map<String, Object> truth = new LinkedHashMap<>();
    /** Every namespace of the universe (to look up limit ranges). */
    final Set<String> namespaces = new TreeSet<>();
    /** Every digest the universe mentions (image names, layers, configs, children, revisions). */
    final Set<String> digests = new TreeSet<>();
    final Map<String, Integer> tally = new TreeMap<>();
    long finalEpoch;

    private final Random r;
    private final Map<String, Object> initial = new LinkedHashMap<>();
    private final List<String> keys = new ArrayList<>();
    private final Map<String, Object> lastVersion = new HashMap<>();
    private final Map<String, byte[]> truthBytes = new HashMap<>();
    private final Map<String, byte[]> logState = new HashMap<>();
    private final List<String> imageNames = new ArrayList<>();
    private long epoch;
    private int ghost;

    private KafkaEquivalenceHistory(long seed, long firstEpoch) {
        this.seed = seed;
        this.epoch = firstEpoch;
        this.r = new Random(seed * 31 + 0x4B61666BL);
    }

    /** A random history of 60–180 operations; sync markers get epochs after {@code previousEpoch}. */
    static KafkaEquivalenceHistory generate(long seed, long previousEpoch) {
        KafkaEquivalenceHistory h = new KafkaEquivalenceHistory(seed, previousEpoch);
        h.run();
        return h;
    }

    String summary() {
        return "seed " + seed + ": " + log.size() + " records, " + truth.size() + " objects at the end, " + tally;
    }

    // ------------------------------------------------------------------------------------------------- generation

    private void run() {
        RandomCluster base = RandomCluster.of(seed);
        base.images.forEach(this::addToUniverse);
        base.streams.forEach(this::addToUniverse);
        base.referrers.forEach(this::addToUniverse);
        base.limitRanges.forEach(this::addToUniverse);
        namespaces.addAll(base.namespaces);
        base.images.forEach(i -> imageNames.add(i.name()));

        int nOps = 60 + r.nextInt(121);
        int outageLeft = 0;
        for (int ops = 0; ops < nOps; ops++) {
            if (outageLeft == 0 && r.nextInt(25) == 0) {
                outageLeft = 3 + r.nextInt(15);
                count("outage");
            }
            boolean down = outageLeft > 0;
            step(down);
            if (down) {
                if (--outageLeft == 0) {
                    relist(r.nextInt(3) != 0, r.nextInt(3) == 0);
                }
            } else if (r.nextInt(12) == 0 && !log.isEmpty()) {
                Record last = log.get(log.size() - 1);
                append(new Record(last.key(), last.value(), "redelivered: " + last.why()));
                count("redelivered duplicate");
            } else if (r.nextInt(20) == 0 && !truth.isEmpty()) {
                String key = pick(new ArrayList<>(truth.keySet()));
                append(new Record(key, truthBytes.get(key), "repeated put"));
                count("rewritten record");
            }
        }
        if (!consistent()) {
            relist(true, false);
        } else {
            marker();
        }
        if (!consistent()) {
            throw new IllegalStateException("seed " + seed + ": the log does not end consistent with the truth");
        }
        finalEpoch = epoch;
    }

    private void step(boolean down) {
        int roll = r.nextInt(100);
        List<String> present = new ArrayList<>(truth.keySet());
        if (present.isEmpty() || roll < 40) {
            List<String> absent = keys.stream().filter(k -> !truth.containsKey(k)).toList();
            if (absent.isEmpty()) {
                put(mutate(truth.get(pick(present))), down);
            } else {
                String key = pick(absent);
                Object last = lastVersion.get(key);
                put(last == null ? initial.get(key) : r.nextBoolean() ? mutate(last) : last, down);
            }
        } else if (roll < 72) {
            put(mutate(truth.get(pick(present))), down);
        } else if (roll < 95) {
            delete(pick(present), down && r.nextInt(10) < 7);
        } else {
            strayTombstone();
        }
    }

    private void put(Object o, boolean down) {
        String key = ProjectionKeys.of(o);
        String what = truth.containsKey(key) ? "update" : lastVersion.containsKey(key) ? "re-create" : "create";
        byte[] bytes = CODEC.encode(o);
        truth.put(key, o);
        truthBytes.put(key, bytes);
        lastVersion.put(key, o);
        if (down && r.nextInt(4) == 0) {
            count("missed put");
        } else {
            append(new Record(key, bytes, what));
            count(what);
        }
    }

    private void delete(String key, boolean missed) {
        truth.remove(key);
        truthBytes.remove(key);
        if (missed) {
            count("missed delete");
        } else {
            append(new Record(key, null, "delete"));
            count("delete");
        }
    }

    private void strayTombstone() {
        List<String> absent = keys.stream().filter(k -> !truth.containsKey(k)).toList();
        String key;
        if (absent.isEmpty() || r.nextInt(3) == 0) {
            String ns = namespaces.isEmpty() ? "default" : pick(new ArrayList<>(namespaces));
            key = r.nextBoolean() ? ProjectionKeys.IMAGE_STREAM + "/" + ns + "/ghost-" + ghost++
                    : ProjectionKeys.IMAGE + "//sha256:" + String.format("%064x", r.nextLong() & Long.MAX_VALUE);
            count("stray tombstone (never-seen key)");
        } else {
            key = pick(absent);
            count("stray tombstone (absent key)");
        }
        append(new Record(key, null, "stray tombstone"));
    }

    /** What the ingest writes after a full listing, then its sync marker. */
    private void relist(boolean shuffle, boolean reputAll) {
        count("relist");
        List<Record> batch = new ArrayList<>();
        for (String key : new TreeSet<>(logState.keySet())) {
            if (!truthBytes.containsKey(key)) {
                batch.add(new Record(key, null, "relist: gone"));
                count("relist tombstone (missed deletion)");
            }
        }
        for (String key : new TreeSet<>(truthBytes.keySet())) {
            byte[] logged = logState.get(key);
            if (reputAll || logged == null || !Arrays.equals(logged, truthBytes.get(key))) {
                batch.add(new Record(key, truthBytes.get(key), "relist"));
                count("relist put");
            }
        }
        if (shuffle) {
            Collections.shuffle(batch, r);
        }
        batch.forEach(this::append);
        marker();
    }

    private void marker() {
        Map<String, Integer> perKind = new TreeMap<>();
        truth.keySet().forEach(k -> perKind.merge(k.substring(0, k.indexOf('/')), 1, Integer::sum));
        SyncMarker m = new SyncMarker(INGEST_ID, ++epoch, NOW, perKind);
        append(new Record(m.key(), CODEC.encode(m), "sync marker " + epoch));
    }

    private boolean consistent() {
        if (!logState.keySet().equals(truthBytes.keySet())) {
            return false;
        }
        return truthBytes.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), logState.get(e.getKey())));
    }

    private void append(Record record) {
        log.add(record);
        if (record.key().startsWith(ProjectionKeys.SYNC_MARKER + "/")) {
            return;
        }
        if (record.value() == null) {
            logState.remove(record.key());
        } else {
            logState.put(record.key(), record.value());
        }
    }

    private void addToUniverse(Object o) {
        String key = ProjectionKeys.of(o);
        if (initial.putIfAbsent(key, o) == null) {
            keys.add(key);
        }
        collect(o);
    }

    private void collect(Object o) {
        GraphObjectNames.digests(o, digests::add);
        String namespace = GraphObjectNames.namespace(o);
        if (namespace != null) {
            namespaces.add(namespace);
        }
    }

    // ------------------------------------------------------------------------------------------------- versions

    private Object mutate(Object o) {
        Object out;
        if (o instanceof Image i) {
            out = mutateImage(i);
        } else if (o instanceof ImageStream s) {
            out = mutateStream(s);
        } else if (o instanceof Referrer ref) {
            out = mutateReferrer(ref);
        } else if (o instanceof LimitRange l) {
            List<Long> max = r.nextInt(3) == 0 ? List.of() : List.of((long) (1 + r.nextInt(400_000_000)));
            out = new LimitRange(l.namespace(), l.name(), max);
        } else {
            throw new IllegalArgumentException("no versions of " + o);
        }
        collect(out);
        return out;
    }

    private Image mutateImage(Image i) {
        boolean managed = i.managed();
        Instant created = i.created();
        List<io.imageprune.model.Layer> layers = i.layers();
        long size = i.size();
        switch (r.nextInt(4)) {
            case 0 -> managed = !managed;
            case 1 -> created = time();
            case 2 -> layers = layers.isEmpty() ? layers : layers.subList(1, layers.size());
            default -> size = i.hasMetadata() ? 1 + r.nextInt(400_000_000) : size;
        }
        return new Image(i.name(), created, managed, i.mediaType(), layers, i.hasMetadata(), i.configDigest(), size,
                i.manifestDigests(), i.dockerImageReference());
    }

    private ImageStream mutateStream(ImageStream s) {
        List<Tag> tags = new ArrayList<>(s.tags());
        int c = tags.isEmpty() ? 2 : r.nextInt(3);
        if (c == 0) {
            tags.remove(r.nextInt(tags.size()));
        } else if (c == 1) {
            int t = r.nextInt(tags.size());
            Tag tag = tags.get(t);
            tags.set(t, new Tag(tag.name(), tag.items().subList(0, Math.min(1, tag.items().size()))));
        } else {
            String image = imageNames.isEmpty() || r.nextInt(6) == 0
                    ? "sha256:" + String.format("%064x", r.nextLong() & Long.MAX_VALUE) : pick(imageNames);
            TagEvent event = new TagEvent(image, time());
            if (tags.isEmpty() || r.nextBoolean()) {
                tags.add(new Tag("k" + r.nextInt(3), List.of(event)));
                // tag names must stay unique within a stream
                Map<String, Tag> unique = new LinkedHashMap<>();
                tags.forEach(t -> unique.put(t.name(), t));
                tags = new ArrayList<>(unique.values());
            } else {
                int t = r.nextInt(tags.size());
                List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                items.add(0, event);
                tags.set(t, new Tag(tags.get(t).name(), items));
            }
        }
        return new ImageStream(s.namespace(), s.name(), s.created(), s.dockerImageRepository(), tags);
    }

    private Referrer mutateReferrer(Referrer ref) {
        String phase = ref.phase();
        Instant created = ref.created();
        List<Container> containers = ref.containers();
        switch (r.nextInt(3)) {
            case 0 -> phase = pick(List.of(PHASES));
            case 1 -> created = time();
            default -> containers = containers.isEmpty() ? containers : containers.subList(0, containers.size() - 1);
        }
        return new Referrer(ref.kind(), ref.namespace(), ref.name(), created, phase, containers, ref.buildSource());
    }

    private Instant time() {
        return NOW.minus(Duration.ofMinutes(r.nextInt(240)));
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private void count(String what) {
        tally.merge(what, 1, Integer::sum);
    }
}
