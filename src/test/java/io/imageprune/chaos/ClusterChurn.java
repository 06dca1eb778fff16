package io.imageprune.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.openshift.api.model.BuildBuilder;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.api.model.NamedTagEventList;
import io.fabric8.openshift.api.model.TagEvent;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.registry.testkit.RegistryPusher;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded generator of cluster changes against the real registry and the mock API server: images pushed (small
 * random layers over layers shared within a namespace, now and then a manifest list) and added to stream tags whose
 * histories grow, images tagged into a second tag, pods, deployments (rolled) and builds naming images by tag or by
 * digest, created and deleted, streams deleted, LimitRanges changed. It remembers what each live referrer names and
 * when it became visible, for the in-use invariant, and when each image became prunable, for reclamation latency.
 */
final class ClusterChurn {
    static final String LIST_TYPE = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int NAMESPACES = 3;
    private static final int STREAMS = 3;
    private static final String[] TAGS = {"latest", "stable"};

    /** An image as pushed: the manifests a pull reads (a list and its children, or one) and every blob. */
    record Pushed(String repo, String digest, List<String> manifests, List<String> blobs, long createdNanos) {
    }

    /** A live object naming an image by tag ({@code digest} null) or by digest, visible since {@code sinceNanos}. */
    record Referrer(String key, String repo, String tag, String digest, long sinceNanos) {
    }

    private final OpenShiftClient client;
    private final RegistryPusher pusher;
    private final String registryUrl;
    private final String host;
    private final Random random;
    private final int keepTagRevisions;
    private final long keepYoungerNanos;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Pushed> images = new ConcurrentHashMap<>();
    private final Map<String, Referrer> referrers = new ConcurrentHashMap<>();
    /** "repo:tag" → nanoTime the harness made its current head the head. */
    private final Map<String, long[]> headSince = new ConcurrentHashMap<>();
    private final Map<String, String> headDigest = new ConcurrentHashMap<>();
    private final Map<String, Long> supersededNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> lastReferrerGoneNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private int serial;

    ClusterChurn(OpenShiftClient client, String registryUrl, long seed, int keepTagRevisions, long keepYoungerNanos) {
        this.client = client;
        this.registryUrl = registryUrl;
        this.pusher = new RegistryPusher(registryUrl);
        URI uri = URI.create(registryUrl);
        this.host = uri.getHost() + ":" + uri.getPort();
        this.random = new Random(seed);
        this.keepTagRevisions = keepTagRevisions;
        this.keepYoungerNanos = keepYoungerNanos;
    }

    /** Two revisions in every stream's first tag. */
    void seed() {
        for (int n = 0; n < NAMESPACES; n++) {
            for (int s = 0; s < STREAMS; s++) {
                for (int r = 0; r < 2; r++) {
                    push("ns" + n + "/app" + s, TAGS[0]);
                }
            }
        }
    }

