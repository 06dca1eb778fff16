package io.imageprune.bench;

import io.imageprune.bench.ClusterModel.Image;
import io.imageprune.bench.ClusterModel.Item;
import io.imageprune.bench.ClusterModel.Stream;
import io.imageprune.bench.ClusterModel.StreamKind;
import io.imageprune.bench.ClusterModel.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a synthetic cluster that meets a {@link ClusterProfile} exactly. The structure is drawn at random (skewed
 * namespace sizes, layers shared through base and runtime pools and between the builds of one stream, tag histories,
 * promotions between tags, mirrors and manifest lists, orphans, boundary timestamps); the totals are then met by
 * construction (budgets split over streams and owners) and by small corrections of layer lists (a layer added to or
 * taken from an image, a layer swapped for a shared or a new one), so the counts do not depend on chance.
 * Deterministic: same profile and seed, same cluster.
 */
final class ClusterGenerator {
    static final String MT_SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
    static final String MT_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    static final String MT_OCI = "application/vnd.oci.image.manifest.v1+json";
    static final String MT_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private static final String[] TEAMS = {"payments", "orders", "frontend", "search", "ml", "data", "ci", "auth",
            "billing", "mobile", "web", "api", "batch", "etl", "analytics", "infra", "shop", "catalog", "media",
            "notify", "risk", "ledger", "gateway", "ops"};
    static final String[] APPS = {"cart", "checkout", "worker", "ui", "backend", "gateway", "indexer", "scheduler",
            "cache", "proxy", "reporter", "ingest", "exporter", "sync", "billing", "users", "auth", "events", "mailer",
            "search", "pricing", "stock", "tracker", "admin"};
    private static final String[] MIRRORS = {"quay.io/prometheus/node-exporter", "quay.io/jetstack/cert-manager",
            "docker.io/bitnami/kafka", "docker.io/bitnami/redis", "registry.redhat.io/rhel8/postgresql-13",
            "registry.redhat.io/ubi8/ubi", "quay.io/keycloak/keycloak", "ghcr.io/fluxcd/source-controller",
            "quay.io/argoproj/argocd", "docker.io/grafana/grafana", "registry.redhat.io/rhel9/nginx-120",
            "quay.io/strimzi/operator"};
    private static final String[] BUILDERS = {"python", "nodejs", "ruby", "golang", "java", "php", "perl", "dotnet",
            "httpd", "nginx", "jenkins", "cli", "s2i-base", "tools"};
    private static final String[] APP_TAGS = {"v1", "v2", "prod", "staging", "dev", "stable", "1.0", "2.0", "canary"};
    private static final String[] MIRROR_TAGS = {"latest", "1.20", "1.21", "1.22", "2.0", "stable", "v3"};
    private static final String[] BUILDER_TAGS = {"latest", "3.9-ubi8", "3.8-ubi8", "16-ubi8", "14-ubi8",
            "1.18-ubi8", "11", "17", "8.0"};
    private static final String[] ARCHES = {"arm64", "ppc64le", "s390x"};
    private static final int[] HISTORY_WEIGHTS = {25, 15, 12, 10, 8, 7, 6, 6, 5, 6};
    private static final int[] TAG_COUNT_WEIGHTS = {50, 25, 15, 5, 3, 2};
    private static final long DAY = 86_400;
    private static final int MAX_LAYERS = 15;
    private static final int MIN_LAYERS = 3;

    private final ClusterProfile profile;
    private final SplittableRandom random;
    private final Digests digests;
    private final ClusterModel model;
    private final Names names = new Names();
    private final double boost;
    private final List<Stream> appStreams = new ArrayList<>();
    private final List<Image> plainImages = new ArrayList<>();
    private List<String> namespaces;
    private double[] namespaceWeights;
    private int[][] bases;
    private int[][] runtimes;
    private int[][][] archBases;
    private int missingItems;
    private int emptyTags;

    private ClusterGenerator(ClusterProfile profile, long seed, long now) {
        this.profile = profile;
        this.random = new SplittableRandom(seed);
        this.digests = new Digests(seed);
        this.model = new ClusterModel(now, 3600, new LayerTable());
        this.boost = Math.max(1.0, Math.min(10.0, 2000.0 / profile.kinds().image()));
    }

