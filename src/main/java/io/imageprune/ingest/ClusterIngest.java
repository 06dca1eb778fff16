package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.config.ReferrerSettings;
import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Times;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.reference.Identities;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lists and watches every kind pruning reads (fabric8 informers: list, watch, relist after 410 or a lost connection)
 * and publishes each change to the state topic. After the complete listing it tombstones what the topic still holds
 * but the cluster no longer has (deleted while the ingest was down) and then publishes a sync marker.
 *
 * <p>Then, every {@code imageprune.ingest.heartbeat}, it flushes what it published and writes the marker again (a
 * heartbeat: the state side takes a graph without a recent marker as stale). A publish that failed or a watch that was
 * lost means changes the informers will never deliver again may be missing from the topic: the ingest writes a marker
 * carrying the fault at once, and relists (republishes every object its informers hold, tombstones what they lack)
 * before it writes a marker without a fault again. All markers are written on one thread, in order.
 */
@ApplicationScoped
public class ClusterIngest {
    private static final Logger LOG = Logger.getLogger(ClusterIngest.class);
    /** The key of the namespaces to watch (all when not set). */
    public static final String WATCHED_NAMESPACES = "imageprune.ingest.namespaces";

    private final ImagePruneConfig config;
    private final ReferrerSettings extensions;
    /** The namespaces watched (Images always are); every marker records it, so the pruner knows what it may prune. */
    private final NamespaceScope scope;
    /** oc's kinds, Namespaces (unless annotations are off) and the configured custom resources that hold images. */
    private final List<WatchedKind> watchedKinds;
    /** Custom resource kinds whose API was missing at the last try: each heartbeat tries them again. */
    private final Set<WatchedKind> missingApis = ConcurrentHashMap.newKeySet();
    private volatile long lastApiCheck = System.nanoTime();
    private final Instance<OpenShiftClient> clients;
    private OpenShiftClient client;
    private final StatePublisher publisher;
    private final Topics topics;
    private final TopicKeys topicKeys;
    private final MeterRegistry registry;
    private final ProjectionCodec codec = new ProjectionCodec();
    private final List<SharedIndexInformer<HasMetadata>> informers = new CopyOnWriteArrayList<>();
    private final Map<String, String> kindStatus = new ConcurrentHashMap<>();
    private volatile long epoch;
    private ApiObjects apiObjects;
    /** Every fault counts; a relist is good only if none happened while it ran. */
    private final AtomicLong faults = new AtomicLong();
    /** The first fault since the last marker without one, or null while the topic has everything. */
    private final AtomicReference<String> fault = new AtomicReference<>();
    private volatile SyncMarker lastMarker;
    /** Guarded by {@link #markerLock}, not by {@link #start()}'s lock: shutdown must never wait for a listing. */
    private volatile ScheduledExecutorService markers;
    private final Object markerLock = new Object();
    /**
     * Held around every publish of a watch event and around a listing's tombstones, so that a listing never tombstones
     * an object a watch event added after the listing looked at the stores (its record may already be on the topic),
     * and around each object a relist republishes, so that it never republishes what a watch event deleted meanwhile.
     */
    private final Object eventLock = new Object();
    private Set<SharedIndexInformer<HasMetadata>> notWatchingBefore = Set.of();
    /** Set once at shutdown: a listing in progress ends and no informer starts any more. */
    private volatile boolean closed;
    private volatile Thread starting;
    private volatile String startProblem;

    /** The client is resolved on start only: building it reads the kubeconfig and sets up TLS. */
    public ClusterIngest(ImagePruneConfig config, Instance<OpenShiftClient> clients, StatePublisher publisher,
                         Topics topics, TopicKeys topicKeys, MeterRegistry registry, ReferrerSettings extensions) {
        this.config = config;
        this.extensions = extensions;
        List<WatchedKind> kinds = new ArrayList<>();
        for (WatchedKind kind : WatchedKind.ALL) {
            if (!kind.kind().equals(WatchedKind.NAMESPACE) || extensions.extensions().annotations()) {
                kinds.add(kind);
            }
        }
        extensions.customReferrers().kinds().forEach(spec -> kinds.add(WatchedKind.of(spec)));
        this.watchedKinds = List.copyOf(kinds);
        this.clients = clients;
        this.publisher = publisher;
        this.topics = topics;
        this.topicKeys = topicKeys;
        this.registry = registry;
        this.scope = NamespaceScope.of(WATCHED_NAMESPACES, config.ingest().namespaces().orElse(List.of()));
    }

