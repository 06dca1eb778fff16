package io.imageprune.bench;

import io.imageprune.bench.ClusterModel.Item;
import io.imageprune.bench.ClusterModel.Kind;
import io.imageprune.bench.ClusterModel.Referrer;
import io.imageprune.bench.ClusterModel.Stream;
import io.imageprune.bench.ClusterModel.StreamKind;
import io.imageprune.bench.ClusterModel.Tag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static io.imageprune.bench.Json.q;

/**
 * The referrers of a generated cluster, exactly the profile's count of each kind: one workload per stream (more
 * only when a small size has more workloads than streams: Deployment with ReplicaSets, DeploymentConfig with ReplicationControllers and deployer pods, StatefulSet,
 * DaemonSet, CronJob with Jobs), BuildConfigs with Builds from the builder images, pods of every phase (some pinned to
 * a digest outside their stream's history, some of external images only), references by tag and by digest through the
 * registry's aliases, a few invalid references, and LimitRanges.
 */
final class Workloads {
    static final String[] EXTERNAL_REFS = {"docker.io/library/nginx:1.21", "docker.io/library/redis:6",
            "docker.io/library/busybox", "quay.io/prometheus/node-exporter:v1.3.1", "registry.redhat.io/ubi8/ubi:8.6",
            "registry.access.redhat.com/ubi9/ubi-minimal:latest", "nginx", "busybox:latest", "quay.io/org/team/app:1.0",
            "gcr.io/distroless/static:nonroot", "localhost:5000/tools/debug:1", "docker.io/bitnami/kafka:3.1",
            "quay.io/openshift/origin-cli:4.12", "alpine:3.16"};
    /** references oc refuses to parse; a referrer holding one is counted as an invalid reference */
    static final String[] INVALID_REFS = {"registry.example:5000/Team/BadName:latest",
            "registry.example:5000/ns/app@sha256:deadbeef", "registry.example:5000/ns/app:tag with space",
            "registry.example:5000/ns/app@invalid-digest", "::not-a-reference::"};
    private static final String DEPLOYER = "quay.io/openshift/origin-deployer:4.12";
    private static final long DAY = 86_400;
    /** the completed pods with invalid references and the boundary pods of the edge-cases namespace */
    private static final int FIXED_PODS = 4;

    private final ClusterModel model;
    private final ClusterProfile profile;
    private final SplittableRandom random;
    private final Names names;
    private final double boost;
    private final List<String> namespaces;
    private final List<Stream> targets = new ArrayList<>();
    private final List<Stream> builders = new ArrayList<>();
    private BitSet boundaryPods;
    private int podBudget;
    private int podNumber;

    Workloads(ClusterModel model, ClusterProfile profile, SplittableRandom random, Names names, double boost,
              List<String> namespaces) {
        this.model = model;
        this.profile = profile;
        this.random = random;
        this.names = names;
        this.boost = boost;
        this.namespaces = namespaces;
    }

    /** pods created at the keep-younger-than boundary (the rest of the profile's boundary timestamps are images) */
    static int boundaryPods(ClusterProfile profile) {
        return Math.max(0, Math.min(profile.edgeCases().boundaryTimestamps() * 3 / 10,
                profile.kinds().pod() - fixedPods(profile)));
    }

    private static int fixedPods(ClusterProfile profile) {
        return FIXED_PODS + profile.edgeCases().inactiveInvalidRefs();
    }

