package io.imageprune.state;

import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.BuildSource;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Container;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Image;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.ImageStream;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Layer;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.LimitRange;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Referrer;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.ReferrerKind;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Tag;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.TagEvent;
import io.imageprune.testkit.GraphObjectNames;
import io.imageprune.model.Times;
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
import java.util.HashSet;
import io.imageprune.testkit.GraphObjectNames;
import java.util.LinkedHashMap;
import io.imageprune.testkit.GraphObjectNames;
import java.util.LinkedHashSet;
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
 * The history of a cluster as the ingest saw it, and the record log it wrote to {@code imageprune.cluster-state}.
 *
 * <p>Two views are kept side by side: the <em>truth</em> (the objects that exist after each operation) and the
 * <em>log</em> (key → projection bytes, or a tombstone). They differ while the ingest is "down": deletions (and some
 * puts) made during an outage never reach the log, until a relist writes what the ingest does after re-listing —
 * a put for every object whose logged value is stale or missing, a tombstone for every key whose last record is a
 * value but whose object is gone, then a sync marker. Checkpoints are taken only where log and truth agree; each
 * carries a copy of the truth at that point.
 *
 * <p>{@link #generate(long)} builds a random history over a universe seeded by {@link RandomCluster} (its objects are
 * the first versions; this class makes the later ones). {@link Builder} writes hand-made histories.
 */
final class ClusterHistory {
    static final Instant NOW = RandomCluster.NOW;
    static final String HOST = RandomCluster.HOST;
    static final String INGEST_ID = "ingest-0";

    /** One record of the topic: {@code value == null} is a tombstone; {@code why} is for humans. */
    record Record(String key, byte[] value, String why) {
        boolean tombstone() {
            return value == null;
        }

        @Override
        public String toString() {
            return (value == null ? "tombstone " : "put ") + key + " [" + why + "]";
        }
    }

    /** A point of the log (after {@code logEnd} records) where the log describes exactly {@code truth}. */
    record Checkpoint(int logEnd, String label, Map<String, Object> truth) {
    }

    final long seed;
    final List<Record> log;
    final List<Checkpoint> checkpoints;
    /** Every digest any version of any object mentions (image names, layers, configs, children, revisions). */
    final Set<String> digests;
    /** Every stream repository ({@code ns/name}) that ever existed. */
    final Set<String> repos;
    /** Every namespace of a stream, referrer or limit range, plus the namespaces of the seed cluster. */
    final Set<String> namespaces;
    /** How often each kind of event happened (coverage). */
    final Map<String, Integer> tally;
    final int operations;

    private ClusterHistory(long seed, Builder b, int operations) {
        this.seed = seed;
        this.log = List.copyOf(b.log);
        this.checkpoints = List.copyOf(b.checkpoints);
        this.digests = Collections.unmodifiableSet(new TreeSet<>(b.digests));
        this.repos = Collections.unmodifiableSet(new TreeSet<>(b.repos));
        this.namespaces = Collections.unmodifiableSet(new TreeSet<>(b.namespaces));
        this.tally = Collections.unmodifiableMap(new TreeMap<>(b.tally));
        this.operations = operations;
    }

    String summary() {
        return "seed " + seed + ": " + operations + " operations, " + log.size() + " records, "
                + checkpoints.size() + " checkpoints, " + tally;
    }

    // ============================================================================================== builder

    static Builder builder() {
        return new Builder();
    }

    /** Writes a history operation by operation; also used by the random generator. */
    static final class Builder {
        private static final ProjectionCodec CODEC = new ProjectionCodec();

        final Map<String, Object> truth = new LinkedHashMap<>();
        private final Map<String, byte[]> truthBytes = new HashMap<>();
        /** Key → value of its last record, for keys whose last record is not a tombstone (sync markers excluded). */
        private final Map<String, byte[]> logState = new HashMap<>();
        private final Set<String> everCreated = new HashSet<>();
        final List<Record> log = new ArrayList<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final Set<String> digests = new HashSet<>();
        final Set<String> repos = new HashSet<>();
        final Set<String> namespaces = new HashSet<>();
        final Map<String, Integer> tally = new TreeMap<>();
        private int operations;
        private long epoch;

        /** Creates or updates an object; the ingest logs it. */
        Builder put(Object o) {
            return put(o, true, null);
        }

        /** Creates or updates an object while the ingest is down: the log does not see it (until a relist). */
        Builder putMissed(Object o) {
            return put(o, false, null);
        }