    /**
     * Starts in the background: listing a large cluster takes a while and must not hold up the HTTP endpoints. On a
     * thread of its own, which {@link #shutDown()} interrupts.
     */
    public void startInBackground() {
        Thread thread = new Thread(() -> {
            try {
                startUntilListed();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.errorf(e, "ingest failed to start; no sync marker is published, so nothing will be pruned");
                }
            } finally {
                starting = null;
            }
        }, "imageprune-ingest-start");
        thread.setDaemon(true);
        starting = thread;
        thread.start();
    }

    /**
     * A broker that does not answer yet (a pod starting before Kafka, or during its outage), or a kind whose listing
     * failed (the API server restarting, a watch answered 410 Gone right after its list), is not a reason to give up:
     * without an ingest no marker is ever written again and the graph never becomes synced. Tried again every
     * heartbeat until the listing is complete or the service stops.
     */
    private void startUntilListed() {
        while (!closed) {
            try {
                start();
                startProblem = null;
                return;
            } catch (RetryableStartException e) {
                startProblem = e.getMessage();
                LOG.warnf("ingest cannot start yet (%s); trying again in %s", e.getMessage(), config.ingest().heartbeat());
                try {
                    Thread.sleep(config.ingest().heartbeat().toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Why the last start attempt failed while the ingest waits for the broker or the API server, or null. */
    public String startProblem() {
        return startProblem;
    }

    /**
     * Shutdown: ends a listing in progress at once and stops watching. The listing holds {@link #start()}'s lock and
     * may wait minutes for an unreachable API server or broker, so this neither takes that lock nor waits for it.
     */
    @PreDestroy
    public void shutDown() {
        closed = true;
        Thread thread = starting;
        if (thread != null) {
            // every wait of the listing (topic creation, the informers' lists, publishing) ends on an interrupt
            thread.interrupt();
        }
        stop();
    }

    /** Stops watching; changes made meanwhile reach the topic with the next {@link #start()}'s listing. */
    public void stop() {
        stopMarkers();
        synchronized (informers) {
            informers.forEach(SharedIndexInformer::close);
            informers.clear();
        }
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the state topic", e);
        } catch (Exception e) {
            throw new RetryableStartException("cannot prepare the state topic: " + e, e);
        }
        epoch = Math.max(epoch + 1, System.currentTimeMillis());
        publisher.onFailure(this::fault);
        // a complete listing repairs whatever an earlier fault lost; one that happens during it is counted
        fault.set(null);
        long faultsBefore = faults.get();
        client = clients.get();
        apiObjects = new ApiObjects(client.getKubernetesSerialization(), extensions.customReferrers());
        List<String> namespaces = List.copyOf(scope.namespaces());
        boolean complete = true;
        missingApis.clear();
        for (WatchedKind kind : watchedKinds) {
            complete &= watch(kind, namespaces);
            if (closed) {
                return;
            }
        }
        if (!complete) {
            // the informers of the kinds listed so far go; the next attempt starts them again
            String why = "not every kind could be listed (" + kindStatus() + ")";
            synchronized (informers) {
                informers.forEach(SharedIndexInformer::close);
                informers.clear();
            }
            throw new RetryableStartException(why, null);
        }
        ScheduledExecutorService markers = startMarkers();
        if (markers == null) {
            return;
        }
        String early = fault.get();
        if (early != null) {
            markers.execute(() -> writeMarker(faultMarker(early)));
        }
        try {
            SyncMarker marker = completeListing(false);
            if (faults.get() != faultsBefore) {
                fault("a publish failed during the listing");
            } else {
                markers.execute(() -> writeMarker(marker));
            }
        } catch (RuntimeException e) {
            fault("the listing could not be completed: " + e);
        }
    }

    /**
     * What follows a listing: everything the informers hold is published (again), then tombstones for what the topic
     * holds but the informers do not. Also after the first listing, whose objects the informers' handlers publish as
     * well: an informer hands its listed objects to its handler asynchronously, after its start has completed, so on a
     * busy machine some were not yet published when the marker was written — the graph was synced and fresh without
     * them, and a run deleted the layers of a tag head it did not know (the chaos soak, seed 803048). The duplicates
     * cost a second record per object at start only.
     *
     * @param relist whether this follows a fault (for the log)
     * @return the marker to write once nothing failed meanwhile
     */
    private SyncMarker completeListing(boolean relist) {
        List<String> namespaces = List.copyOf(scope.namespaces());
        Set<String> listed = new HashSet<>();
        Map<String, Integer> perKind = new TreeMap<>();
        for (SharedIndexInformer<HasMetadata> informer : informers) {
            List<HasMetadata> snapshot = informer.getStore().list();
            for (HasMetadata object : snapshot) {
                String key = key(object);
                if (key != null) {
                    listed.add(key);
                    perKind.merge(object.getKind(), 1, Integer::sum);
                }
            }
            RelistRepublish.republish(snapshot, informer.getStore()::get, eventLock, this::republishOne);
        }
        publisher.flush();
        Set<String> gone = new HashSet<>();
        for (String key : topicKeys.liveKeys()) {
            if (!listed.contains(key) && inScope(key, namespaces)) {
                gone.add(key);
            }
        }
        int tombstones;
        synchronized (eventLock) {
            // the stores as they are now: an informer updates its store before it tells its handler, so what a watch
            // added since the listing is either seen here or published after these tombstones
            tombstones = TombstoneChoice.publishAbsent(gone, storeKeys(), key -> publisher.publish(key, null));
        }
        publisher.flush();
        LOG.infof("%s the cluster (%s), removed %d objects deleted meanwhile, sync marker epoch %d",
                relist ? "relisted" : "listed", perKind, tombstones, epoch);
        return new SyncMarker(config.ingest().id(), epoch, Instant.now(), perKind).withScope(scope);
    }

    private void republishOne(HasMetadata object) {
        watchedKinds.stream().filter(k -> k.kind().equals(object.getKind())).findFirst()
                .ifPresent(kind -> changed(kind, object, "relist"));
    }

    // ------------------------------------------------------------------------------------ heartbeats and faults

    /** The marker thread, started now if needed; null once shut down. */
    private ScheduledExecutorService startMarkers() {
        synchronized (markerLock) {
            if (closed) {
                return null;
            }
            if (markers != null) {
                return markers;
            }
            long every = config.ingest().heartbeat().toMillis();
            if (every <= 0) {
                throw new IllegalArgumentException("imageprune.ingest.heartbeat must be positive, got "
                        + config.ingest().heartbeat());
            }
            markers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "imageprune-ingest-markers");
                thread.setDaemon(true);
                return thread;
            });
            markers.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
            return markers;
        }
    }

    private void stopMarkers() {
        synchronized (markerLock) {
            if (markers != null) {
                markers.shutdownNow();
                markers = null;
            }
        }
    }

    /** The ingest's topic may lack changes from now on; says so on the topic at once (once per fault). */
    private void fault(String why) {
        faults.incrementAndGet();
        registry.counter(IngestMetrics.FAULTS).increment();
        if (fault.compareAndSet(null, why)) {
            LOG.errorf("ingest fault: %s; the graph is stale until the ingest has relisted", why);
            ScheduledExecutorService executor = markers;
            try {
                if (executor != null) {
                    executor.execute(() -> writeMarker(faultMarker(why)));
                }
            } catch (RejectedExecutionException stopping) {
                // the ingest is stopping: the next start lists everything anyway
            }
        }
    }

    private SyncMarker faultMarker(String why) {
        SyncMarker last = lastMarker;
        SyncMarker base = last != null ? last
                : new SyncMarker(config.ingest().id(), epoch, Times.ZERO, Map.of()).withScope(scope);
        return base.withFault(why);
    }

    /** On the marker thread: relist after a fault, else a heartbeat marker once everything published is acked. */
    private void beat() {
        try {
            String lost = lostWatches();
            if (lost != null) {
                fault("watch lost: " + lost);
                return;
            }
            watchAppearedApis();
            String why = fault.get();
            long before = faults.get();
            if (why != null) {
                relist(why, before);
                return;
            }
            SyncMarker last = lastMarker;
            publisher.flush();
            if (last != null && faults.get() == before && fault.get() == null) {
                writeMarker(last.withFault(null));
            }
        } catch (RuntimeException e) {
            fault("heartbeat failed: " + e);
        }
    }

    private void relist(String why, long faultsBefore) {
        epoch = Math.max(epoch + 1, System.currentTimeMillis());
        LOG.infof("relisting after: %s", why);
        SyncMarker marker = completeListing(true);
        // cleared first: a fault from here on writes its own marker after this one
        if (!fault.compareAndSet(why, null)) {
            return;
        }
        if (faults.get() != faultsBefore) {
            fault.compareAndSet(null, "a publish failed during the relist");
            return;
        }
        writeMarker(marker);
        registry.counter(IngestMetrics.RELISTS).increment();
    }

    private void writeMarker(SyncMarker marker) {
        if (marker.fault() == null) {
            lastMarker = marker;
        }
        publisher.publish(marker.key(), codec.encode(marker));
        publisher.flush();
    }

    /**
     * Informers that were not watching at this beat and the one before (a watch that is merely being renewed is not
     * lost), or null. A relist follows once they watch again.
     */
    private String lostWatches() {
        Set<SharedIndexInformer<HasMetadata>> notWatching = new HashSet<>();
        List<String> lost = new ArrayList<>();
        for (SharedIndexInformer<HasMetadata> informer : informers) {
            if (!informer.isWatching()) {
                notWatching.add(informer);
                if (notWatchingBefore.contains(informer)) {
                    lost.add(informer.getApiTypeClass().getSimpleName());
                }
            }
        }
        notWatchingBefore = notWatching;
        return lost.isEmpty() ? null : String.join(", ", lost);
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
            synchronized (informers) {
                if (closed) {
                    // shutDown() has already closed what was there
                    started.forEach(SharedIndexInformer::close);
                    return false;
                }
                informers.addAll(started);
            }
            kindStatus.put(kind.kind(), "watching");
            return true;
        } catch (Exception e) {
            started.forEach(SharedIndexInformer::close);
            if (closed) {
                return false;
            }
            int status = statusOf(e);
            if (status != 0 && status == kind.toleratedStatus()) {
                String why = status == 404 ? "API not available, treated as empty (as oc does)"
                        : "forbidden, treated as empty (as oc does): grant list/watch on " + kind.kind();
                LOG.warnf("%s: %s", kind.kind(), why);
                kindStatus.put(kind.kind(), why);
                if (status == 404 && !WatchedKind.ALL.contains(kind)) {
                    missingApis.add(kind);
                }
                return true;
            }
            LOG.errorf(e, "%s: cannot list", kind.kind());
            kindStatus.put(kind.kind(), "failed: " + e.getMessage());
            return false;
        }
    }

    /**
     * On the marker thread: a custom resource kind whose CRD was missing is watched as soon as it is installed. Its
     * objects reach the topic through the informer's handlers before the next marker (which flushes first); a kind
     * that now fails otherwise (e.g. forbidden) is a fault, so the graph is not synced until it can be listed.
     */
    private void watchAppearedApis() {
        long now = System.nanoTime();
        if (missingApis.isEmpty() || closed || now - lastApiCheck < config.ingest().missingApiCheck().toNanos()) {
            return;
        }
        lastApiCheck = now;
        List<String> namespaces = List.copyOf(scope.namespaces());
        for (WatchedKind kind : List.copyOf(missingApis)) {
            missingApis.remove(kind);
            if (!watch(kind, namespaces)) {
                fault("cannot watch " + kind.kind() + " after its API appeared: " + kindStatus.get(kind.kind()));
            } else if ("watching".equals(kindStatus.get(kind.kind()))) {
                LOG.infof("%s: the API appeared, watching it now", kind.kind());
            }
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
                    synchronized (eventLock) {
                        publisher.publish(key, null);
                    }
                }
            }
        });
        try {
            informer.start().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            informer.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            informer.close();
            throw e;
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
            reportUnsafeIdentities(kind, model);
            byte[] value = codec.encode(model);
            synchronized (eventLock) {
                publisher.publish(ProjectionKeys.of(model), value);
            }
        } catch (RuntimeException e) {
            // an object left out is a holder the graph does not see: the topic lacks it, so no marker may say
            // otherwise until it can be projected (fixed or deleted) — the next change or relist retries it
            registry.counter(IngestMetrics.EVENTS_BAD, "kind", kind.kind()).increment();
            String what = kind.kind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
            LOG.errorf("cannot project %s: %s", what, e.getMessage());
            fault("cannot project " + what + ": " + e.getMessage());
        }
    }

    /**
     * An object whose identity must not reach a URL is published all the same: dropped, it would stop protecting
     * what it holds. The planner refuses on it (or keeps it and all it names); here it is logged and counted.
     */
    private void reportUnsafeIdentities(WatchedKind kind, Object model) {
        List<String> problems = Identities.problems(model);
        if (!problems.isEmpty()) {
            registry.counter(IngestMetrics.IDENTITIES_INVALID, "kind", kind.kind()).increment();
            problems.forEach(problem -> LOG.warnf("identity not safe in a URL, treated as an invalid reference: %s",
                    problem));
        }
    }

    /** The keys every informer's store holds at this moment. */
    private Set<String> storeKeys() {
        Set<String> keys = new HashSet<>();
        for (SharedIndexInformer<HasMetadata> informer : informers) {
            for (HasMetadata object : informer.getStore().list()) {
                String key = key(object);
                if (key != null) {
                    keys.add(key);
                }
            }
        }
        return keys;
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

    /** The broker did not answer the topic check, or a kind could not be listed: worth trying again. */
    private static final class RetryableStartException extends IllegalStateException {
        RetryableStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