    /** @throws IllegalStateException when the profile cannot be met (a count too small for the fixed parts) */
    static ClusterModel generate(ClusterProfile profile, long seed, long now) {
        ClusterGenerator generator = new ClusterGenerator(profile, seed, now);
        generator.build();
        return generator.model;
    }

    Digests digests() {
        return digests;
    }

    private void build() {
        namespaces = new ArrayList<>();
        namespaceWeights = new double[profile.namespaces()];
        double total = 0;
        for (int i = 0; i < profile.namespaces(); i++) {
            namespaces.add(TEAMS[i % TEAMS.length] + "-" + i);
            total += 1.0 / Math.pow(1 + i, 0.8);
            namespaceWeights[i] = total;
        }
        makePools();
        fixtures();
        builders();
        multiArch(childrenAtLeast());
        int orphans = profile.edgeCases().orphanImages();
        int fresh = profile.kinds().image() - model.images.size() - orphans;
        int streamsLeft = profile.kinds().imageStream() - model.streams.size();
        require(streamsLeft >= 1 && fresh >= streamsLeft, "images and streams left for applications and mirrors: "
                + fresh + " images, " + streamsLeft + " streams");
        appsAndMirrors(fresh, streamsLeft);
        extraItems();
        itemAges();
        for (int i = 0; i < orphans; i++) {
            String repo = ClusterModel.REGISTRY + "/" + pick(namespaces) + "/" + pick(APPS);
            Image orphan = image(repo, random.nextDouble() < 0.9 ? "true" : null, null, "amd64", false);
            orphan.layers = newLayers(pick(runtimes), new int[0], 1 + random.nextInt(4));
            orphan.age = typicalAge(2 * 3600);
        }
        new LayerFit(model, profile, random, plainImages, this::uniqueLayer, bases, runtimes).fit();
        boundaryImages();
        new Workloads(model, profile, random, names, boost, namespaces).build();
    }

    // ------------------------------------------------------------------------------------------------ pools, layers

    private void makePools() {
        int images = profile.kinds().image();
        int nb = Math.max(6, Math.min(60, 6 + images / 2500));
        bases = new int[nb][];
        for (int i = 0; i < nb; i++) {
            bases[i] = layers(2 + random.nextInt(4), 20L << 20, 90L << 20);
        }
        runtimes = new int[Math.max(12, images / 250)][];
        for (int i = 0; i < runtimes.length; i++) {
            runtimes[i] = concat(bases[random.nextInt(nb)], layers(1 + random.nextInt(4), 5L << 20, 60L << 20));
        }
        archBases = new int[ARCHES.length][Math.max(2, nb / 3)][];
        for (int[][] arch : archBases) {
            for (int i = 0; i < arch.length; i++) {
                arch[i] = layers(1 + random.nextInt(3), 15L << 20, 70L << 20);
            }
        }
    }

    private int[] layers(int n, long min, long max) {
        int[] layers = new int[n];
        for (int i = 0; i < n; i++) {
            layers[i] = model.layers.add(random.nextLong(min, max + 1));
        }
        return layers;
    }

    private int uniqueLayer() {
        return model.layers.add(random.nextLong(1L << 10, (20L << 20) + 1));
    }