        private Builder put(Object o, boolean logged, String why) {
            String key = ProjectionKeys.of(o);
            String what = truth.containsKey(key) ? "update" : everCreated.contains(key) ? "re-create" : "create";
            count(what + " " + kindOf(key));
            operations++;
            collect(o);
            byte[] bytes = CODEC.encode(o);
            truth.put(key, o);
            truthBytes.put(key, bytes);
            everCreated.add(key);
            if (logged) {
                append(new Record(key, bytes, why == null ? what : why));
            } else {
                count("missed put");
            }
            return this;
        }

        /** Deletes an object; the ingest logs a tombstone. */
        Builder delete(String key) {
            return delete(key, true);
        }

        /** Deletes an object while the ingest is down: no tombstone (until a relist). */
        Builder deleteMissed(String key) {
            return delete(key, false);
        }

        private Builder delete(String key, boolean logged) {
            if (truth.remove(key) == null) {
                throw new IllegalStateException("delete of absent " + key);
            }
            truthBytes.remove(key);
            count("delete " + kindOf(key));
            operations++;
            if (logged) {
                append(new Record(key, null, "delete"));
            } else {
                count("missed delete");
            }
            return this;
        }

        /** A tombstone for a key that does not exist (never created, or already deleted): a late or repeated delete. */
        Builder strayTombstone(String key) {
            if (truth.containsKey(key)) {
                throw new IllegalStateException("stray tombstone for present " + key);
            }
            ProjectionKeys.parse(key);
            operations++;
            boolean seen = everCreated.contains(key);
            count(seen ? "stray tombstone (deleted key)" : "stray tombstone (never-seen key)");
            append(new Record(key, null, seen ? "repeated delete" : "delete of a never-seen key"));
            return this;
        }

        /** A record the ingest writes again unchanged (e.g. after it restarted without losing anything). */
        Builder rewrite(String key) {
            byte[] bytes = truthBytes.get(key);
            append(new Record(key, bytes, bytes == null ? "repeated delete" : "repeated put"));
            count("rewritten record");
            return this;
        }

        /**
         * What the ingest writes after a full listing: tombstones for logged keys that are gone, puts for objects whose
         * logged value is missing or stale (all objects when {@code reputAll}), in {@code order} (sorted when null),
         * then a sync marker.
         */
        Builder relist(Random order, boolean reputAll) {
            count("relist");
            List<Record> batch = new ArrayList<>();
            for (String key : new TreeSet<>(logState.keySet())) {
                if (!truthBytes.containsKey(key)) {
                    batch.add(new Record(key, null, "relist: gone"));
                    count("relist tombstone");
                }
            }
            Map<String, Integer> perKind = new TreeMap<>();
            for (String key : new TreeSet<>(truthBytes.keySet())) {
                byte[] bytes = truthBytes.get(key);
                perKind.merge(kindOf(key), 1, Integer::sum);
                byte[] logged = logState.get(key);
                if (reputAll || logged == null || !Arrays.equals(logged, bytes)) {
                    batch.add(new Record(key, bytes, "relist"));
                    count(logged != null && Arrays.equals(logged, bytes) ? "relist put (unchanged)" : "relist put");
                }
            }
            if (order != null) {
                Collections.shuffle(batch, order);
            }
            batch.forEach(this::append);
            epoch++;
            SyncMarker marker = new SyncMarker(INGEST_ID, epoch, NOW, perKind);
            append(new Record(marker.key(), CODEC.encode(marker), "sync marker"));
            return this;
        }