    /** One change chosen by the seeded generator; false when it failed (a fault got in the way). */
    boolean step() {
        int roll = random.nextInt(100);
        String ns = "ns" + random.nextInt(NAMESPACES);
        String repo = ns + "/app" + random.nextInt(STREAMS);
        String tag = TAGS[random.nextInt(100) < 80 ? 0 : 1];
        int pick = random.nextInt(1 << 20);
        boolean byDigest = random.nextBoolean();
        String op = roll < 30 ? "push" : roll < 36 ? "tag" : roll < 52 ? "pod.create" : roll < 64 ? "pod.delete"
                : roll < 72 ? "deployment.roll" : roll < 76 ? "deployment.delete" : roll < 82 ? "build.create"
                : roll < 86 ? "build.delete" : roll < 89 ? "stream.delete" : "limitrange.change";
        try {
            switch (op) {
                case "push" -> push(repo, tag);
                case "tag" -> tagExisting(repo, pick);
                case "pod.create" -> createReferrer("Pod", ns, repo, tag, byDigest, pick);
                case "pod.delete" -> deleteReferrer("Pod", ns, pick);
                case "deployment.roll" -> createReferrer("Deployment", ns, repo, tag, byDigest, pick);
                case "deployment.delete" -> deleteReferrer("Deployment", ns, pick);
                case "build.create" -> createReferrer("Build", ns, repo, tag, byDigest, pick);
                case "build.delete" -> deleteReferrer("Build", ns, pick);
                case "stream.delete" -> deleteStream(repo);
                default -> changeLimitRange(ns, pick);
            }
            ops.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
            return true;
        } catch (RuntimeException faulted) {
            failures.incrementAndGet();
            ops.computeIfAbsent(op + ".failed", k -> new AtomicLong()).incrementAndGet();
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------ changes

    private void push(String repo, String tag) {
        int n = ++serial;
        String ns = repo.substring(0, repo.indexOf('/'));
        List<String> manifests = new ArrayList<>();
        List<String> blobs = new ArrayList<>();
        String digest;
        long now = System.nanoTime();
        if (random.nextInt(100) < 15) {
            List<PushedImage> children = List.of(pushOne(repo, n + "a", ns), pushOne(repo, n + "b", ns));
            digest = pushList(repo, "r" + n, children);
            manifests.add(digest);
            for (PushedImage child : children) {
                manifests.add(child.manifestDigest());
                blobs.addAll(child.blobDigests());
                createImage(child.manifestDigest(), repo, child);
            }
            addRevision(repo, tag, digest);
            ObjectNode list = imageNode(digest, repo, LIST_TYPE);
            ArrayNode entries = list.putArray("dockerImageManifests");
            String[] arch = {"amd64", "arm64"};
            for (int i = 0; i < children.size(); i++) {
                entries.addObject().put("digest", children.get(i).manifestDigest())
                        .put("mediaType", RegistryPusher.SCHEMA2).put("manifestSize", children.get(i).manifestSize())
                        .put("architecture", arch[i]).put("os", "linux");
            }
            create(list);
        } else {
            PushedImage image = pushOne(repo, "r" + n, ns);
            digest = image.manifestDigest();
            manifests.add(digest);
            blobs.addAll(image.blobDigests());
            addRevision(repo, tag, digest);
            createImage(digest, repo, image);
        }
        images.put(digest, new Pushed(repo, digest, List.copyOf(manifests), List.copyOf(blobs), now));
    }

    private PushedImage pushOne(String repo, String tag, String ns) {
        List<String> layers = new ArrayList<>();
        layers.add("base " + ns + " " + random.nextInt(2));
        if (random.nextBoolean()) {
            layers.add("middle " + ns + " " + random.nextInt(3));
        }
        byte[] noise = new byte[32 + random.nextInt(480)];
        random.nextBytes(noise);
        layers.add(HexFormat.of().formatHex(noise));
        return pusher.push(repo, tag, layers);
    }

    private String pushList(String repo, String tag, List<PushedImage> children) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + LIST_TYPE + "\",\"manifests\":[");
        String[] arch = {"amd64", "arm64"};
        for (int i = 0; i < children.size(); i++) {
            PushedImage c = children.get(i);
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"").append(RegistryPusher.SCHEMA2)
                    .append("\",\"size\":").append(c.manifestSize()).append(",\"digest\":\"").append(c.manifestDigest())
                    .append("\",\"platform\":{\"architecture\":\"").append(arch[i]).append("\",\"os\":\"linux\"}}");
        }
        byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/v2/" + repo + "/manifests/" + tag))
                    .header("Content-Type", LIST_TYPE).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("PUT manifest list " + repo + ":" + tag + " answered " + r.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("PUT manifest list " + repo + ":" + tag, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return sha256(body);
    }

    /** Prepends a revision to the tag's history (creating the stream or tag), as the registry does on a push. */
    private void addRevision(String repo, String tag, String digest) {
        String ns = repo.substring(0, repo.indexOf('/'));
        String name = repo.substring(repo.indexOf('/') + 1);
        long now = System.nanoTime();
        TagEvent event = new TagEvent(Instant.now().toString(), host + "/" + repo + "@" + digest, 1L, digest);
        for (int attempt = 0; ; attempt++) {
            ImageStream stream = client.imageStreams().inNamespace(ns).withName(name).get();
            try {
                if (stream == null) {
                    ObjectNode node = MAPPER.createObjectNode();
                    node.put("apiVersion", "image.openshift.io/v1").put("kind", "ImageStream");
                    node.putObject("metadata").put("namespace", ns).put("name", name);
                    ObjectNode status = node.putObject("status").put("dockerImageRepository", host + "/" + repo);
                    status.putArray("tags");
                    stream = client.getKubernetesSerialization().unmarshal(node.toString(), ImageStream.class);
                    stream.getStatus().getTags().add(new NamedTagEventList(List.of(), List.of(event), tag));
                    client.resource(stream).create();
                } else {
                    List<NamedTagEventList> tags = stream.getStatus().getTags();
                    NamedTagEventList list = tags.stream().filter(t -> tag.equals(t.getTag())).findFirst().orElse(null);
                    if (list == null) {
                        list = new NamedTagEventList(List.of(), new ArrayList<>(), tag);
                        tags.add(list);
                    }
                    List<TagEvent> items = new ArrayList<>(list.getItems());
                    items.add(0, event);
                    list.setItems(items);
                    for (int i = keepTagRevisions; i < items.size(); i++) {
                        supersededNanos.putIfAbsent(items.get(i).getImage(), now);
                    }
                    client.imageStreams().inNamespace(ns).resource(stream).updateStatus();
                }
                headSince.put(repo + ":" + tag, new long[]{now});
                headDigest.put(repo + ":" + tag, digest);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 8) {
                    throw e;
                }
            }
        }
    }

