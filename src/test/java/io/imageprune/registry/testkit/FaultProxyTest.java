package io.imageprune.registry.testkit;

import io.imageprune.registry.testkit.RegistryPusher.PushedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultProxyTest {
    private static DistributionRegistry registry;
    private static FaultProxy proxy;
    private static RegistryPusher direct;
    private static RegistryPusher proxied;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        registry = DistributionRegistry.launch();
        proxy = new FaultProxy(registry.url());
        direct = new RegistryPusher(registry.url());
        proxied = new RegistryPusher(proxy.url());
    }

    @AfterAll
    static void close() {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @AfterEach
    void reset() {
        proxy.clearRules();
        proxy.clearRequests();
        registry.start();
    }

    @Test
    void forwardsAPushIncludingTheUploadLocations() {
        PushedImage img = proxied.push("proxy/push", "v1", List.of("via proxy", "second layer"));

        assertTrue(direct.pull("proxy/push", img.manifestDigest()));
        assertEquals(200, proxied.blobStatus("proxy/push", img.layerDigest()));
        List<FaultProxy.Recorded> puts = proxy.requests("PUT", "/v2/proxy/push/blobs/uploads/.*digest=.*");
        assertEquals(3, puts.size(), "two layers and the config went through the proxy: " + proxy.requests());
        puts.forEach(r -> assertEquals(201, r.status()));
    }

    @Test
    void failsTheFirstTwoDeletesThenForwards() {
        PushedImage img = direct.push("proxy/retry", "v1", "retry me");
        proxy.failFirst(2, 500, "DELETE", "/v2/.*");

        assertEquals(500, proxied.deleteManifest("proxy/retry", img.manifestDigest()));
        assertEquals(500, proxied.deleteManifest("proxy/retry", img.manifestDigest()));
        assertEquals(200, direct.manifestStatus("proxy/retry", img.manifestDigest()), "injected faults never reach it");
        assertEquals(202, proxied.deleteManifest("proxy/retry", img.manifestDigest()));
        assertEquals(404, direct.manifestStatus("proxy/retry", img.manifestDigest()));

        List<FaultProxy.Recorded> deletes = proxy.requests("DELETE", ".*");
        assertEquals(List.of(500, 500, 202), deletes.stream().map(FaultProxy.Recorded::status).toList());
        assertEquals(List.of(true, true, false), deletes.stream().map(FaultProxy.Recorded::injected).toList());
    }

    @Test
    void failsEveryMatchingRequestUntilRemoved() {
        PushedImage img = direct.push("proxy/always", "v1", "always");
        FaultProxy.Rule rule = proxy.failAlways(503, "HEAD", "/v2/proxy/always/blobs/.*");

        assertEquals(503, proxied.blobStatus("proxy/always", img.layerDigest()));
        assertEquals(503, proxied.blobStatus("proxy/always", img.configDigest()));
        assertEquals(200, proxied.manifestStatus("proxy/always", "v1"), "other requests pass");
        rule.remove();
        assertEquals(200, proxied.blobStatus("proxy/always", img.layerDigest()));
    }

    @Test
    void stopHookMakesTheRequestFailAsATransportError() {
        PushedImage img = direct.push("proxy/dead", "v1", "dead registry");
        proxy.onRequest(FaultProxy.matching("DELETE", "/v2/.*/blobs/.*"), registry::stop);

        HttpRequest delete = HttpRequest.newBuilder(URI.create(proxy.url() + "/v2/proxy/dead/blobs/" + img.layerDigest()))
                .timeout(Duration.ofSeconds(10)).DELETE().build();
        assertThrows(IOException.class, () -> CLIENT.send(delete, HttpResponse.BodyHandlers.ofString()));

        assertFalse(registry.isRunning());
        List<FaultProxy.Recorded> seen = proxy.requests("DELETE", ".*");
        assertEquals(1, seen.size());
        assertEquals(FaultProxy.NO_RESPONSE, seen.get(0).status());
        registry.start();
        assertEquals(200, direct.blobStatus("proxy/dead", img.layerDigest()), "the delete never reached the registry");
    }

    @Test
    void concurrentRequestsAreNotSerialised() throws Exception {
        int clients = 8;
        CountDownLatch allArrived = new CountDownLatch(clients);
        // every request waits in the hook until all have arrived: only possible if the proxy handles them concurrently
        for (int i = 0; i < clients; i++) {
            proxy.onRequest(FaultProxy.matching("GET", "/v2/\\?n=" + i), () -> {
                allArrived.countDown();
                try {
                    allArrived.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            calls.add(CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(proxy.url() + "/v2/?n=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertEquals(200, c.get(15, TimeUnit.SECONDS).statusCode());
        }
        assertEquals(0, allArrived.getCount());
        assertEquals(clients, proxy.requests("GET", "/v2/.*").size());
    }

    @Test
    void delaysMatchingRequestsConcurrentlyUntilRemoved() throws Exception {
        Duration delay = Duration.ofMillis(300);
        FaultProxy.Rule rule = proxy.delay(delay, "GET", "/v2/\\?slow=.*");
        int clients = 8;
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            calls.add(CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(proxy.url() + "/v2/?slow=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            assertEquals(200, c.get(15, TimeUnit.SECONDS).statusCode());
        }
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < clients * delay.toNanos(), "delayed requests overlap, a remote registry's round trips do");
        for (FaultProxy.Recorded r : proxy.requests("GET", "/v2/\\?slow=.*")) {
            assertTrue(r.doneNanos() - r.receivedNanos() >= delay.toNanos(), "held back before forwarding: " + r);
        }

        // a delay far beyond the client's timeout shows that a removed rule no longer applies, without timing a fast
        // request on a busy machine
        rule.remove();
        proxy.delay(Duration.ofSeconds(60), "GET", "/v2/\\?slow=.*").remove();
        HttpResponse<String> fast = CLIENT.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/v2/?slow=after"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, fast.statusCode());
        assertThrows(IllegalArgumentException.class, () -> proxy.delay(Duration.ofMillis(-1), "GET", ".*"));
    }
}