        /** Whether the log, read to its end, describes exactly the current objects. */
        boolean consistent() {
            if (!logState.keySet().equals(truthBytes.keySet())) {
                return false;
            }
            for (Map.Entry<String, byte[]> e : truthBytes.entrySet()) {
                if (!Arrays.equals(e.getValue(), logState.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        Builder checkpoint(String label) {
            if (!consistent()) {
                throw new IllegalStateException("checkpoint '" + label + "' where log and truth disagree");
            }
            checkpoints.add(new Checkpoint(log.size(), label, Collections.unmodifiableMap(new LinkedHashMap<>(truth))));
            return this;
        }

        boolean present(String key) {
            return truth.containsKey(key);
        }

        boolean everCreated(String key) {
            return everCreated.contains(key);
        }

        /** Ends the history: a relist when the log lags the truth, then a final checkpoint. */
        ClusterHistory build(long seed, Random order) {
            if (!consistent()) {
                relist(order, false);
            }
            if (checkpoints.isEmpty() || checkpoints.get(checkpoints.size() - 1).logEnd() != log.size()) {
                checkpoint("final");
            }
            return new ClusterHistory(seed, this, operations);
        }

        /** Ends a hand-written history (seed -1: no generator involved). */
        ClusterHistory build() {
            return build(-1, null);
        }

        private void append(Record record) {
            log.add(record);
            if (record.key().startsWith(ProjectionKeys.SYNC_MARKER + "/")) {
                return;
            }
            if (record.tombstone()) {
                logState.remove(record.key());
            } else {
                logState.put(record.key(), record.value());
            }
        }

        void count(String what) {
            tally.merge(what, 1, Integer::sum);
        }

        private void collect(Object o) {
            GraphObjectNames.digests(o, digests::add);
            String namespace = GraphObjectNames.namespace(o);
            if (namespace != null) {
                namespaces.add(namespace);
            }
            if (o instanceof ImageStream s) {
                repos.add(s.repo());
            }
        }

        private static String kindOf(String key) {
            return key.substring(0, key.indexOf('/'));
        }
    }

    // ============================================================================================== generator

    /** A random history of 50–400 operations; everything is a function of the seed. */
    static ClusterHistory generate(long seed) {
        return new Generator(seed).run();
    }

    private static final class Generator {
        private static final Duration[] EDGES = {Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(60),
                Duration.ofHours(2)};
        private static final Instant LONG_AGO = Instant.parse("2020-01-01T00:00:00Z");
        private static final Instant BEFORE_EPOCH = Instant.parse("1969-12-31T23:59:59.999999999Z");
        private static final String[] TAG_NAMES = {"latest", "v1", "v2", "1", "dev"};
        private static final String[] PHASES = {"Running", "Pending", "Succeeded", "Failed", "Unknown", ""};
        private static final String[] MEDIA_TYPES = {Image.MANIFEST_SCHEMA2, Image.MANIFEST_SCHEMA2,
                Image.MANIFEST_OCI, "", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                Image.MANIFEST_LIST, Image.OCI_INDEX};
        /** Invalid pull specs (no digest), some with characters that need quoting. */
        private static final String[] INVALID_IMAGES = {"alpha/App:v1", "alpha/app:v1:v2", "-bad-/image", "app:",
                HOST + "/UPPER/app:latest", "app\"quoted\\:v1", "app😀:v1", "tab\tapp:v1"};
        /** Strings Go's TrimSpace empties: the container is skipped. */
        private static final String[] BLANK_IMAGES = {"", "  ", "\u2003\u00a0", "\t\n"};

        private final long seed;
        private final Random r;
        private final RandomCluster base;
        private final Builder b = new Builder();
        private final int nOps;

        /** Universe: key → first version. */
        private final Map<String, Object> initial = new LinkedHashMap<>();
        private final List<String> keys = new ArrayList<>();
        private final Map<String, Object> lastVersion = new HashMap<>();
        private final List<String> imageNames = new ArrayList<>();
        private final List<Layer> layerPool = new ArrayList<>();
        private final List<String> configPool = new ArrayList<>();
        private final List<String> dangling = new ArrayList<>();
        private final List<String> namespaces = new ArrayList<>();
        private final List<String[]> streamNames = new ArrayList<>(); // {ns, name}
        private int ghost;

        Generator(long seed) {
            this.seed = seed;
            this.r = new Random(seed * 0x5DEECE66DL + 0xB16B00B5L);
            this.base = RandomCluster.of(seed);
            this.nOps = 50 + r.nextInt(351);
        }

        ClusterHistory run() {
            universe();
            int ops = 0;
            int outageLeft = 0;
            int wantedCheckpoints = 2 + r.nextInt(5);
            while (ops < nOps) {
                if (outageLeft == 0 && r.nextInt(50) == 0) {
                    outageLeft = 3 + r.nextInt(40);
                    b.count("outage");
                }
                boolean down = outageLeft > 0;
                step(down);
                ops++;
                if (down) {
                    outageLeft--;
                    if (outageLeft == 0) {
                        b.relist(r.nextInt(3) == 0 ? null : r, r.nextInt(3) == 0);
                    }
                } else if (r.nextInt(150) == 0) {
                    b.relist(r, r.nextBoolean()); // a relist that finds nothing missing
                } else if (r.nextInt(60) == 0 && !b.truth.isEmpty()) {
                    b.rewrite(pick(new ArrayList<>(b.truth.keySet())));
                }
                if (b.consistent() && r.nextInt(Math.max(1, nOps / wantedCheckpoints)) == 0) {
                    b.checkpoint("after operation " + ops);
                }
            }
            return b.build(seed, r);
        }

        // ------------------------------------------------------------------------------------- operations

        private void step(boolean down) {
            int roll = r.nextInt(100);
            List<String> present = new ArrayList<>(b.truth.keySet());
            if (present.isEmpty() || roll < 38) {
                create(down);
            } else if (roll < 72) {
                String key = pickByKind(present);
                put(mutate(b.truth.get(key)), down);
            } else if (roll < 95) {
                String key = pickByKind(present);
                if (down && r.nextInt(10) < 7) {
                    b.deleteMissed(key);
                } else {
                    b.delete(key);
                }
            } else {
                strayTombstone();
            }
        }

        private void put(Object o, boolean down) {
            lastVersion.put(ProjectionKeys.of(o), o);
            if (down && r.nextInt(4) == 0) {
                b.putMissed(o);
            } else {
                b.put(o);
            }
        }

        private void create(boolean down) {
            String key = null;
            if (r.nextInt(100) < 35) {
                List<String> wanted = wantedImages();
                if (!wanted.isEmpty()) {
                    key = pick(wanted);
                }
            }
            if (key == null) {
                List<String> absent = new ArrayList<>();
                for (String k : keys) {
                    if (!b.present(k)) {
                        absent.add(k);
                    }
                }
                if (absent.isEmpty()) {
                    key = pickByKind(new ArrayList<>(b.truth.keySet()));
                    put(mutate(b.truth.get(key)), down);
                    return;
                }
                key = pickByKind(absent);
            }
            Object last = lastVersion.get(key);
            Object version = last == null ? initial.get(key) : r.nextBoolean() ? mutate(last) : last;
            put(version, down);
        }

        /** Absent universe images that present streams name, or present manifest lists point at. */
        private List<String> wantedImages() {
            Set<String> wanted = new LinkedHashSet<>();
            for (Object o : b.truth.values()) {
                if (o instanceof ImageStream s) {
                    s.tags().forEach(t -> t.items().forEach(e -> wanted.add(e.image())));
                } else if (o instanceof Image i) {
                    wanted.addAll(i.manifestDigests());
                }
            }
            List<String> out = new ArrayList<>();
            for (String d : wanted) {
                String key = ProjectionKeys.IMAGE + "//" + d;
                if (initial.containsKey(key) && !b.present(key)) {
                    out.add(key);
                }
            }
            return out;
        }

        private void strayTombstone() {
            List<String> candidates = new ArrayList<>();
            for (String k : keys) {
                if (!b.present(k)) {
                    candidates.add(k);
                }
            }
            String key;
            if (candidates.isEmpty() || r.nextInt(4) == 0) {
                int c = r.nextInt(4);
                key = switch (c) {
                    case 0 -> ProjectionKeys.IMAGE + "//" + digest();
                    case 1 -> ProjectionKeys.IMAGE_STREAM + "/" + pick(namespaces) + "/ghost-" + ghost++;
                    case 2 -> pick(ReferrerKind.values()).kind() + "/" + pick(namespaces) + "/ghost-" + ghost++;
                    default -> ProjectionKeys.LIMIT_RANGE + "/" + pick(namespaces) + "/ghost-" + ghost++;
                };
            } else {
                key = pickByKind(candidates);
            }
            b.strayTombstone(key);
        }

        // ------------------------------------------------------------------------------------- universe

        private void universe() {
            namespaces.addAll(base.namespaces);
            namespaces.add("elsewhere");
            base.images.forEach(i -> {
                layerPool.addAll(i.layers());
                if (!i.configDigest().isEmpty()) {
                    configPool.add(i.configDigest());
                }
            });
            for (int i = 0; i < 4; i++) {
                layerPool.add(new Layer(digest(), r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(200_000_000)));
                configPool.add(digest());
            }
            for (int i = 0; i < 3; i++) {
                dangling.add(digest());
            }

            // images: those the streams name first, then the rest, up to a size that keeps keys busy
            Set<String> named = new HashSet<>();
            base.streams.forEach(s -> s.tags().forEach(t -> t.items().forEach(e -> named.add(e.image()))));
            List<Image> images = new ArrayList<>(base.images);
            Collections.shuffle(images, r);
            images.sort((x, y) -> Boolean.compare(named.contains(y.name()), named.contains(x.name())));
            int limit = 10 + nOps / 5;
            List<Image> chosen = new ArrayList<>(images.subList(0, Math.min(limit, images.size())));
            images.stream().filter(Image::isIndex).findFirst().ifPresent(i -> {
                if (!chosen.contains(i)) {
                    chosen.add(i);
                }
            });
            chosen.forEach(i -> imageNames.add(i.name()));
            int fresh = 2 + r.nextInt(4);
            List<Image> mine = new ArrayList<>();
            for (int i = 0; i < fresh; i++) {
                String name = digest();
                imageNames.add(name);
                mine.add(plainImage(name));
            }
            for (int i = 0; i < 1 + r.nextInt(3); i++) {
                String name = digest();
                imageNames.add(name);
                mine.add(indexImage(name));
            }
            chosen.forEach(this::addToUniverse);
            mine.forEach(this::addToUniverse);
            // the base's revisions that name images outside the universe stay dangling forever
            for (String d : named) {
                if (!imageNames.contains(d)) {
                    dangling.add(d);
                }
            }

            base.streams.forEach(s -> streamNames.add(new String[] {s.namespace(), s.name()}));
            String extraNs = pick(namespaces);
            streamNames.add(new String[] {extraNs, "extra"});
            base.streams.forEach(this::addToUniverse);
            addToUniverse(stream(extraNs, "extra"));

            base.referrers.forEach(this::addToUniverse);
            int n = 0;
            for (ReferrerKind kind : ReferrerKind.values()) {
                addToUniverse(referrer(kind, pick(namespaces), "g" + n++));
            }
            for (int i = 0; i < 2 + r.nextInt(4); i++) {
                addToUniverse(referrer(ReferrerKind.POD, pick(namespaces), "g" + n++));
            }

            base.limitRanges.forEach(this::addToUniverse);
            addToUniverse(limitRange(pick(namespaces), "generated"));
        }

        private void addToUniverse(Object o) {
            String key = ProjectionKeys.of(o);
            if (initial.putIfAbsent(key, o) == null) {
                keys.add(key);
            }
        }

        // ------------------------------------------------------------------------------------- images

        private Image plainImage(String name) {
            String mediaType = pick(MEDIA_TYPES);
            if (mediaType.equals(Image.MANIFEST_LIST) || mediaType.equals(Image.OCI_INDEX)) {
                mediaType = Image.MANIFEST_SCHEMA2;
            }
            boolean metadata = r.nextInt(80) != 0; // rarely unreadable: one such image stops all of stage 2
            return new Image(name, time(), r.nextInt(5) != 0, mediaType, layers(), metadata,
                    metadata ? config() : "", metadata ? size() : 0, List.of(), HOST + "/x/y@" + name);
        }

        private Image indexImage(String name) {
            boolean metadata = r.nextBoolean();
            List<Layer> layers = r.nextInt(8) == 0 ? List.of(pick(layerPool)) : List.of();
            return new Image(name, time(), r.nextInt(5) != 0, r.nextBoolean() ? Image.MANIFEST_LIST : Image.OCI_INDEX,
                    layers, metadata, metadata && r.nextBoolean() ? digest() : "", metadata ? r.nextInt(1000) : 0,
                    children(name), HOST + "/x/y@" + name);
        }

        private List<Layer> layers() {
            return RandomCluster.layers(r, layerPool);
        }

        private String config() {
            int c = r.nextInt(10);
            if (c == 0) {
                return pick(layerPool).name(); // also a layer somewhere
            }
            if (c < 4) {
                return pick(configPool);
            }
            return c < 9 ? digest() : "";
        }

        private long size() {
            return r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(400_000_000);
        }

        private List<String> children(String self) {
            List<String> out = new ArrayList<>();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(10);
                String child = c == 0 ? pick(dangling) : c == 1 ? digest() : pick(imageNames);
                if (!child.equals(self) || r.nextInt(4) == 0) {
                    out.add(child); // rarely, a list naming itself
                }
            }
            return out;
        }

        private Image mutateImage(Image i) {
            String mediaType = i.mediaType();
            boolean managed = i.managed();
            List<Layer> layers = i.layers();
            boolean metadata = i.hasMetadata();
            String config = i.configDigest();
            long size = i.size();
            List<String> children = i.manifestDigests();
            Instant created = i.created();
            String ref = i.dockerImageReference();
            int changes = 1 + r.nextInt(2);
            for (int c = 0; c < changes; c++) {
                switch (r.nextInt(9)) {
                    case 0 -> layers = layers();
                    case 1 -> managed = !managed;
                    case 2 -> {
                        if (metadata && r.nextInt(10) == 0) {
                            metadata = false;
                            config = "";
                            size = 0;
                        } else {
                            metadata = true;
                            config = config();
                            size = size();
                        }
                    }
                    case 3 -> {
                        mediaType = pick(MEDIA_TYPES);
                        if ((mediaType.equals(Image.MANIFEST_LIST) || mediaType.equals(Image.OCI_INDEX))
                                && children.isEmpty()) {
                            children = children(i.name());
                        }
                    }
                    case 4 -> config = config();
                    case 5 -> size = size();
                    case 6 -> created = time();
                    case 7 -> {
                        children = r.nextInt(5) == 0 ? List.of() : children(i.name());
                        if (r.nextInt(3) != 0) {
                            mediaType = r.nextBoolean() ? Image.MANIFEST_LIST : Image.OCI_INDEX;
                        }
                    }
                    default -> ref = r.nextBoolean() ? "" : HOST + "/" + pick(namespaces) + "/app@" + i.name();
                }
            }
            return new Image(i.name(), created, managed, mediaType, layers, metadata, config, size, children, ref);
        }

        // ------------------------------------------------------------------------------------- streams

        private ImageStream stream(String ns, String name) {
            List<String> tagNames = new ArrayList<>(List.of(TAG_NAMES));
            Collections.shuffle(tagNames, r);
            int nTags = r.nextInt(15) == 0 ? 0 : 1 + r.nextInt(4);
            List<Tag> tags = new ArrayList<>();
            for (int t = 0; t < nTags; t++) {
                tags.add(new Tag(tagNames.get(t), history(1 + r.nextInt(6))));
            }
            return new ImageStream(ns, name, time(), HOST + "/" + ns + "/" + name, tags);
        }

        private List<TagEvent> history(int n) {
            List<TagEvent> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(new TagEvent(revisionImage(), time()));
            }
            if (r.nextInt(3) != 0) {
                items.sort((a, c) -> c.created().compareTo(a.created()));
            }
            return items;
        }

        private String revisionImage() {
            int c = r.nextInt(20);
            if (c < 3) {
                return pick(dangling);
            }
            if (c < 4) {
                String d = digest();
                dangling.add(d);
                return d;
            }
            return pick(imageNames);
        }

        private ImageStream mutateStream(ImageStream s) {
            List<Tag> tags = new ArrayList<>(s.tags());
            Instant created = s.created();
            String repository = s.dockerImageRepository();
            int changes = 1 + r.nextInt(3);
            for (int c = 0; c < changes; c++) {
                int what = r.nextInt(12);
                if (what < 4 || tags.isEmpty() && what < 9) {
                    // a push: a new revision on top of a tag (or a new tag)
                    if (tags.isEmpty() || r.nextInt(5) == 0) {
                        String name = freeTagName(tags);
                        if (name != null) {
                            tags.add(new Tag(name, history(1 + r.nextInt(3))));
                        }
                    } else {
                        int t = r.nextInt(tags.size());
                        List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                        items.add(0, new TagEvent(revisionImage(), time()));
                        tags.set(t, new Tag(tags.get(t).name(), items));
                    }
                } else if (what < 5) {
                    tags.remove(r.nextInt(tags.size())); // the tag is dropped
                } else if (what < 6) {
                    String name = freeTagName(tags);
                    if (name != null) {
                        tags.add(r.nextInt(tags.size() + 1), new Tag(name, history(1 + r.nextInt(4))));
                    }
                } else if (what < 7) {
                    // history trimmed: the oldest revision goes (rarely leaving an empty history behind)
                    int t = r.nextInt(tags.size());
                    List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                    if (!items.isEmpty()) {
                        items.remove(items.size() - 1);
                    }
                    if (items.isEmpty() && r.nextInt(3) != 0) {
                        tags.remove(t);
                    } else {
                        tags.set(t, new Tag(tags.get(t).name(), items));
                    }
                } else if (what < 8) {
                    int t = r.nextInt(tags.size());
                    List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                    if (!items.isEmpty()) {
                        int at = r.nextInt(items.size());
                        items.set(at, new TagEvent(revisionImage(), items.get(at).created()));
                        tags.set(t, new Tag(tags.get(t).name(), items));
                    }
                } else if (what < 9) {
                    int t = r.nextInt(tags.size());
                    List<TagEvent> items = new ArrayList<>(tags.get(t).items());
                    Collections.shuffle(items, r);
                    tags.set(t, new Tag(tags.get(t).name(), items));
                } else if (what < 10) {
                    created = time();
                } else if (what < 11) {
                    repository = r.nextBoolean() ? "" : "other.registry:5000/" + s.repo();
                } else if (r.nextInt(3) == 0) {
                    tags.clear();
                } else {
                    Collections.shuffle(tags, r);
                }
            }
            return new ImageStream(s.namespace(), s.name(), created, repository, tags);
        }

        private String freeTagName(List<Tag> tags) {
            List<String> free = new ArrayList<>(List.of(TAG_NAMES));
            tags.forEach(t -> free.remove(t.name()));
            return free.isEmpty() ? null : pick(free);
        }

        // ------------------------------------------------------------------------------------- referrers

        private Referrer referrer(ReferrerKind kind, String ns, String name) {
            if (kind.isBuild()) {
                return new Referrer(kind, ns, name, time(), "", List.of(), buildSource(ns));
            }
            return new Referrer(kind, ns, name, time(), kind == ReferrerKind.POD ? pick(PHASES) : "",
                    containers(ns), null);
        }

        private List<Container> containers(String ns) {
            List<Container> containers = new ArrayList<>();
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                containers.add(new Container("c" + i, r.nextInt(4) == 0, imageString(ns)));
            }
            containers.sort((a, c) -> Boolean.compare(c.init(), a.init()));
            return containers;
        }

        private BuildSource buildSource(String ns) {
            String[] target = pick(streamNames);
            String fromNs = target[0].equals(ns) && r.nextBoolean() ? "" : target[0];
            return switch (r.nextInt(9)) {
                case 0, 1 -> new BuildSource("DockerImage", r.nextBoolean() ? "" : ns, imageString(ns));
                case 2, 3 -> new BuildSource("ImageStreamImage", fromNs, target[1] + "@" + streamDigest(target));
                case 4, 5 -> new BuildSource("ImageStreamTag", fromNs, target[1] + ":" + streamTag(target));
                case 6 -> new BuildSource(pick(new String[] {"ImageStreamTag", "ImageStreamImage", "DockerImage"}),
                        "", pick(new String[] {"app", "app:v1:v2", "app@", "alpha/App:v1"})); // invalid
                case 7 -> new BuildSource("Git", "", "https://example.com/repo.git");
                default -> null;
            };
        }

        private String imageString(String ownNs) {
            String[] target = r.nextInt(6) == 0 ? new String[] {pick(namespaces), "nginx"} : pick(streamNames);
            String repo = target[0] + "/" + target[1];
            String d = streamDigest(target);
            String tag = streamTag(target);
            return switch (r.nextInt(16)) {
                case 0, 1, 2 -> HOST + "/" + repo + "@" + d;
                case 3, 4 -> HOST + "/" + repo + ":" + tag;
                case 5 -> repo + "@" + d;
                case 6 -> "docker.io/library/nginx:1";
                case 7 -> HOST + "/" + repo;
                case 8 -> HOST + "/" + repo + ":" + tag + "@" + d;
                case 9 -> "quay.io/" + repo + "@" + d;
                case 10 -> HOST + "/" + repo + "/sub@" + d;
                case 11 -> pick(BLANK_IMAGES);
                case 12 -> r.nextInt(3) == 0 ? pick(INVALID_IMAGES) : HOST + "/" + repo + ":" + tag;
                case 13 -> HOST + "/" + repo + "@" + d.toUpperCase(java.util.Locale.ROOT).replace("SHA256", "sha256");
                case 14 -> ownNs + "/" + target[1] + ":" + tag;
                default -> HOST + "/" + repo + "@" + pick(dangling);
            };
        }

        /** A digest the stream {ns, name} holds in some version, or some image. */
        private String streamDigest(String[] target) {
            Object s = lastVersion.get(ProjectionKeys.IMAGE_STREAM + "/" + target[0] + "/" + target[1]);
            if (s == null) {
                s = initial.get(ProjectionKeys.IMAGE_STREAM + "/" + target[0] + "/" + target[1]);
            }
            if (s instanceof ImageStream stream && !stream.tags().isEmpty() && r.nextInt(3) != 0) {
                Tag t = pick(stream.tags());
                if (!t.items().isEmpty()) {
                    return pick(t.items()).image();
                }
            }
            return r.nextInt(8) == 0 ? pick(dangling) : pick(imageNames);
        }

        private String streamTag(String[] target) {
            Object s = lastVersion.get(ProjectionKeys.IMAGE_STREAM + "/" + target[0] + "/" + target[1]);
            if (s == null) {
                s = initial.get(ProjectionKeys.IMAGE_STREAM + "/" + target[0] + "/" + target[1]);
            }
            if (s instanceof ImageStream stream && !stream.tags().isEmpty() && r.nextInt(4) != 0) {
                return pick(stream.tags()).name();
            }
            return pick(TAG_NAMES);
        }

        private Referrer mutateReferrer(Referrer x) {
            Instant created = x.created();
            String phase = x.phase();
            List<Container> containers = x.containers();
            BuildSource source = x.buildSource();
            int changes = 1 + r.nextInt(2);
            for (int c = 0; c < changes; c++) {
                int what = r.nextInt(6);
                if (x.kind() == ReferrerKind.POD && what < 3) {
                    // the usual life of a pod: Pending → Running → Succeeded/Failed
                    phase = switch (phase) {
                        case "Pending" -> "Running";
                        case "Running" -> r.nextBoolean() ? "Succeeded" : "Failed";
                        default -> pick(PHASES);
                    };
                } else if (what < 5) {
                    if (x.kind().isBuild()) {
                        source = buildSource(x.namespace());
                    } else if (!containers.isEmpty() && r.nextBoolean()) {
                        List<Container> copy = new ArrayList<>(containers);
                        int at = r.nextInt(copy.size());
                        Container old = copy.get(at);
                        copy.set(at, new Container(old.name(), old.init(), imageString(x.namespace())));
                        containers = copy;
                    } else {
                        containers = containers(x.namespace());
                    }
                } else {
                    created = time();
                }
            }
            return new Referrer(x.kind(), x.namespace(), x.name(), created, phase, containers, source);
        }

        // ------------------------------------------------------------------------------------- limit ranges

        private LimitRange limitRange(String ns, String name) {
            List<Long> max = new ArrayList<>();
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(6);
                if (c == 0) {
                    Object o = initial.get(ProjectionKeys.IMAGE + "//" + pick(imageNames));
                    long s = o instanceof Image img ? img.size() : 100_000_000L;
                    max.add(s + r.nextInt(3) - 1); // exactly an image size, or one byte around it
                } else {
                    max.add((long) (50_000_000 + r.nextInt(300_000_000)));
                }
            }
            return new LimitRange(ns, name, max);
        }

