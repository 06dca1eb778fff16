package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.state.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Lists and watches every kind pruning reads (fabric8 informers: list, watch, relist after 410 or a lost connection)
 * and publishes each change to the state topic. After the complete listing it tombstones what the topic still holds
 * but the cluster no longer has (deleted while the ingest was down) and then publishes a sync marker.
 */
@ApplicationScoped
public class ClusterIngest {
    private static final Logger LOG = Logger.getLogger(ClusterIngest.class);

    private final ImagePruneConfig config;
    private final Instance<OpenShiftClient> clients;
    private OpenShiftClient client;
    private final StatePublisher publisher;
    private final Topics topics;
    private final TopicKeys topicKeys;
    private final MeterRegistry registry;
    private final ProjectionCodec codec = new ProjectionCodec();
    private final List<SharedIndexInformer<HasMetadata>> informers = new ArrayList<>();
    private final Map<String, String> kindStatus = new ConcurrentHashMap<>();
    private volatile long epoch;
    private ApiObjects apiObjects;

    /** The client is resolved on start only: building it reads the kubeconfig and sets up TLS. */
    public ClusterIngest(ImagePruneConfig config, Instance<OpenShiftClient> clients, StatePublisher publisher,
                         Topics topics, TopicKeys topicKeys, MeterRegistry registry) {
        this.config = config;
        this.clients = clients;
        this.publisher = publisher;
        this.topics = topics;
        this.topicKeys = topicKeys;
        this.registry = registry;
    }

    /** Starts in the background: listing a large cluster takes a while and must not hold up the HTTP endpoints. */
    public void startInBackground() {
        CompletableFuture.runAsync(this::start).exceptionally(e -> {
            LOG.errorf(e, "ingest failed to start; no sync marker is published, so nothing will be pruned");
            return null;
        });
    }

    @PreDestroy
    void close() {
        stop();
    }

    /** Stops watching; changes made meanwhile reach the topic with the next {@link #start()}'s listing. */
    public synchronized void stop() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        kindStatus.clear();
    }

    /** Per kind: watching, tolerated (and why) or failed. */
    public Map<String, String> kindStatus() {
        return new TreeMap<>(kindStatus);
    }

    public long epoch() {
        return epoch;
    }

    /** Lists every kind, publishes it, tombstones what the cluster no longer has and publishes a sync marker. */
    public synchronized void start() {
        try {
            topics.ensure();
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the state topic: " + e, e);
        }
        epoch = System.currentTimeMillis();
        client = clients.get();
        apiObjects = new ApiObjects(client.getKubernetesSerialization());
        List<String> namespaces = config.ingest().namespaces().orElse(List.of());
        boolean complete = true;
        for (WatchedKind kind : WatchedKind.ALL) {
            complete &= watch(kind, namespaces);
        }
        if (!complete) {
            LOG.errorf("not every kind could be listed (%s): no sync marker, so the graph never counts as synced",
                    kindStatus());
            return;
        }
        Set<String> listed = new HashSet<>();
        Map<String, Integer> perKind = new TreeMap<>();
        for (SharedIndexInformer<HasMetadata> informer : informers) {
            for (HasMetadata object : informer.getStore().list()) {
                String key = key(object);
                if (key != null) {
                    listed.add(key);
                    perKind.merge(object.getKind(), 1, Integer::sum);
                }
            }
        }
        publisher.flush();
        int tombstones = 0;
        for (String key : topicKeys.liveKeys()) {
            if (!listed.contains(key) && inScope(key, namespaces)) {
                publisher.publish(key, null);
                tombstones++;
            }
        }
        SyncMarker marker = new SyncMarker(config.ingest().id(), epoch, Instant.now(), perKind);
        publisher.publish(marker.key(), codec.encode(marker));
        publisher.flush();
        LOG.infof("listed the cluster (%s), removed %d objects deleted while the ingest was away, published sync "
                + "marker epoch %d", perKind, tombstones, epoch);
    }

    private boolean watch(WatchedKind kind, List<String> namespaces) {
        List<SharedIndexInformer<HasMetadata>> started = new ArrayList<>();
        try {
            if (kind.clusterScoped() || namespaces.isEmpty()) {
                started.add(startInformer(kind, kind.inAllNamespaces(client).runnableInformer(0)));
            } else {
                for (String namespace : namespaces) {
                    started.add(startInformer(kind, kind.inNamespace(client, namespace).runnableInformer(0)));
                }
            }
            informers.addAll(started);
            kindStatus.put(kind.kind(), "watching");
            return true;
        } catch (Exception e) {
            started.forEach(SharedIndexInformer::close);
            int status = statusOf(e);
            if (status != 0 && status == kind.toleratedStatus()) {
                String why = status == 404 ? "API not available, treated as empty (as oc does)"
                        : "forbidden, treated as empty (as oc does): grant list/watch on " + kind.kind();
                LOG.warnf("%s: %s", kind.kind(), why);
                kindStatus.put(kind.kind(), why);
                return true;
            }
            LOG.errorf(e, "%s: cannot list", kind.kind());
            kindStatus.put(kind.kind(), "failed: " + e.getMessage());
            return false;
        }
    }

    private SharedIndexInformer<HasMetadata> startInformer(WatchedKind kind, SharedIndexInformer<HasMetadata> informer)
            throws Exception {
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata object) {
                changed(kind, object, "add");
            }

            @Override
            public void onUpdate(HasMetadata old, HasMetadata object) {
                changed(kind, object, "update");
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                String key = key(object);
                if (key != null) {
                    registry.counter(IngestMetrics.EVENTS, "kind", kind.kind(), "operation", "delete")
                            .increment();
                    publisher.publish(key, null);
                }
            }
        });
        try {
            informer.start().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            informer.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        return informer;
    }

    private void changed(WatchedKind kind, HasMetadata object, String operation) {
        try {
            Object model = apiObjects.toModel(object);
            if (model == null) {
                throw new IllegalArgumentException("not a kind pruning reads");
            }
            registry.counter(IngestMetrics.EVENTS, "kind", kind.kind(), "operation", operation).increment();
            publisher.publish(ProjectionKeys.of(model), codec.encode(model));
        } catch (RuntimeException e) {
            // the object stays as last published; the next change or relist retries it
            registry.counter(IngestMetrics.EVENTS_BAD, "kind", kind.kind()).increment();
            LOG.errorf("cannot project %s %s/%s: %s", kind.kind(), object.getMetadata().getNamespace(),
                    object.getMetadata().getName(), e.getMessage());
        }
    }

    private static String key(HasMetadata object) {
        if (object == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
            return null;
        }
        String namespace = object.getMetadata().getNamespace();
        return object.getKind() + "/" + (namespace == null ? "" : namespace) + "/" + object.getMetadata().getName();
    }

    private static boolean inScope(String key, List<String> namespaces) {
        if (key.startsWith(ProjectionKeys.SYNC_MARKER + "/") || namespaces.isEmpty()
                || key.startsWith(ProjectionKeys.IMAGE + "//")) {
            return !key.startsWith(ProjectionKeys.SYNC_MARKER + "/");
        }
        String namespace = ProjectionKeys.parse(key).namespace();
        return namespaces.contains(namespace);
    }

    private static int statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k) {
                return k.getCode();
            }
        }
        return 0;
    }
}
