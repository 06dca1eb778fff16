package io.imageprune.properties;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A deterministic generator of small but nasty clusters as model objects, together with what its referrers mean,
 * computed here from the way each image string was built (independently of the production parser).
 *
 * <p>Everything is a function of the seed: the same seed always yields the same cluster and the same graph-building
 * order (including the decoy puts and removes that exercise the graph's incremental counters).
 */
public final class RandomCluster {
    /** The fixed "now" of every run. */
    public static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    public static final String HOST = "registry.example:5000";

    private static final Duration[] EDGES = {Duration.ZERO, Duration.ofMinutes(30), Duration.ofMinutes(60),
            Duration.ofHours(2)};
    private static final String[] NAMESPACES = {"alpha", "beta", "gamma", "library"};
    private static final String[] STREAM_NAMES = {"app", "web", "db", "nginx", "base", "tools"};
    private static final String[] TAG_NAMES = {"latest", "v1", "v2", "1", "dev"};
    private static final String[] PHASES = {"Running", "Pending", "Succeeded", "Failed", ""};
    private static final ReferrerKind[] WORKLOADS = {ReferrerKind.REPLICATION_CONTROLLER,
            ReferrerKind.DEPLOYMENT_CONFIG, ReferrerKind.REPLICA_SET, ReferrerKind.DEPLOYMENT, ReferrerKind.DAEMON_SET,
            ReferrerKind.STATEFUL_SET, ReferrerKind.JOB, ReferrerKind.CRON_JOB};

    /**
     * What one referrer means, derived from how its strings were generated.
     *
     * @param pinned    every digest named by a container image / DockerImage source containing {@code @<digest>}, and
     *                  the id of an ImageStreamImage source (safety rule 1)
     * @param tagRefs   {@code ns/stream:tag} keys (algorithm §4.3: host/ns/name without digest, ImageStreamTag sources)
     * @param imageRefs {@code ns/stream@digest} keys (host/ns/name with digest, ImageStreamImage sources)
     * @param invalid   some string of the referrer is an invalid reference (none of them contains a digest)
     */
    public record Facts(Referrer referrer, Set<String> pinned, Set<String> tagRefs, Set<String> imageRefs,
                        boolean invalid) {
        /** algorithm §5.3: non-pods always; pods when Running/Pending or created not before the threshold. */
        public boolean counts(Instant threshold) {
            if (referrer.kind() != ReferrerKind.POD) {
                return true;
            }
            String phase = referrer.phase();
            return phase.equals("Running") || phase.equals("Pending") || !referrer.created().isBefore(threshold);
        }

        /** Counts in a run with this threshold and namespace ("" = cluster-wide; otherwise only that namespace). */
        public boolean counts(Instant threshold, String namespace) {
            return (namespace.isEmpty() || namespace.equals(referrer.namespace())) && counts(threshold);
        }
    }

    public final long seed;
    public final List<Image> images = new ArrayList<>();
    public final List<ImageStream> streams = new ArrayList<>();
    public final List<Referrer> referrers = new ArrayList<>();
    public final List<LimitRange> limitRanges = new ArrayList<>();
    public final List<Facts> facts = new ArrayList<>();
    public final Map<String, Image> imageByName = new LinkedHashMap<>();
    public final List<String> namespaces = new ArrayList<>();
    /** Whether some referrers carry invalid references (then runs need ignoreInvalidRefs=true). */
    public boolean invalidRefs;
    /** Non-index images without readable metadata (usually none). */
    public final Set<String> unreadable = new LinkedHashSet<>();

    private final Random r;
    private final List<Layer> layerPool = new ArrayList<>();
    private final List<String> configPool = new ArrayList<>();
    private final List<String> danglingPool = new ArrayList<>();
    private final List<Instant> timePool = new ArrayList<>();
    /** The graph-building script: decoys first, then the real objects, then junk puts and removes. */
    private final List<Consumer<ReferenceGraph>> script = new ArrayList<>();

    private RandomCluster(long seed) {
        this.seed = seed;
        this.r = new Random(seed * 0x9E3779B97F4A7C15L + 12345);
        generate();
    }

    public static RandomCluster of(long seed) {
        return new RandomCluster(seed);
    }

    private ReferenceGraph shared;

    /** A fresh graph holding exactly this cluster, built in the seed's order with decoys and junk churn. */
    public ReferenceGraph graph() {
        ReferenceGraph g = new ReferenceGraph();
        script.forEach(step -> step.accept(g));
        return g;
    }

    /** One graph of this cluster built once, for read-only use (planning and dry runs do not change it). */
    public ReferenceGraph sharedGraph() {
        if (shared == null) {
            shared = graph();
        }
        return shared;
    }

    /**
     * algorithm §6.2: a stream with a revision whose (existing) image has no computable blob list is left alone.
     */
    public boolean streamUnreadable(ImageStream s) {
        for (Tag t : s.tags()) {
            for (TagEvent e : t.items()) {
                if (unreadable.contains(e.image())) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ facts

    /** Whether a referrer that counts for this threshold and namespace has an invalid reference (oc refuses). */
    public boolean refuses(Instant threshold, String namespace) {
        return facts.stream().anyMatch(f -> f.invalid() && f.counts(threshold, namespace));
    }

    public Set<String> pinned(Instant threshold, String namespace) {
        Set<String> out = new HashSet<>();
        for (Facts f : facts) {
            if (f.counts(threshold, namespace)) {
                out.addAll(f.pinned());
            }
        }
        return out;
    }

    /**
     * Pinned digests plus, transitively, the children of pinned manifest lists (a multi-arch image pinned by digest is
     * pulled through its children, so the planner keeps them under safety rule 1 too).
     */
    public Set<String> pinnedWithChildren(Instant threshold, String namespace) {
        Set<String> out = new HashSet<>(pinned(threshold, namespace));
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(out);
        while (!todo.isEmpty()) {
            Image i = imageByName.get(todo.pop());
            if (i != null) {
                for (String child : i.manifestDigests()) {
                    if (out.add(child)) {
                        todo.add(child);
                    }
                }
            }
        }
        return out;
    }

    public Set<String> usedTags(Instant threshold, String namespace) {
        Set<String> out = new HashSet<>();
        for (Facts f : facts) {
            if (f.counts(threshold, namespace)) {
                out.addAll(f.tagRefs());
            }
        }
        return out;
    }

    public Set<String> usedImages(Instant threshold, String namespace) {
        Set<String> out = new HashSet<>();
        for (Facts f : facts) {
            if (f.counts(threshold, namespace)) {
                out.addAll(f.imageRefs());
            }
        }
        return out;
    }

    /**
     * algorithm §8, computed here: layers (duplicates kept), then the config for schema 2 / OCI image manifests only.
     */
    public static List<String> blobsOf(Image image) {
        List<String> out = new ArrayList<>();
        image.layers().forEach(l -> out.add(l.name()));
        String mt = image.mediaType();
        boolean index = mt.equals(Image.MANIFEST_LIST) || mt.equals(Image.OCI_INDEX);
        if (!index && !image.configDigest().isEmpty()
                && (mt.equals(Image.MANIFEST_SCHEMA2) || mt.equals(Image.MANIFEST_OCI))) {
            out.add(image.configDigest());
        }
        return out;
    }

    // ------------------------------------------------------------- generation

    private void generate() {
        for (Duration edge : EDGES) {
            Instant t = NOW.minus(edge);
            timePool.add(t.minusSeconds(1));
            timePool.add(t);
            timePool.add(t.plusSeconds(1));
        }
        timePool.add(Times.ZERO);
        timePool.add(Times.ZERO);
        timePool.add(NOW.plus(Duration.ofMinutes(10)));
        timePool.add(Instant.parse("2020-01-01T00:00:00Z"));

        int nLayers = 6 + r.nextInt(30);
        for (int i = 0; i < nLayers; i++) {
            layerPool.add(new Layer(digest(), r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(200_000_000)));
        }
        int nConfigs = 2 + r.nextInt(6);
        for (int i = 0; i < nConfigs; i++) {
            // some shared configs are also layers elsewhere
            configPool.add(r.nextInt(4) == 0 ? pick(layerPool).name() : digest());
        }
        int nDangling = 1 + r.nextInt(5);
        for (int i = 0; i < nDangling; i++) {
            danglingPool.add(digest());
        }

        int nImages = 20 + r.nextInt(101);
        int nIndexes = r.nextInt(5) == 0 ? 0 : r.nextInt(1 + nImages / 8);
        for (int i = 0; i < nImages - nIndexes; i++) {
            addImage(plainImage(digest()));
        }
        if (r.nextInt(10) == 0) {
            // rarely, a non-index image without readable metadata: its streams are skipped, stage 2 aborts (§6.2, §7.2)
            int n = 1 + r.nextInt(2);
            for (int i = 0; i < n; i++) {
                Image p = plainImage(digest());
                Image broken = new Image(p.name(), p.created(), p.managed(), p.mediaType(), p.layers(), false, "", 0,
                        List.of(), p.dockerImageReference());
                addImage(broken);
                unreadable.add(broken.name());
            }
        }
        for (int i = 0; i < nIndexes; i++) {
            addImage(indexImage(digest()));
        }

        int nNamespaces = 1 + r.nextInt(4);
        List<String> nsPool = new ArrayList<>(List.of(NAMESPACES));
        Collections.shuffle(nsPool, r);
        namespaces.addAll(nsPool.subList(0, nNamespaces));
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hot.add(pick(images).name());
        }
        for (String ns : namespaces) {
            List<String> names = new ArrayList<>(List.of(STREAM_NAMES));
            Collections.shuffle(names, r);
            int nStreams = 1 + r.nextInt(5);
            for (int s = 0; s < nStreams; s++) {
                streams.add(stream(ns, names.get(s), hot));
            }
        }

        for (String ns : namespaces) {
            int nRanges = r.nextInt(3);
            for (int i = 0; i < nRanges; i++) {
                limitRanges.add(limitRange(ns, "limits-" + i));
            }
        }
        if (r.nextInt(4) == 0) {
            limitRanges.add(limitRange("elsewhere", "limits"));
        }

        invalidRefs = r.nextInt(8) == 0;
        int nReferrers = r.nextInt(31);
        for (int i = 0; i < nReferrers; i++) {
            addReferrer(referrer("r" + i));
        }

        buildScript();
    }

    private void addImage(Image image) {
        images.add(image);
        imageByName.put(image.name(), image);
    }

    private Image plainImage(String name) {
        int kind = r.nextInt(20);
        String mediaType;
        if (kind < 11) {
            mediaType = Image.MANIFEST_SCHEMA2;
        } else if (kind < 15) {
            mediaType = Image.MANIFEST_OCI;
        } else if (kind < 19) {
            mediaType = ""; // schema 1 (oc's test helper default) or unknown: no config
        } else {
            mediaType = "application/vnd.docker.distribution.manifest.v1+prettyjws";
        }
        List<Layer> layers = layers(r, layerPool);
        String config;
        int c = r.nextInt(10);
        if (c == 0 && !layers.isEmpty()) {
            config = pick(layers).name(); // config digest equal to one of its layers
        } else if (c < 3) {
            config = pick(configPool);
        } else if (c < 9) {
            config = digest();
        } else {
            config = "";
        }
        long size = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(400_000_000);
        return new Image(name, time(), r.nextInt(5) != 0, mediaType, layers, true, config, size, List.of(),
                HOST + "/x/y@" + name);
    }

    private Image indexImage(String name) {
        List<String> children = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(10);
            if (c == 0) {
                children.add(digest()); // a child that does not exist
            } else if (c == 1) {
                children.add(pick(danglingPool));
            } else {
                children.add(pick(images).name()); // may itself be an index generated earlier: nested
            }
        }
        List<Layer> layers = new ArrayList<>();
        if (r.nextInt(8) == 0) {
            layers.add(pick(layerPool)); // odd but legal: an index's blob set is its layers
        }
        boolean metadata = r.nextBoolean();
        return new Image(name, time(), r.nextInt(5) != 0, r.nextBoolean() ? Image.MANIFEST_LIST : Image.OCI_INDEX,
                layers, metadata, metadata && r.nextBoolean() ? digest() : "", metadata ? r.nextInt(1000) : 0,
                children, HOST + "/x/y@" + name);
    }

    private ImageStream stream(String ns, String name, List<String> hot) {
        List<String> tagNames = new ArrayList<>(List.of(TAG_NAMES));
        Collections.shuffle(tagNames, r);
        int nTags = r.nextInt(25) == 0 ? 0 : 1 + r.nextInt(4);
        List<Tag> tags = new ArrayList<>();
        for (int t = 0; t < nTags; t++) {
            int nItems = r.nextInt(30) == 0 ? 0 : 1 + r.nextInt(8); // rarely a tag with an empty history
            List<TagEvent> items = new ArrayList<>();
            for (int i = 0; i < nItems; i++) {
                items.add(new TagEvent(revisionImage(hot), time()));
            }
            if (r.nextInt(3) != 0) {
                items.sort((a, b) -> b.created().compareTo(a.created())); // usually newest first
            }
            tags.add(new Tag(tagNames.get(t), items));
        }
        Instant created = r.nextInt(6) == 0 ? NOW.minusSeconds(r.nextInt(1800)) : time();
        return new ImageStream(ns, name, created, HOST + "/" + ns + "/" + name, tags);
    }

    private String revisionImage(List<String> hot) {
        int c = r.nextInt(20);
        if (c < 3) {
            return r.nextBoolean() ? pick(danglingPool) : digest();
        }
        if (c < 9) {
            return pick(hot);
        }
        return pick(images).name();
    }

    private LimitRange limitRange(String ns, String name) {
        List<Long> max = new ArrayList<>();
        int n = r.nextInt(3);
        for (int i = 0; i < n; i++) {
            // sometimes exactly an image's size: "exceeds" is strict
            max.add(r.nextInt(4) == 0 ? pick(images).size() : (long) (50_000_000 + r.nextInt(300_000_000)));
        }
        return new LimitRange(ns, name, max);
    }

    // -------------------------------------------------------------- referrers

    /** One generated image string and what it means. */
    private record Spec(String string, String pin, String tagRef, String imageRef, boolean invalid) {
        Spec(String string, String pin, String tagRef, String imageRef) {
            this(string, pin, tagRef, imageRef, false);
        }
    }

    /** Invalid pull specs without a digest (so they pin nothing in anyone's reading). */
    private static final String[] INVALID_IMAGES = {"alpha/App:v1", "alpha/app:v1:v2", "-bad-/image", "app:",
            HOST + "/UPPER/app:latest"};

    private void addReferrer(Facts f) {
        referrers.add(f.referrer());
        facts.add(f);
    }

    private Facts referrer(String name) {
        int k = r.nextInt(10);
        ReferrerKind kind = k < 4 ? ReferrerKind.POD
                : k < 6 ? (r.nextBoolean() ? ReferrerKind.BUILD : ReferrerKind.BUILD_CONFIG)
                : WORKLOADS[r.nextInt(WORKLOADS.length)];
        String ns = r.nextInt(8) == 0 ? "elsewhere" : pick(namespaces);
        Instant created = time();
        Set<String> pins = new LinkedHashSet<>();
        Set<String> tagRefs = new LinkedHashSet<>();
        Set<String> imageRefs = new LinkedHashSet<>();
        if (kind.isBuild()) {
            if (invalidRefs && r.nextInt(5) == 0) {
                String[][] bad = {{"ImageStreamTag", "app"}, {"ImageStreamTag", "app:v1:v2"},
                        {"ImageStreamImage", "app@"}, {"ImageStreamImage", "app"}, {"DockerImage", "alpha/App:v1"}};
                String[] b = bad[r.nextInt(bad.length)];
                return new Facts(new Referrer(kind, ns, name, created, "", List.of(), new BuildSource(b[0], "", b[1])),
                        pins, tagRefs, imageRefs, true);
            }
            BuildSource source = buildSource(ns, pins, tagRefs, imageRefs);
            return new Facts(new Referrer(kind, ns, name, created, "", List.of(), source), pins, tagRefs, imageRefs,
                    false);
        }
        boolean invalid = false;
        List<Container> containers = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            Spec spec = invalidRefs && r.nextInt(6) == 0
                    ? new Spec(pick(INVALID_IMAGES), null, null, null, true) : imageString(ns);
            record(spec, pins, tagRefs, imageRefs);
            invalid |= spec.invalid();
            containers.add(new Container("c" + i, r.nextInt(4) == 0, spec.string()));
        }
        containers.sort((a, b) -> Boolean.compare(b.init(), a.init())); // init containers first
        String phase = kind == ReferrerKind.POD ? pick(PHASES) : "";
        return new Facts(new Referrer(kind, ns, name, created, phase, containers, null), pins, tagRefs, imageRefs,
                invalid);
    }

    private static void record(Spec spec, Set<String> pins, Set<String> tagRefs, Set<String> imageRefs) {
        if (spec.pin() != null) {
            pins.add(spec.pin());
        }
        if (spec.tagRef() != null) {
            tagRefs.add(spec.tagRef());
        }
        if (spec.imageRef() != null) {
            imageRefs.add(spec.imageRef());
        }
    }

    private BuildSource buildSource(String ownNs, Set<String> pins, Set<String> tagRefs, Set<String> imageRefs) {
        int c = r.nextInt(10);
        ImageStream target = targetStream();
        String ns = target == null ? ownNs : target.namespace();
        String stream = target == null ? pick(STREAM_NAMES) : target.name();
        // the source namespace: explicit, or empty (= the build's own namespace)
        String fromNs = ns.equals(ownNs) && r.nextBoolean() ? "" : ns;
        if (c < 3) {
            Spec spec = imageString(ownNs);
            while (spec.string().isBlank()) {
                spec = imageString(ownNs);
            }
            record(spec, pins, tagRefs, imageRefs);
            return new BuildSource("DockerImage", r.nextBoolean() ? "" : ownNs, spec.string());
        }
        if (c < 6) {
            String d = digestFor(target);
            pins.add(d);
            imageRefs.add(ns + "/" + stream + "@" + d);
            return new BuildSource("ImageStreamImage", fromNs, stream + "@" + d);
        }
        if (c < 9) {
            String tag = tagFor(target);
            tagRefs.add(ns + "/" + stream + ":" + tag);
            return new BuildSource("ImageStreamTag", fromNs, stream + ":" + tag);
        }
        return r.nextBoolean() ? null : new BuildSource("Git", "", "https://example.com/repo.git");
    }

    private ImageStream targetStream() {
        return streams.isEmpty() || r.nextInt(6) == 0 ? null : pick(streams);
    }

    private String digestFor(ImageStream target) {
        int c = r.nextInt(10);
        if (target != null && c < 6) {
            Tag tag = target.tags().isEmpty() ? null : pick(target.tags());
            if (tag != null && !tag.items().isEmpty()) {
                return pick(tag.items()).image();
            }
        }
        if (c < 9) {
            return pick(images).name();
        }
        return digest();
    }

    private String tagFor(ImageStream target) {
        if (target != null && !target.tags().isEmpty() && r.nextInt(4) != 0) {
            return pick(target.tags()).name();
        }
        return pick(TAG_NAMES);
    }

    private Spec imageString(String ownNs) {
        ImageStream target = targetStream();
        String ns = target == null ? (r.nextBoolean() ? ownNs : pick(NAMESPACES)) : target.namespace();
        String stream = target == null ? pick(STREAM_NAMES) : target.name();
        String d = digestFor(target);
        String tag = tagFor(target);
        String repo = ns + "/" + stream;
        return switch (r.nextInt(13)) {
            case 0, 1, 2 -> new Spec(HOST + "/" + repo + "@" + d, d, null, repo + "@" + d);
            case 3, 4 -> new Spec(HOST + "/" + repo + ":" + tag, null, repo + ":" + tag, null);
            case 5 -> new Spec(repo + "@" + d, d, null, null); // no host: ignored by oc, a pin for rule 1
            case 6 -> new Spec("docker.io/library/nginx:1", null, "library/nginx:1", null);
            case 7 -> new Spec(HOST + "/" + repo, null, repo + ":latest", null);
            case 8 -> new Spec(HOST + "/" + repo + ":" + tag + "@" + d, d, null, repo + "@" + d);
            case 9 -> new Spec("quay.io/" + repo + "@" + d, d, null, repo + "@" + d); // host is ignored
            case 10 -> new Spec(HOST + "/" + repo + "/sub@" + d, d, null, null); // deeper path: pin only
            case 11 -> new Spec(r.nextBoolean() ? "" : "  ", null, null, null); // skipped
            default -> new Spec(repo + ":" + tag, null, null, null); // no host, no digest: nothing
        };
    }

    // ------------------------------------------------------------ graph script

    private void buildScript() {
        List<Consumer<ReferenceGraph>> real = new ArrayList<>();
        images.forEach(i -> real.add(g -> g.putImage(i)));
        streams.forEach(s -> real.add(g -> g.putStream(s)));
        referrers.forEach(x -> real.add(g -> g.putReferrer(x)));
        limitRanges.forEach(l -> real.add(g -> g.putLimitRange(l)));
        Collections.shuffle(real, r);

        boolean churn = r.nextInt(3) != 0;
        if (churn) {
            // decoys: earlier versions of real objects, replaced by the real ones later
            for (Image i : images) {
                if (r.nextInt(6) == 0) {
                    Image p = plainImage(i.name());
                    Image decoy = r.nextInt(3) != 0 ? p : new Image(p.name(), p.created(), p.managed(),
                            Image.MANIFEST_SCHEMA2, p.layers(), false, "", 0, List.of(), "");
                    script.add(g -> g.putImage(decoy));
                }
            }
            for (ImageStream s : streams) {
                if (r.nextInt(4) == 0) {
                    ImageStream decoy = stream(s.namespace(), s.name(), List.of(pick(images).name()));
                    script.add(g -> g.putStream(decoy));
                }
            }
            for (Referrer x : referrers) {
                if (r.nextInt(4) == 0) {
                    Referrer decoy = new Referrer(x.kind(), x.namespace(), x.name(), time(),
                            x.kind() == ReferrerKind.POD ? pick(PHASES) : "",
                            List.of(new Container("d", false, HOST + "/" + pick(namespaces) + "/"
                                    + pick(STREAM_NAMES) + "@" + pick(images).name())),
                            x.kind().isBuild() ? new BuildSource("ImageStreamTag", "", "app:latest") : null);
                    script.add(g -> g.putReferrer(decoy));
                }
            }
            for (LimitRange l : limitRanges) {
                if (r.nextInt(3) == 0) {
                    LimitRange decoy = new LimitRange(l.namespace(), l.name(), List.of(1L));
                    script.add(g -> g.putLimitRange(decoy));
                }
            }
            Collections.shuffle(script, r);
        }
        script.addAll(real);
        if (churn) {
            // junk that comes and goes: images named like dangling revisions, streams, referrers, limit ranges
            List<Consumer<ReferenceGraph>> junk = new ArrayList<>();
            for (String d : danglingPool) {
                if (r.nextBoolean()) {
                    Image ghost = plainImage(d);
                    junk.add(g -> g.putImage(ghost));
                    junk.add(g -> g.removeImage(d));
                }
            }
            String ns = pick(namespaces);
            ImageStream junkStream = stream(ns, "junk", List.of(pick(images).name()));
            junk.add(g -> g.putStream(junkStream));
            junk.add(g -> g.removeStream(ns, "junk"));
            Referrer junkPod = new Referrer(ReferrerKind.POD, ns, "junk", NOW, "Running",
                    List.of(new Container("j", false, HOST + "/" + ns + "/" + pick(STREAM_NAMES) + "@"
                            + pick(images).name())), null);
            junk.add(g -> g.putReferrer(junkPod));
            junk.add(g -> g.removeReferrer(ReferrerKind.POD, ns, "junk"));
            LimitRange junkRange = new LimitRange(ns, "junk", List.of(1L));
            junk.add(g -> g.putLimitRange(junkRange));
            junk.add(g -> g.removeLimitRange(ns, "junk"));
            script.addAll(junk);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Instant time() {
        int c = r.nextInt(10);
        if (c < 5) {
            return pick(timePool);
        }
        return NOW.plusSeconds(r.nextInt(6 * 3600) - 5 * 3600);
    }

    private String digest() {
        StringBuilder b = new StringBuilder("sha256:");
        for (int i = 0; i < 64; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    /** 0 to 5 layers drawn from {@code pool}, now and then one of them twice in one image. */
    public static List<Layer> layers(Random r, List<Layer> pool) {
        List<Layer> layers = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            layers.add(pool.get(r.nextInt(pool.size())));
        }
        if (!layers.isEmpty() && r.nextInt(6) == 0) {
            layers.add(r.nextInt(layers.size() + 1), layers.get(r.nextInt(layers.size()))); // a layer twice
        }
        return layers;
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private <T> T pick(T[] array) {
        return array[r.nextInt(array.length)];
    }

    /** A compact description, for failure messages. */
    public String summary() {
        int revisions = streams.stream().mapToInt(s -> s.tags().stream().mapToInt(t -> t.items().size()).sum()).sum();
        return "seed " + seed + ": " + images.size() + " images" + (unreadable.isEmpty() ? "" : " ("
                + unreadable.size() + " unreadable)") + ", " + streams.size() + " streams, " + revisions
                + " revisions, " + referrers.size() + " referrers, " + limitRanges.size() + " limit ranges";
    }
}