    void build() {
        for (Stream stream : model.streams) {
            if (stream.kind == StreamKind.BUILDER) {
                builders.add(stream);
            } else if (!stream.namespace.equals(ClusterModel.EDGE_NAMESPACE)) {
                // the edge-cases namespace has its own referrers: its counted timestamps are left to chance nowhere
                targets.add(stream);
            }
        }
        ClusterProfile.Kinds q = profile.kinds();
        int active = profile.edgeCases().activeInvalidRefs();
        int activeDc = (active + 2) / 3;
        int activeBc = (active + 1) / 3;
        int activeBuild = active / 3;
        podBudget = q.pod() - fixedPods(profile);
        ClusterGenerator.require(podBudget >= 0, "pods: " + q.pod() + " for " + fixedPods(profile) + " fixed ones");
        boundaryPods = sample(boundaryPods(profile), podBudget);

        List<Stream> order = shuffled(targets);
        int deployments = q.deployment();
        int dcs = q.deploymentConfig() - activeDc;
        int[] workloadCounts = {deployments, dcs, q.statefulSet(), q.daemonSet(), q.cronJob()};
        int workloads = Arrays.stream(workloadCounts).sum();
        ClusterGenerator.require(dcs >= 0 && !order.isEmpty(), "workloads: " + workloads + " for " + order.size()
                + " streams");
        int[] replicaSets = split(q.replicaSet(), deployments);
        int[] controllers = split(q.replicationController(), dcs);
        int[] jobs = split(q.job(), q.cronJob());
        int mandatoryPods = q.statefulSet() + q.job() + dcs + q.replicationController();
        int discretionary = Math.max(0, podBudget - mandatoryPods);
        int pinned = Math.min(discretionary, Math.max(1, targets.size() / 50));
        int external = Math.min(discretionary - pinned, Math.max(2, targets.size() / 10));
        int[] deploymentPods = split(discretionary - pinned - external, deployments);

        fixedReferrers(activeDc, activeBc, activeBuild);
        int s = 0;
        for (int i = 0; i < deployments; i++) {
            deployment(order.get(s++ % order.size()), replicaSets[i], deploymentPods[i]);
        }
        for (int i = 0; i < dcs; i++) {
            deploymentConfig(order.get(s++ % order.size()), controllers[i]);
        }
        for (int i = 0; i < q.statefulSet(); i++) {
            statefulSet(order.get(s++ % order.size()));
        }
        for (int i = 0; i < q.daemonSet(); i++) {
            daemonSet(order.get(s++ % order.size()));
        }
        for (int i = 0; i < q.cronJob(); i++) {
            cronJob(order.get(s++ % order.size()), jobs[i]);
        }
        int buildConfigs = q.buildConfig() - activeBc;
        List<Stream> built = shuffled(targets);
        ClusterGenerator.require(buildConfigs >= 0, "build configs: " + buildConfigs);
        int[] builds = split(q.build() - activeBuild, buildConfigs);
        for (int i = 0; i < buildConfigs; i++) {
            buildConfig(built.get(i % built.size()), builds[i]);
        }
        for (int i = 0; i < pinned; i++) {
            Stream stream = pick(targets);
            String digest = model.images.get(random.nextInt(model.images.size())).digest;
            pod(stream.namespace, stream.name + "-pinned", podSpec(List.of(stream.repository() + "@" + digest), null),
                    random.nextBoolean() ? "Running" : "Succeeded");
        }
        for (int i = 0; i < external; i++) {
            pod(pickNamespace(), "ext", podSpec(List.of(pick(EXTERNAL_REFS)), null),
                    pick(new String[] {"Running", "Succeeded", "Failed"}));
        }
        while (podBudget > 0) {
            debugPod(pick(targets));
        }
        limitRanges();
    }

    // ---------------------------------------------------------------------------------------------------- workloads

    private void deployment(Stream stream, int replicaSets, int pods) {
        Tag tag = mainTag(stream);
        int rev0 = pickRevision(tag);
        String spec = podSpec(with(ref(stream, tag, rev0), extraContainers()),
                random.nextDouble() < 0.1 ? List.of(pick(EXTERNAL_REFS)) : null);
        String name = names.unique(stream.namespace + "/deployment", stream.name);
        add(Kind.Deployment, stream.namespace, name, typicalAge(), "", "\"spec\":{\"replicas\":1,\"selector\":"
                + "{\"matchLabels\":" + labels(stream) + "},\"template\":" + template(stream, spec) + "}", null);
        for (int i = 0; i < replicaSets; i++) {
            String rsSpec = podSpec(List.of(ref(stream, tag, Math.min(rev0 + i, Math.max(0, tag.items.size() - 1)))),
                    null);
            String owner = ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":"
                    + q(name) + ",\"uid\":\"u-" + random.nextInt(Integer.MAX_VALUE) + "\"}]";
            add(Kind.ReplicaSet, stream.namespace, names.unique(stream.namespace + "/rs",
                            String.format("%s-%08x", name, random.nextInt())), typicalAge(), owner,
                    "\"spec\":{\"replicas\":" + (i == 0 ? 1 : 0) + ",\"selector\":{\"matchLabels\":" + labels(stream)
                            + "},\"template\":" + template(stream, rsSpec) + "}", null);
            if (i == 0) {
                for (int p = 0; p < pods; p++) {
                    pod(stream.namespace, name, rsSpec, random.nextDouble() < 0.95 ? "Running" : "Pending");
                }
            }
        }
        if (replicaSets == 0) {
            for (int p = 0; p < pods; p++) {
                pod(stream.namespace, name, spec, "Running");
            }
        }
    }