        private Object mutate(Object o) {
            if (o instanceof Image i) {
                return mutateImage(i);
            } else if (o instanceof ImageStream s) {
                return mutateStream(s);
            } else if (o instanceof Referrer x) {
                return mutateReferrer(x);
            } else if (o instanceof LimitRange l) {
                return limitRange(l.namespace(), l.name());
            }
            throw new IllegalArgumentException(String.valueOf(o));
        }

        // ------------------------------------------------------------------------------------- helpers

        /** Times around every keep-younger-than edge (to the second and the nanosecond), zero, far and odd times. */
        private Instant time() {
            int c = r.nextInt(14);
            if (c < 5) {
                Instant edge = NOW.minus(pick(EDGES));
                return switch (r.nextInt(5)) {
                    case 0 -> edge.minusSeconds(1);
                    case 1 -> edge.plusSeconds(1);
                    case 2 -> edge.minusNanos(1);
                    case 3 -> edge.plusNanos(1);
                    default -> edge;
                };
            }
            return switch (c) {
                case 5 -> Times.ZERO;
                case 6 -> LONG_AGO;
                case 7 -> NOW.plus(Duration.ofMinutes(10));
                case 8 -> BEFORE_EPOCH;
                default -> NOW.plusSeconds(r.nextInt(6 * 3600) - 5 * 3600)
                        .plusNanos(r.nextInt(3) == 0 ? r.nextInt(1_000_000_000) : 0);
            };
        }