    /** stack + dependencies + {@code unique} fresh layers, at least 3 and at most 15, sometimes the empty layer */
    private int[] newLayers(int[] stack, int[] deps, int unique) {
        int[] own = new int[unique];
        for (int i = 0; i < unique; i++) {
            own[i] = uniqueLayer();
        }
        int[] layers = concat(concat(stack, deps), own);
        while (layers.length < MIN_LAYERS) {
            layers = concat(layers, new int[] {model.layers.add(random.nextLong(1L << 10, (5L << 20) + 1))});
        }
        if (layers.length > MAX_LAYERS) {
            layers = Arrays.copyOf(layers, MAX_LAYERS);
        }
        if (random.nextDouble() < 0.04 * boost) {
            int times = random.nextDouble() < 0.5 ? 2 : 1;
            for (int i = 0; i < times && layers.length < MAX_LAYERS; i++) {
                layers = insert(layers, random.nextInt(layers.length + 1), LayerTable.EMPTY);
            }
        }
        return layers;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static int[] insert(int[] a, int at, int value) {
        int[] c = new int[a.length + 1];
        System.arraycopy(a, 0, c, 0, at);
        c[at] = value;
        System.arraycopy(a, at, c, at + 1, a.length - at);
        return c;
    }

    // ------------------------------------------------------------------------------------------------------ images

    private Image image(String repository, String managed, String mediaType, String arch, boolean fixture) {
        String type = mediaType;
        if (type == null) {
            double r = random.nextDouble();
            type = r < 0.85 ? MT_SCHEMA2 : r < 0.94 ? MT_OCI : MT_SCHEMA1;
        }
        Image image = new Image(model.images.size(), digests.next("manifest"), repository, type, arch, managed,
                fixture);
        image.age = -1;
        model.images.add(image);
        plainImages.add(image);
        return image;
    }

    private Image index(String repository, int childCount) {
        List<String> arches = new ArrayList<>(List.of(ARCHES));
        Collections.shuffle(arches, new java.util.Random(random.nextLong()));
        int others = childCount - 1;
        List<Image> children = new ArrayList<>();
        for (int i = 0; i <= others; i++) {
            String arch = i == 0 ? "amd64" : arches.get(i - 1);
            int[] stack = i == 0 ? pick(bases) : pick(archBases[Arrays.asList(ARCHES).indexOf(arch)]);
            Image child = image(repository, null, random.nextBoolean() ? MT_SCHEMA2 : MT_OCI, arch, false);
            child.layers = newLayers(stack, new int[0], 1 + random.nextInt(3));
            children.add(child);
        }
        Image list = new Image(model.images.size(), digests.next("index"), repository,
                random.nextBoolean() ? MT_LIST : MT_OCI_INDEX, null, null, false);
        list.age = -1;
        list.children = children.stream().mapToInt(c -> c.number).toArray();
        model.images.add(list);
        return list;
    }

    // ----------------------------------------------------------------------------------------------------- streams

    private Stream stream(String namespace, String base, StreamKind kind, String itemRepository, long age) {
        String name = names.unique(namespace + "/imagestream", base);
        String repository = itemRepository != null ? itemRepository
                : ClusterModel.REGISTRY + "/" + namespace + "/" + name;
        Stream stream = new Stream(namespace, name, kind, repository, age);
        model.streams.add(stream);
        return stream;
    }

    private static Item home(Image image, String repository) {
        Item item = new Item(image, null, repository);
        item.home = true;
        return item;
    }

    /** The edge-cases namespace: histories across the keep-younger-than boundary, a library namespace, orphans. */
    private void fixtures() {
        String ns = ClusterModel.EDGE_NAMESPACE;
        long k = model.keepYoungerThan;
        int[] stack = pick(runtimes);
        Stream boundary = stream(ns, "boundary", StreamKind.FIXTURE, null, 30 * DAY);
        Tag latest = new Tag("latest");
        long[] ages = {600, k - 1, k, k + 1, 2 * k, 3 * k, 4 * k, 5 * k, 6 * k};
        for (int i = 0; i < ages.length; i++) {
            Item item;
            if (i == 6) {
                item = new Item(null, digests.next("deleted-image"), boundary.itemRepository);
                missingItems++;
            } else {
                item = fixtureItem(boundary, stack, 2, ages[i]);
            }
            item.age = ages[i];
            latest.items.add(item);
        }
        Item again = new Item(latest.items.get(2).image, null, boundary.itemRepository);
        again.age = latest.items.get(2).age;
        latest.items.add(again);
        for (long age : new long[] {k - 1, k, k + 1}) {
            Item deep = fixtureItem(boundary, stack, 1, age);
            deep.age = 8 * k;
            latest.items.add(deep);
        }
        Tag prod = new Tag("prod");
        for (int i : new int[] {4, 5}) {
            Item promoted = new Item(latest.items.get(i).image, null, boundary.itemRepository);
            promoted.age = latest.items.get(i).age;
            prod.items.add(promoted);
        }
        boundary.tags.addAll(List.of(latest, prod, new Tag("broken-import")));
        emptyTags++;
        for (long streamAge : new long[] {k - 1, k, k + 1, 1200}) {
            Stream young = stream(ns, "young-stream", StreamKind.FIXTURE, null, streamAge);
            Tag tag = new Tag("latest");
            for (long age : new long[] {5 * k, 10 * k, 20 * k, 40 * k, 80 * k}) {
                Item item = fixtureItem(young, stack, 1, age);
                item.age = age;
                tag.items.add(item);
            }
            young.tags.add(tag);
        }
        // docker.io/library/nginx:1.21 names library/nginx:1.21 of a namespace called library
        Stream library = stream("library", "nginx", StreamKind.FIXTURE, null, 85 * DAY);
        Tag nginx = new Tag("1.21");
        long[] libraryAges = sortedAges(4, 80 * DAY);
        for (long age : libraryAges) {
            Image image = image(library.itemRepository, "true", null, "amd64", false);
            image.layers = newLayers(pick(bases), new int[0], 2);
            image.age = offBoundary(age);
            Item item = home(image, library.itemRepository);
            item.age = age;
            nginx.items.add(item);
        }
        library.tags.add(nginx);
        // orphans kept for their own reasons: unmanaged, young, exactly at the boundary, managed=false
        fixtureImage("quay.io/ext/thing", null, stack, 1, 50 * k);
        fixtureImage(ClusterModel.REGISTRY + "/" + ns + "/gone", "true", stack, 1, k - 1);
        fixtureImage(ClusterModel.REGISTRY + "/" + ns + "/gone", "true", stack, 1, k);
        fixtureImage(ClusterModel.REGISTRY + "/" + ns + "/gone", "false", stack, 1, 20 * k);
    }

    private Item fixtureItem(Stream stream, int[] stack, int unique, long age) {
        Image image = fixtureImage(stream.itemRepository, "true", stack, unique, age);
        return home(image, stream.itemRepository);
    }

    private Image fixtureImage(String repository, String managed, int[] stack, int unique, long age) {
        Image image = image(repository, managed, null, "amd64", true);
        image.layers = newLayers(stack, new int[0], unique);
        image.age = age;
        return image;
    }

    private void builders() {
        int images = profile.kinds().image();
        int count = Math.max(2, Math.min(BUILDERS.length, images / 400));
        for (int b = 0; b < count; b++) {
            String external = "registry.redhat.io/ubi8/" + BUILDERS[b];
            Stream stream = stream("openshift", BUILDERS[b], StreamKind.BUILDER, external,
                    random.nextLong(60 * DAY, 90 * DAY + 1));
            int[] stack = pick(bases);
            // a small cluster has short builder histories: its images are for its own streams
            for (String tagName : sample(BUILDER_TAGS, 1 + random.nextInt(Math.min(4, Math.max(1, images / 50))))) {
                Tag tag = new Tag(tagName);
                int depth = 1 + random.nextInt(Math.min(5, Math.max(1, images / 40)));
                for (int i = 0; i < depth; i++) {
                    Image image = image(external, null, null, "amd64", false);
                    image.layers = newLayers(stack, new int[0], 1 + random.nextInt(3));
                    tag.items.add(home(image, external));
                }
                stream.tags.add(tag);
            }
        }
    }

    /**
     * Images no tag item names are orphans or manifest-list children; when the tag items left cannot hold every image
     * left, the lists have more children.
     */
    private int childrenAtLeast() {
        int items = 0;
        for (Stream stream : model.streams) {
            for (Tag tag : stream.tags) {
                items += tag.items.size();
            }
        }
        ClusterProfile.EdgeCases edge = profile.edgeCases();
        int lists = edge.manifestLists();
        int room = profile.layers().tagItems() - items - lists - (edge.missingImageItems() - missingItems)
                - edge.crossStreamItems();
        int left = profile.kinds().image() - model.images.size() - lists - edge.orphanImages();
        return left - room;
    }

    private void multiArch(int childrenAtLeast) {
        int lists = profile.edgeCases().manifestLists();
        int[] children = new int[lists];
        int total = 0;
        for (int i = 0; i < lists; i++) {
            children[i] = 2 + random.nextInt(3);
            total += children[i];
        }
        require(childrenAtLeast <= 4 * lists, "tag items: " + childrenAtLeast + " images must be list children, "
                + lists + " lists hold at most " + 4 * lists);
        while (total < childrenAtLeast) {
            int i = random.nextInt(lists);
            if (children[i] < 4) {
                children[i]++;
                total++;
            }
        }
        // few streams left (the smallest sizes): the lists go into one stream
        boolean few = profile.kinds().imageStream() - model.streams.size() < 4;
        int made = 0;
        Stream stream = null;
        while (made < lists) {
            String external = pick(MIRRORS);
            if (stream == null || !few) {
                stream = mirrorStream(external, StreamKind.MULTI_ARCH);
            }
            int tags = few ? 2 : Math.min(pickWeighted(TAG_COUNT_WEIGHTS), 2);
            for (String tagName : sample(MIRROR_TAGS, tags)) {
                if (made == lists) {
                    break;
                }
                Tag tag = stream.tag(tagName);
                if (tag == null) {
                    tag = new Tag(tagName);
                    stream.tags.add(tag);
                }
                int depth = few ? lists : Math.min(pickWeighted(HISTORY_WEIGHTS), 2);
                for (int i = 0; i < depth && made < lists; i++) {
                    tag.items.add(home(index(stream.itemRepository, children[made]), stream.itemRepository));
                    made++;
                }
            }
        }
    }

    private Stream mirrorStream(String external, StreamKind kind) {
        String ns = pickNamespace();
        Stream stream = stream(ns, external.substring(external.lastIndexOf('/') + 1), kind, external,
                typicalAge(DAY));
        stream.importedFrom = external;
        stream.localLookup = random.nextDouble() < 0.2;
        return stream;
    }

    /** Application and mirror streams sharing {@code fresh} new images, each at least one, as their histories ask. */
    private void appsAndMirrors(int fresh, int count) {
        boolean[] app = new boolean[count];
        int[][] plan = new int[count][];
        double[] wanted = new double[count];
        double total = 0;
        for (int s = 0; s < count; s++) {
            app[s] = random.nextDouble() < 0.82;
            int tags = pickWeighted(TAG_COUNT_WEIGHTS);
            plan[s] = new int[tags];
            for (int t = 0; t < tags; t++) {
                int depth = pickWeighted(HISTORY_WEIGHTS);
                // an application's other tags mostly promote its builds; a mirror imports every item
                plan[s][t] = app[s] ? (t == 0 ? depth : binomial(Math.min(depth, 6), 0.3)) : Math.min(depth, 4);
                wanted[s] += plan[s][t];
            }
            wanted[s] = Math.max(1, wanted[s]);
            total += wanted[s];
        }
        int[] share = new int[count];
        long assigned = 0;
        for (int s = 0; s < count; s++) {
            share[s] = Math.max(1, (int) Math.floor(wanted[s] * fresh / total));
            assigned += share[s];
        }
        while (assigned != fresh) {
            int s = random.nextInt(count);
            if (assigned < fresh) {
                share[s]++;
                assigned++;
            } else if (share[s] > 1) {
                share[s]--;
                assigned--;
            }
        }
        for (int s = 0; s < count; s++) {
            if (app[s]) {
                appStream(plan[s], share[s]);
            } else {
                String external = pick(MIRRORS);
                Stream stream = mirrorStream(external, StreamKind.MIRROR);
                int[] stack = pick(bases);
                int tags = Math.min(plan[s].length, share[s]);
                int[] split = split(share[s], tags, 1);
                String[] tagNames = sample(MIRROR_TAGS, tags);
                for (int t = 0; t < tags; t++) {
                    Tag tag = new Tag(tagNames[t]);
                    for (int i = 0; i < split[t]; i++) {
                        Image image = image(external, null, null, "amd64", false);
                        image.layers = newLayers(stack, new int[0], 1 + random.nextInt(5));
                        tag.items.add(home(image, external));
                    }
                    stream.tags.add(tag);
                }
            }
        }
    }

    /** builds oldest first in latest (deps renewed now and then), the other tags' own builds after */
    private void appStream(int[] plan, int images) {
        String ns = pickNamespace();
        Stream stream = stream(ns, pick(APPS), StreamKind.APP, null, typicalAge(DAY));
        appStreams.add(stream);
        int[] stack = random.nextDouble() < 0.75 ? pick(runtimes) : pick(bases);
        String managed = random.nextDouble() < 0.97 ? "true" : null;
        int others = plan.length - 1;
        int otherWanted = 0;
        for (int t = 1; t < plan.length; t++) {
            otherWanted += plan[t];
        }
        int inLatest = Math.max(1, (int) Math.round((double) images * plan[0] / Math.max(1, plan[0] + otherWanted)));
        int[] otherSplit = others == 0 ? new int[0] : split(images - inLatest, others, 0);
        if (others == 0) {
            inLatest = images;
        }
        int[] deps = layers(random.nextInt(4), 1L << 20, 40L << 20);
        Tag latest = new Tag("latest");
        for (int i = 0; i < inLatest; i++) {
            if (random.nextDouble() < 0.35) {
                deps = layers(random.nextInt(4), 1L << 20, 40L << 20);
            }
            Image image = image(stream.itemRepository, managed, null, "amd64", false);
            image.layers = newLayers(stack, deps, 1 + random.nextInt(4));
            latest.items.add(0, home(image, stream.itemRepository));
        }
        stream.tags.add(latest);
        String[] tagNames = sample(APP_TAGS, others);
        for (int t = 0; t < others; t++) {
            Tag tag = new Tag(tagNames[t]);
            for (int i = 0; i < otherSplit[t]; i++) {
                Image image = image(stream.itemRepository, managed, null, "amd64", false);
                image.layers = newLayers(stack, deps, 1 + random.nextInt(4));
                tag.items.add(home(image, stream.itemRepository));
            }
            stream.tags.add(tag);
        }
    }

    /**
     * Items that add no image: promotions (a tag taking a build of the stream's latest, sometimes back to an older
     * one), items naming another stream's image, items whose image is gone; and empty tags.
     */
    private void extraItems() {
        int items = 0;
        for (Stream stream : model.streams) {
            for (Tag tag : stream.tags) {
                items += tag.items.size();
            }
        }
        ClusterProfile.EdgeCases edge = profile.edgeCases();
        int missing = edge.missingImageItems() - missingItems;
        int cross = edge.crossStreamItems();
        int promotions = profile.layers().tagItems() - items - missing - cross;
        List<Tag> needing = new ArrayList<>();
        List<Stream> owners = new ArrayList<>();
        for (Stream stream : appStreams) {
            for (Tag tag : stream.tags) {
                if (tag.items.isEmpty()) {
                    needing.add(tag);
                    owners.add(stream);
                }
            }
        }
        // a tag nothing can fill is dropped (it would be one more empty tag than the profile has)
        while (needing.size() > promotions && !needing.isEmpty()) {
            int i = random.nextInt(needing.size());
            owners.get(i).tags.remove(needing.get(i));
            needing.remove(i);
            owners.remove(i);
        }
        require(promotions >= 0 && missing >= 0 && (appStreams.size() > 1 || cross == 0),
                "tag items: " + items + " items of new images leave " + promotions + " promotions, " + missing
                        + " missing");
        for (int i = 0; i < needing.size(); i++) {
            needing.get(i).items.add(promote(owners.get(i)));
            promotions--;
        }
        for (int i = 0; i < cross; i++) {
            Stream to = pick(appStreams);
            Stream from = pick(appStreams);
            while (from == to) {
                from = pick(appStreams);
            }
            List<Item> builds = builds(from);
            Image image = builds.get(random.nextInt(Math.min(3, builds.size()))).image;
            addAtRandom(pick(to.tags), new Item(image, null, to.itemRepository));
        }
        for (int i = 0; i < missing; i++) {
            Stream stream = pick(appStreams);
            addAtRandom(pick(stream.tags), new Item(null, digests.next("deleted-image"), stream.itemRepository));
        }
        int empty = edge.emptyTags() - emptyTags;
        List<Stream> withoutEmpty = new ArrayList<>(appStreams);
        Collections.shuffle(withoutEmpty, new java.util.Random(random.nextLong()));
        require(empty <= withoutEmpty.size(), "empty tags: " + empty + " for " + withoutEmpty.size() + " streams");
        for (int i = 0; i < empty; i++) {
            withoutEmpty.get(i).tags.add(new Tag("broken-import"));
        }
        List<Stream> promoting = new ArrayList<>();
        for (Stream stream : appStreams) {
            for (int t = 1; t < stream.tags.size(); t++) {
                if (!stream.tags.get(t).name.equals("broken-import")) {
                    promoting.add(stream);
                }
            }
        }
        for (int i = 0; i < promotions; i++) {
            Stream stream = promoting.isEmpty() ? pick(appStreams) : pick(promoting);
            List<Tag> tags = new ArrayList<>();
            for (Tag tag : stream.tags) {
                if (!tag.name.equals("broken-import") && (tag != stream.tags.get(0) || stream.tags.size() == 1
                        || promoting.isEmpty())) {
                    tags.add(tag);
                }
            }
            addAtRandom(pick(tags), promote(stream));
        }
    }

    private Item promote(Stream stream) {
        List<Item> builds = builds(stream);
        return new Item(builds.get(random.nextInt(builds.size())).image, null, stream.itemRepository);
    }

    /** the latest tag's items that brought their image (not promotions, other streams' images, missing ones) */
    private static List<Item> builds(Stream stream) {
        List<Item> builds = new ArrayList<>();
        for (Item item : stream.tags.get(0).items) {
            if (item.home) {
                builds.add(item);
            }
        }
        return builds;
    }

    private void addAtRandom(Tag tag, Item item) {
        tag.items.add(random.nextInt(tag.items.size() + 1), item);
    }

    /** newest first: ages ascend along each history; an image is built up to 15 minutes before its first item */
    private void itemAges() {
        for (Stream stream : model.streams) {
            if (stream.kind == StreamKind.FIXTURE) {
                continue;
            }
            for (Tag tag : stream.tags) {
                long[] ages = sortedAges(tag.items.size(), stream.age);
                for (int i = 0; i < ages.length; i++) {
                    Item item = tag.items.get(i);
                    item.age = ages[i];
                    if (item.home) {
                        long age = offBoundary(ages[i] + (stream.kind == StreamKind.APP ? random.nextInt(901) : 0));
                        item.image.age = age;
                        if (item.image.isList()) {
                            for (int child : item.image.children) {
                                model.images.get(child).age = age;
                            }
                        }
                    }
                }
            }
        }
    }

    private long[] sortedAges(int n, long streamAge) {
        long[] ages = new long[n];
        for (int i = 0; i < n; i++) {
            ages[i] = random.nextDouble() < 0.04 ? random.nextLong(0, Math.min(streamAge, 7200) + 1)
                    : random.nextLong(0, streamAge + 1);
        }
        Arrays.sort(ages);
        return ages;
    }

    /** Exactly the profile's count of images created at the keep-younger-than boundary (±1 s). */
    private void boundaryImages() {
        int wanted = profile.edgeCases().boundaryTimestamps() - Workloads.boundaryPods(profile);
        List<Image> eligible = new ArrayList<>();
        for (Image image : model.images) {
            if (!image.fixture) {
                eligible.add(image);
            }
        }
        require(wanted <= eligible.size(), "boundary timestamps: " + wanted + " for " + eligible.size() + " images");
        Collections.shuffle(eligible, new java.util.Random(random.nextLong()));
        for (int i = 0; i < wanted; i++) {
            eligible.get(i).age = model.keepYoungerThan + random.nextInt(3) - 1;
        }
    }

    // ----------------------------------------------------------------------------------------------------- helpers

    private long typicalAge(long min) {
        double r = random.nextDouble();
        long age = r < 0.03 ? random.nextLong(0, 7201) : random.nextLong(min, Math.max(min, 90 * DAY) + 1);
        return offBoundary(age);
    }

    /** a random age never falls on the boundary: those are counted, and placed on purpose */
    private long offBoundary(long age) {
        return Math.abs(age - model.keepYoungerThan) <= 1 ? age + 3 : age;
    }

    private String pickNamespace() {
        double r = random.nextDouble() * namespaceWeights[namespaceWeights.length - 1];
        int i = Arrays.binarySearch(namespaceWeights, r);
        return namespaces.get(i >= 0 ? i : -i - 1);
    }

    private int pickWeighted(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i + 1;
            }
        }
        throw new AssertionError();
    }

    private int binomial(int n, double p) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < p) {
                k++;
            }
        }
        return k;
    }

    /** {@code total} over {@code parts} parts of at least {@code min}, the rest spread at random */
    private int[] split(int total, int parts, int min) {
        int[] split = new int[parts];
        Arrays.fill(split, min);
        for (int i = 0; i < total - min * parts; i++) {
            split[random.nextInt(parts)]++;
        }
        return split;
    }

    private String[] sample(String[] from, int n) {
        List<String> all = new ArrayList<>(List.of(from));
        String[] picked = new String[Math.min(n, all.size())];
        for (int i = 0; i < picked.length; i++) {
            picked[i] = all.remove(random.nextInt(all.size()));
        }
        return picked;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private <T> T pick(T[] from) {
        return from[random.nextInt(from.length)];
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("the profile cannot be met: " + what);
        }
    }
}