    private void deploymentConfig(Stream stream, int controllers) {
        Tag tag = mainTag(stream);
        int rev0 = pickRevision(tag);
        String spec = podSpec(with(ref(stream, tag, rev0), extraContainers()), null);
        String name = names.unique(stream.namespace + "/dc", stream.name);
        add(Kind.DeploymentConfig, stream.namespace, name, typicalAge(), "", "\"spec\":{\"replicas\":1,\"selector\":"
                + labels(stream) + ",\"template\":" + template(stream, spec) + ",\"triggers\":[{\"type\":"
                + "\"ConfigChange\"},{\"type\":\"ImageChange\",\"imageChangeParams\":{\"automatic\":true,"
                + "\"containerNames\":[\"c0\"],\"from\":{\"kind\":\"ImageStreamTag\",\"name\":"
                + q(stream.name + ":" + tag.name) + "}}}]},\"status\":{\"latestVersion\":" + (1 + random.nextInt(12))
                + "}", null);
        for (int i = 0; i < controllers; i++) {
            String rcSpec = podSpec(List.of(ref(stream, tag, Math.min(rev0 + i, Math.max(0, tag.items.size() - 1)))),
                    null);
            add(Kind.ReplicationController, stream.namespace, names.unique(stream.namespace + "/rc",
                    name + "-" + (i + 1)), typicalAge(), "", "\"spec\":{\"replicas\":" + (i == 0 ? 1 : 0)
                    + ",\"selector\":" + labels(stream) + ",\"template\":" + template(stream, rcSpec) + "}", null);
            if (i == 0) {
                pod(stream.namespace, name, rcSpec, "Running");
            }
            pod(stream.namespace, name + "-" + (i + 1) + "-deploy", podSpec(List.of(DEPLOYER), null), "Succeeded");
        }
        if (controllers == 0) {
            pod(stream.namespace, name, spec, "Running");
        }
    }

    private void statefulSet(Stream stream) {
        Tag tag = mainTag(stream);
        String spec = podSpec(with(ref(stream, tag, pickRevision(tag)), extraContainers()), null);
        add(Kind.StatefulSet, stream.namespace, names.unique(stream.namespace + "/sts", stream.name), typicalAge(), "",
                "\"spec\":{\"serviceName\":" + q(stream.name) + ",\"replicas\":1,\"selector\":{\"matchLabels\":"
                        + labels(stream) + "},\"template\":" + template(stream, spec) + "}", null);
        pod(stream.namespace, stream.name, spec, "Running");
    }

    private void daemonSet(Stream stream) {
        Tag tag = mainTag(stream);
        String spec = podSpec(List.of(ref(stream, tag, 0)), null);
        add(Kind.DaemonSet, stream.namespace, names.unique(stream.namespace + "/ds", stream.name), typicalAge(), "",
                "\"spec\":{\"selector\":{\"matchLabels\":" + labels(stream) + "},\"template\":"
                        + template(stream, spec) + "}", null);
    }

    private void cronJob(Stream stream, int jobs) {
        Tag tag = mainTag(stream);
        String name = names.unique(stream.namespace + "/cj", stream.name);
        String spec = withRestartNever(podSpec(List.of(host() + "/" + stream.namespace + "/" + stream.name + ":"
                + tag.name), null));
        add(Kind.CronJob, stream.namespace, name, typicalAge(), "", "\"spec\":{\"schedule\":\"*/30 * * * *\","
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":" + spec + "}}}}", null);
        for (int i = 0; i < jobs; i++) {
            String jobSpec = withRestartNever(podSpec(List.of(ref(stream, tag, pickRevision(tag))), null));
            add(Kind.Job, stream.namespace, names.unique(stream.namespace + "/job",
                            name + "-" + random.nextInt(10_000_000, 100_000_000)), podAge(false), "",
                    "\"spec\":{\"template\":{\"spec\":" + jobSpec + "}}", null);
            pod(stream.namespace, name, jobSpec, random.nextDouble() < 0.85 ? "Succeeded" : "Failed");
        }
    }