    /** Tags an image already in the stream (one of its revisions) into the other tag. */
    private void tagExisting(String repo, int pick) {
        List<String> revisions = revisions(repo);
        if (revisions.isEmpty()) {
            push(repo, TAGS[0]);
            return;
        }
        addRevision(repo, TAGS[1], revisions.get(pick % revisions.size()));
    }

    /** A pod, a deployment (created or rolled to a new image) or a build naming one of the stream's images. */
    private void createReferrer(String kind, String ns, String repo, String tag, boolean byDigest, int pick) {
        String digest = null;
        String useTag = null;
        if (byDigest) {
            List<String> revisions = revisions(repo);
            if (revisions.isEmpty()) {
                return;
            }
            digest = revisions.get(pick % revisions.size());
        } else {
            if (!headDigest.containsKey(repo + ":" + tag)) {
                return;
            }
            useTag = tag;
        }
        String pullSpec = host + "/" + repo + (digest != null ? "@" + digest : ":" + useTag);
        String name = kind.toLowerCase() + "-" + (kind.equals("Deployment") ? pick % 4 : ++serial);
        HasMetadata object = switch (kind) {
            case "Pod" -> new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                    .withNewSpec().addNewContainer().withName("main").withImage(pullSpec).endContainer().endSpec()
                    .withNewStatus().withPhase("Running").endStatus().build();
            case "Deployment" -> new DeploymentBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                    .withNewSpec().withReplicas(1).withNewTemplate().withNewSpec().addNewContainer().withName("main")
                    .withImage(pullSpec).endContainer().endSpec().endTemplate().endSpec().build();
            default -> new BuildBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                    .withNewSpec().withNewStrategy().withType("Docker").withNewDockerStrategy().withNewFrom()
                    .withKind("DockerImage").withName(pullSpec).endFrom().endDockerStrategy().endStrategy().endSpec()
                    .withNewStatus().withPhase("Running").endStatus().build();
        };
        String key = kind + "/" + ns + "/" + name;
        if (kind.equals("Deployment") && client.apps().deployments().inNamespace(ns).withName(name).get() != null) {
            Deployment rolled = (Deployment) object;
            client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
                d.getSpec().setTemplate(rolled.getSpec().getTemplate());
                return d;
            });
            forget(key);
        } else {
            client.resource(object).create();
        }
        referrers.put(key, new Referrer(key, repo, useTag, digest, System.nanoTime()));
    }

    private void deleteReferrer(String kind, String ns, int pick) {
        List<String> keys = referrers.keySet().stream().filter(k -> k.startsWith(kind + "/" + ns + "/")).sorted().toList();
        if (keys.isEmpty()) {
            return;
        }
        String key = keys.get(pick % keys.size());
        String name = key.substring(key.lastIndexOf('/') + 1);
        switch (kind) {
            case "Pod" -> client.pods().inNamespace(ns).withName(name).delete();
            case "Deployment" -> client.apps().deployments().inNamespace(ns).withName(name).delete();
            default -> client.builds().inNamespace(ns).withName(name).delete();
        }
        forget(key);
    }

    /** The referrer is gone (deleted by the churn, or while the API server was away). */
    void forget(String key) {
        Referrer gone = referrers.remove(key);
        if (gone != null && gone.digest() != null) {
            lastReferrerGoneNanos.put(gone.digest(), System.nanoTime());
        }
    }

    private void deleteStream(String repo) {
        String ns = repo.substring(0, repo.indexOf('/'));
        List<String> revisions = revisions(repo);
        client.imageStreams().inNamespace(ns).withName(repo.substring(repo.indexOf('/') + 1)).delete();
        long now = System.nanoTime();
        revisions.forEach(d -> supersededNanos.putIfAbsent(d, now));
        for (String tag : TAGS) {
            headDigest.remove(repo + ":" + tag);
            headSince.remove(repo + ":" + tag);
        }
    }

    private void changeLimitRange(String ns, int pick) {
        if (pick % 4 == 0) {
            client.limitRanges().inNamespace(ns).withName("limits").delete();
            return;
        }
        client.resource(new LimitRangeBuilder().withNewMetadata().withNamespace(ns).withName("limits").endMetadata()
                .withNewSpec().addNewLimit().withType("openshift.io/Image")
                .withMax(Map.of("storage", new Quantity((1 + pick % 64) + "Mi"))).endLimit().endSpec().build())
                .createOr(existing -> existing.update());
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** The digests of every revision of the stream as the API has it now. */
    List<String> revisions(String repo) {
        ImageStream stream = client.imageStreams().inNamespace(repo.substring(0, repo.indexOf('/')))
                .withName(repo.substring(repo.indexOf('/') + 1)).get();
        if (stream == null || stream.getStatus() == null) {
            return List.of();
        }
        return stream.getStatus().getTags().stream().flatMap(t -> t.getItems().stream()).map(TagEvent::getImage)
                .distinct().toList();
    }

    /** The tag's newest revision as the API has it now, or null. */
    String head(String repo, String tag) {
        ImageStream stream = client.imageStreams().inNamespace(repo.substring(0, repo.indexOf('/')))
                .withName(repo.substring(repo.indexOf('/') + 1)).get();
        if (stream == null || stream.getStatus() == null) {
            return null;
        }
        return stream.getStatus().getTags().stream().filter(t -> tag.equals(t.getTag()) && !t.getItems().isEmpty())
                .map(t -> t.getItems().get(0).getImage()).findFirst().orElse(null);
    }

    /** Since when the harness has had this digest at the head of the tag (0 if it does not know). */
    long headSinceNanos(String repo, String tag, String digest) {
        long[] since = headSince.get(repo + ":" + tag);
        return since != null && digest.equals(headDigest.get(repo + ":" + tag)) ? since[0] : 0;
    }

    Map<String, Referrer> referrers() {
        return referrers;
    }

    Pushed image(String digest) {
        return images.get(digest);
    }

    Map<String, String> heads() {
        return Map.copyOf(headDigest);
    }

    /** When the image could first have been pruned: superseded or streamless, unpinned, and old enough; 0 if never. */
    long eligibleNanos(String digest) {
        Pushed p = images.get(digest);
        Long superseded = supersededNanos.get(digest);
        if (p == null || superseded == null) {
            return 0;
        }
        return Math.max(Math.max(superseded, lastReferrerGoneNanos.getOrDefault(digest, 0L)),
                p.createdNanos() + keepYoungerNanos);
    }

    Map<String, Long> opCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        ops.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    long failures() {
        return failures.get();
    }

    // ------------------------------------------------------------------------------------------------ objects

    private void createImage(String digest, String repo, PushedImage image) {
        ObjectNode node = imageNode(digest, repo, RegistryPusher.SCHEMA2);
        ArrayNode layers = node.putArray("dockerImageLayers");
        long size = 0;
        for (RegistryPusher.Blob layer : image.layers()) {
            layers.addObject().put("name", layer.digest()).put("size", layer.size())
                    .put("mediaType", RegistryPusher.LAYER_GZIP);
            size += layer.size();
        }
        node.putObject("dockerImageMetadata").put("kind", "DockerImage").put("apiVersion", "1.0")
                .put("Id", image.configDigest()).put("Size", size);
        create(node);
    }

    private ObjectNode imageNode(String digest, String repo, String mediaType) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", "image.openshift.io/v1").put("kind", "Image");
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", digest).put("creationTimestamp", Instant.now().toString());
        metadata.putObject("annotations").put("openshift.io/image.managed", "true");
        node.put("dockerImageReference", host + "/" + repo + "@" + digest);
        node.put("dockerImageManifestMediaType", mediaType);
        return node;
    }

    private void create(ObjectNode node) {
        HasMetadata object = client.getKubernetesSerialization().unmarshal(node.toString());
        try {
            client.resource(object).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // the same image pushed again: it exists already
                throw e;
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
