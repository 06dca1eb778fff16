package io.imageprune.testkit;

import io.imageprune.testkit.TcpRelay;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.openshift.api.model.Build;
import io.fabric8.openshift.api.model.Image;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.client.OpenShiftClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock API server as the service's cluster, reached through a {@link TcpRelay} so that watches can be
 * dropped, failed with 410 Gone, or the server replaced by a new one holding the same objects less those deleted while
 * it was away. Like a real API server its resource versions only grow (a replacement goes on from the old one's) and a
 * watch from a version older than its history answers 410 Gone, which makes informers list again.
 */
public final class ApiServer implements AutoCloseable {
    private static final List<Class<? extends HasMetadata>> KINDS = List.of(Image.class, ImageStream.class, Pod.class,
            Deployment.class, Build.class, LimitRange.class, Lease.class);

    private KubernetesMockServer server;
    private GoneAwareDispatcher dispatcher;
    private final TcpRelay relay;
    private final OpenShiftClient client;

    public ApiServer() {
        dispatcher = new GoneAwareDispatcher(0);
        server = startServer(dispatcher);
        relay = new TcpRelay(server.getPort());
        Config config = new ConfigBuilder().withMasterUrl(url()).withTrustCerts(true).withNamespace("imageprune")
                .withRequestRetryBackoffLimit(5).withRequestRetryBackoffInterval(200).build();
        client = new KubernetesClientBuilder().withConfig(config).build().adapt(OpenShiftClient.class);
    }

    /** The API server URL the service and the harness use (the relay's). */
    public String url() {
        return "http://127.0.0.1:" + relay.port();
    }

    public OpenShiftClient client() {
        return client;
    }

    /** Cuts every open connection: watches must be re-established (and may have to relist). */
    public void dropWatches() {
        relay.dropAll();
    }

    /** Cuts every open connection and answers 410 Gone to any watch from before now: every informer lists again. */
    public void goneWatches() {
        dispatcher.listedSinceGone.clear();
        dispatcher.goneBelow = dispatcher.requestResourceVersion();
        relay.dropAll();
    }

    /**
     * Cuts every open connection and answers every watch 503 until {@link #restoreWatches()}: informers stop watching
     * (their watch managers retry in the background) while lists and writes still work, as when an API server sheds
     * its watches.
     */
    public void loseWatches() {
        dispatcher.refusingWatches = true;
        relay.dropAll();
    }

    /**
     * Watches are served again, and those from before now are answered 410 Gone (the server's history moved on
     * meanwhile), so every informer lists again: the changes made while they were lost reach them only that way.
     */
    public void restoreWatches() {
        dispatcher.refusingWatches = false;
        goneWatches();
    }

    /**
     * Replaces the server by a new, empty one, fills it with every object of the old one for which {@code keep} holds
     * (the others are the deletions made while it was away) and sends new connections there.
     *
     * @return the objects not carried over
     */
    public synchronized List<HasMetadata> restart(Predicate<HasMetadata> keep) {
        List<HasMetadata> all = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : KINDS) {
            all.addAll(kind == Image.class ? client.resources(kind).list().getItems()
                    : client.resources(kind).inAnyNamespace().list().getItems());
        }
        long lastVersion = dispatcher.requestResourceVersion();
        server.destroy();
        relay.dropAll();
        // the new server's history starts after everything the old one served: older watches are answered 410 Gone
        dispatcher = new GoneAwareDispatcher(lastVersion + 1000);
        server = startServer(dispatcher);
        OpenShiftClient fresh = server.createClient().adapt(OpenShiftClient.class);
        List<HasMetadata> dropped = new ArrayList<>();
        for (HasMetadata object : all) {
            if (!keep.test(object)) {
                dropped.add(object);
                continue;
            }
            object.getMetadata().setResourceVersion(null);
            object.getMetadata().setUid(null);
            fresh.resource(object).create();
        }
        relay.target(server.getPort());
        relay.dropAll();
        fresh.close();
        return dropped;
    }

    @Override
    public void close() {
        client.close();
        relay.close();
        server.destroy();
    }

    private static KubernetesMockServer startServer(GoneAwareDispatcher dispatcher) {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        s.init(InetAddress.getLoopbackAddress(), 0);
        return s;
    }

    /** The CRUD dispatcher with resource versions from {@code base} on and 410 Gone for watches older than its history. */
    private static final class GoneAwareDispatcher extends KubernetesCrudDispatcher {
        private static final Pattern WATCH_FROM = Pattern.compile("[?&]resourceVersion=(\\d+)");
        private final long base;
        volatile long goneBelow;
        /**
         * Resource paths listed since the watches went: a real API server's list returns its current version, from
         * which a watch never gets 410. This mock's list may return a version below {@link #goneBelow}: without this,
         * a kind (Builds) got 410 right after every list, for good — the ingests of the 30-minute soak of 2026-12-02
         * (seed 663170) never completed a listing again and nothing was pruned.
         */
        final java.util.Set<String> listedSinceGone = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** While set, every watch is answered 503 ({@link #loseWatches()}). */
        volatile boolean refusingWatches;

        GoneAwareDispatcher(long base) {
            this.base = base;
            this.goneBelow = base;
        }

        @Override
        public long requestResourceVersion() {
            return base + super.requestResourceVersion();
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            String resource = path.split("\\?", 2)[0];
            if ("GET".equals(request.getMethod()) && !path.contains("watch=true")) {
                listedSinceGone.add(resource);
            }
            if (refusingWatches && "GET".equals(request.getMethod()) && path.contains("watch=true")) {
                return new MockResponse().setResponseCode(503).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"status\":\"Failure\",\"message\":\"watches are not served\",\"code\":503}");
            }
            if ("GET".equals(request.getMethod()) && path.contains("watch=true") && !listedSinceGone.contains(resource)) {
                Matcher from = WATCH_FROM.matcher(path);
                if (from.find() && Long.parseLong(from.group(1)) != 0 && Long.parseLong(from.group(1)) < goneBelow) {
                    return expired(from.group(1));
                }
            }
            return super.dispatch(request);
        }

        /**
         * A watch from before the history, as a real API server answers it: the watch opens, then an ERROR event with
         * a 410 Status, on which an informer lists again. (An HTTP 410 on the upgrade itself, as this mock answered
         * before, makes fabric8 retry the same watch for good without listing: its store stayed stale, and the
         * 30-minute soak of seed 227948 ended with the graph holding objects deleted long before.)
         */
        private static MockResponse expired(String version) {
            String status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"too old resource version: " + version + "\",\"reason\":\"Expired\",\"code\":410}";
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket webSocket, Response response) {
                    webSocket.send("{\"type\":\"ERROR\",\"object\":" + status + "}");
                    webSocket.close(1000, "expired");
                }
            });
        }
    }
}