    private void buildConfig(Stream stream, int builds) {
        String ns = stream.namespace;
        String name = names.unique(ns + "/bc", stream.name);
        String source = "\"source\":{\"type\":\"Git\",\"git\":{\"uri\":" + q("https://git.example/" + ns + "/"
                + stream.name + ".git") + "}}";
        add(Kind.BuildConfig, ns, name, typicalAge(), "", "\"spec\":{" + source + ",\"strategy\":" + strategy(false)
                + ",\"output\":{\"to\":{\"kind\":\"ImageStreamTag\",\"name\":" + q(stream.name + ":latest")
                + "}},\"runPolicy\":\"Serial\",\"successfulBuildsHistoryLimit\":5}", null);
        for (int i = 0; i < builds; i++) {
            add(Kind.Build, ns, names.unique(ns + "/build", name + "-" + (i + 1)), typicalAge(), "",
                    "\"spec\":{" + source + ",\"strategy\":" + strategy(true) + ",\"output\":{\"to\":{\"kind\":"
                            + "\"DockerImage\",\"name\":" + q(stream.repository() + ":latest") + "}}},\"status\":"
                            + "{\"phase\":" + q(weighted(new String[] {"Complete", "Failed", "Running", "Cancelled"},
                            new int[] {80, 12, 3, 5})) + "}", null);
        }
    }

    private void debugPod(Stream stream) {
        Tag tag = mainTag(stream);
        String image = tag.items.isEmpty() ? ref(stream, tag, 0) : ref(stream, tag, random.nextInt(tag.items.size()));
        pod(stream.namespace, stream.name + "-debug", podSpec(List.of(image), null), weighted(
                new String[] {"Running", "Pending", "Succeeded", "Failed", "Unknown"}, new int[] {40, 5, 35, 15, 5}));
    }

    /** invalid references (live and in completed pods), the boundary pods, the edge-cases namespace's image limit */
    private void fixedReferrers(int activeDc, int activeBc, int activeBuild) {
        for (int i = 0; i < profile.edgeCases().inactiveInvalidRefs(); i++) {
            String ns = pickNamespace();
            addPod(ns, "old-broken-" + i, podSpec(List.of(pick(INVALID_REFS)), null),
                    random.nextBoolean() ? "Succeeded" : "Failed", random.nextLong(2 * DAY, 60 * DAY + 1));
        }
        for (int i = 0; i < activeDc; i++) {
            String ns = pickNamespace();
            String spec = podSpec(List.of(INVALID_REFS[0]), null);
            add(Kind.DeploymentConfig, ns, names.unique(ns + "/dc", "broken"), typicalAge(), "",
                    "\"spec\":{\"replicas\":0,\"selector\":{\"app\":\"broken\"},\"template\":{\"metadata\":"
                            + "{\"labels\":{\"app\":\"broken\"}},\"spec\":" + spec + "}}", null);
        }
        for (int i = 0; i < activeBc; i++) {
            String ns = pickNamespace();
            add(Kind.BuildConfig, ns, names.unique(ns + "/bc", "broken"), typicalAge(), "",
                    "\"spec\":{\"strategy\":{\"type\":\"Custom\",\"customStrategy\":{\"from\":{\"kind\":"
                            + "\"DockerImage\",\"name\":" + q(INVALID_REFS[1]) + "}}}}", null);
        }
        for (int i = 0; i < activeBuild; i++) {
            String ns = pickNamespace();
            add(Kind.Build, ns, names.unique(ns + "/build", "broken-1"), typicalAge(), "",
                    "\"spec\":{\"strategy\":{\"type\":\"Docker\",\"dockerStrategy\":{\"from\":{\"kind\":"
                            + "\"DockerImage\",\"name\":" + q(INVALID_REFS[3]) + "}}}},\"status\":{\"phase\":\"Failed\"}",
                    null);
        }
        // pods exactly at the boundary naming deep revisions of the boundary stream
        Stream boundary = model.streams.get(0);
        List<Item> history = boundary.tags.get(0).items;
        String[] phases = {"Succeeded", "Succeeded", "Failed", "Unknown"};
        int[] offsets = {-1, 0, 1, 0};
        for (int i = 0; i < phases.length; i++) {
            String digest = history.get(history.size() - 2 - offsets[i]).digest();
            addPod(boundary.namespace, "boundary-pod", podSpec(List.of(boundary.repository() + "@" + digest), null),
                    phases[i], model.keepYoungerThan + offsets[i]);
        }
        model.add(new Referrer(Kind.LimitRange, ClusterModel.EDGE_NAMESPACE, "image-limits", 40 * DAY, "",
                "\"spec\":{\"limits\":[{\"type\":\"openshift.io/Image\",\"max\":{\"storage\":\"150Mi\"}}]}", null));
    }