        private String digest() {
            StringBuilder s = new StringBuilder("sha256:");
            for (int i = 0; i < 64; i++) {
                s.append(Character.forDigit(r.nextInt(16), 16));
            }
            return s.toString();
        }

        /**
         * A key chosen by kind first (images 35%, streams 25%, referrers 30%, limit ranges 10%, among the kinds that
         * have keys), so that the many images of a universe do not crowd out the rest.
         */
        private String pickByKind(List<String> candidates) {
            Map<Integer, List<String>> byKind = new TreeMap<>();
            for (String key : candidates) {
                int kind = key.startsWith(ProjectionKeys.IMAGE + "/") ? 0
                        : key.startsWith(ProjectionKeys.IMAGE_STREAM + "/") ? 1
                        : key.startsWith(ProjectionKeys.LIMIT_RANGE + "/") ? 3 : 2;
                byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(key);
            }
            int[] weights = {35, 25, 30, 10};
            int total = 0;
            for (int kind : byKind.keySet()) {
                total += weights[kind];
            }
            int roll = r.nextInt(total);
            for (Map.Entry<Integer, List<String>> e : byKind.entrySet()) {
                roll -= weights[e.getKey()];
                if (roll < 0) {
                    return pick(e.getValue());
                }
            }
            throw new IllegalStateException("no candidates");
        }

        private <T> T pick(List<T> list) {
            return list.get(r.nextInt(list.size()));
        }

        private <T> T pick(T[] array) {
            return array[r.nextInt(array.length)];
        }
    }
}