    private void limitRanges() {
        List<String> all = new ArrayList<>(namespaces);
        all.add("openshift");
        int slots = 2 * all.size();
        int wanted = profile.kinds().limitRange() - 1;
        ClusterGenerator.require(wanted >= 0 && wanted <= slots, "limit ranges: " + wanted + " for " + slots);
        BitSet chosen = sample(wanted, slots);
        for (int slot = chosen.nextSetBit(0); slot >= 0; slot = chosen.nextSetBit(slot + 1)) {
            String ns = all.get(slot / 2);
            if (slot % 2 == 0) {
                add(Kind.LimitRange, ns, "image-limits", typicalAge(), "", "\"spec\":{\"limits\":[{\"type\":"
                        + "\"openshift.io/Image\",\"max\":{\"storage\":" + q(pick(new String[] {"200Mi", "300Mi",
                        "500Mi", "1Gi"})) + "}},{\"type\":\"openshift.io/ImageStream\",\"max\":{"
                        + "\"openshift.io/images\":\"50\",\"openshift.io/image-tags\":\"20\"}}]}", null);
            } else {
                add(Kind.LimitRange, ns, "container-limits", typicalAge(), "", "\"spec\":{\"limits\":[{\"type\":"
                        + "\"Container\",\"max\":{\"cpu\":\"2\",\"memory\":\"2Gi\"},\"default\":{\"cpu\":\"500m\","
                        + "\"memory\":\"512Mi\"}}]}", null);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------- pieces

    private void pod(String ns, String base, String spec, String phase) {
        if (podBudget == 0) {
            return;
        }
        podBudget--;
        long age = boundaryPods.get(podNumber++) ? model.keepYoungerThan + random.nextInt(3) - 1 : podAge(true);
        addPod(ns, base, spec, phase, age);
    }

    private void addPod(String ns, String base, String spec, String phase, long age) {
        model.add(new Referrer(Kind.Pod, ns, names.unique(ns + "/pod", base), age, "",
                "\"spec\":" + spec + ",\"status\":{\"phase\":" + q(phase) + "}", phase));
    }

    private void add(Kind kind, String ns, String name, long age, String moreMetadata, String members, String phase) {
        model.add(new Referrer(kind, ns, name, age, moreMetadata, members, phase));
    }

    private static String podSpec(List<String> images, List<String> init) {
        StringBuilder spec = new StringBuilder("{\"containers\":[");
        for (int i = 0; i < images.size(); i++) {
            spec.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":")
                    .append(q(images.get(i))).append('}');
        }
        spec.append(']');
        if (init != null) {
            spec.append(",\"initContainers\":[");
            for (int i = 0; i < init.size(); i++) {
                spec.append(i == 0 ? "" : ",").append("{\"name\":\"init").append(i).append("\",\"image\":")
                        .append(q(init.get(i))).append('}');
            }
            spec.append(']');
        }
        return spec.append('}').toString();
    }

    private static String withRestartNever(String spec) {
        return spec.substring(0, spec.length() - 1) + ",\"restartPolicy\":\"Never\"}";
    }

    private static String labels(Stream stream) {
        return "{\"app\":" + q(stream.name) + "}";
    }

    private static String template(Stream stream, String spec) {
        return "{\"metadata\":{\"labels\":" + labels(stream) + "},\"spec\":" + spec + "}";
    }

    private static List<String> with(String first, List<String> more) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(more);
        return all;
    }

    private List<String> extraContainers() {
        List<String> extra = new ArrayList<>();
        if (random.nextDouble() < 0.25) {
            extra.add(pick(EXTERNAL_REFS));
        }
        if (random.nextDouble() < 0.05) {
            Stream other = pick(targets);
            Tag tag = pick(other.tags.toArray(new Tag[0]));
            extra.add(!tag.items.isEmpty() && random.nextDouble() < 0.6
                    ? host() + "/" + other.namespace + "/" + other.name + "@"
                            + tag.items.get(random.nextInt(tag.items.size())).digest()
                    : host() + "/" + other.namespace + "/" + other.name + ":" + tag.name);
        }
        if (random.nextDouble() < 0.005 * boost) {
            extra.add("   "); // a container without an image reference
        }
        return extra;
    }

    private static Tag mainTag(Stream stream) {
        Tag latest = stream.tag("latest");
        return latest != null ? latest : stream.tags.get(0);
    }

    private String ref(Stream stream, Tag tag, int revision) {
        String repository = host() + "/" + stream.namespace + "/" + stream.name;
        if (tag.items.isEmpty() || random.nextDouble() < 0.15) {
            return repository + ":" + tag.name;
        }
        return repository + "@" + tag.items.get(Math.min(revision, tag.items.size() - 1)).digest();
    }

    private int pickRevision(Tag tag) {
        int n = tag.items.size();
        double r = random.nextDouble();
        if (r < 0.65 || n <= 1) {
            return 0;
        }
        if (r < 0.75) {
            return 1;
        }
        if (r < 0.83) {
            return Math.min(2, n - 1);
        }
        return random.nextInt(Math.min(3, n - 1), n);
    }

    private String strategy(boolean resolved) {
        double r = random.nextDouble();
        if (r < 0.65) {
            return "{\"type\":\"Source\",\"sourceStrategy\":{\"from\":" + builderImage(resolved) + "}}";
        }
        if (r < 0.90) {
            return "{\"type\":\"Docker\",\"dockerStrategy\":{" + (random.nextBoolean() ? "\"from\":"
                    + builderImage(resolved) : "") + "}}";
        }
        if (r < 0.95) {
            return "{\"type\":\"Custom\",\"customStrategy\":{\"from\":{\"kind\":\"DockerImage\",\"name\":"
                    + q(pick(EXTERNAL_REFS)) + "}}}";
        }
        return "{\"type\":\"JenkinsPipeline\",\"jenkinsPipelineStrategy\":{\"jenkinsfilePath\":\"Jenkinsfile\"}}";
    }

    private String builderImage(boolean resolved) {
        Stream builder = pick(builders);
        Tag tag = pick(builder.tags.toArray(new Tag[0]));
        if (resolved && !tag.items.isEmpty()) {
            String digest = tag.items.get(pickRevision(tag)).digest();
            return random.nextDouble() < 0.8
                    ? "{\"kind\":\"DockerImage\",\"name\":" + q(ClusterModel.REGISTRY + "/openshift/" + builder.name
                            + "@" + digest) + "}"
                    : "{\"kind\":\"ImageStreamImage\",\"namespace\":\"openshift\",\"name\":" + q(builder.name + "@"
                            + digest) + "}";
        }
        return "{\"kind\":\"ImageStreamTag\",\"namespace\":\"openshift\",\"name\":" + q(builder.name + ":" + tag.name)
                + "}";
    }

    private String host() {
        return random.nextDouble() < 0.8 ? ClusterModel.REGISTRY : pick(ClusterModel.REGISTRY_ALIASES);
    }

    private long typicalAge() {
        long age = random.nextDouble() < 0.03 ? random.nextLong(0, 7201) : random.nextLong(7200, 90 * DAY + 1);
        return offBoundary(age);
    }

    private long podAge(boolean counted) {
        long age = random.nextDouble() < 0.25 ? random.nextLong(0, 7201) : random.nextLong(7200, 30 * DAY + 1);
        return counted ? offBoundary(age) : age;
    }

    private long offBoundary(long age) {
        return Math.abs(age - model.keepYoungerThan) <= 1 ? age + 3 : age;
    }

    /** {@code total} over {@code parts}: one each when there are enough, the rest at random */
    private int[] split(int total, int parts) {
        int[] split = new int[parts];
        if (parts == 0) {
            return split;
        }
        int min = total >= parts ? 1 : 0;
        Arrays.fill(split, min);
        for (int i = 0; i < total - min * parts; i++) {
            split[random.nextInt(parts)]++;
        }
        return split;
    }

    private BitSet sample(int n, int of) {
        BitSet chosen = new BitSet(of);
        int left = n;
        for (int i = 0; i < of && left > 0; i++) {
            // selection sampling: each index taken with probability left / remaining
            if (random.nextInt(of - i) < left) {
                chosen.set(i);
                left--;
            }
        }
        return chosen;
    }

    private List<Stream> shuffled(List<Stream> streams) {
        List<Stream> copy = new ArrayList<>(streams);
        Collections.shuffle(copy, new Random(random.nextLong()));
        return copy;
    }

    private String pickNamespace() {
        return namespaces.get(random.nextInt(namespaces.size()));
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private <T> T pick(T[] from) {
        return from[random.nextInt(from.length)];
    }

    private String weighted(String[] values, int[] weights) {
        int r = random.nextInt(Arrays.stream(weights).sum());
        for (int i = 0; i < values.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return values[i];
            }
        }
        throw new AssertionError();
    }
}
