package io.imageprune.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.config.ImagePruneConfig.RegistryFlavour;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST client and the ping against a recording HTTP server. A Quarkus test because the REST client's
 * implementation is generated at build time.
 */
@QuarkusTest
class RegistryClientTest {
    private static final String TOKEN = "sha256~secret-token";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private RecordingRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new RecordingRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistryClient client(Optional<String> token, RegistryFlavour flavour, Duration timeout) {
        RegistryTransport transport = new RegistryTransport(false, Optional.empty(), token, timeout,
                Duration.ofSeconds(2));
        return new RegistryClient(transport.open(registry.url()), registry.url(), flavour, timeout);
    }

    private RegistryClient client() {
        return client(Optional.of(TOKEN), RegistryFlavour.OPENSHIFT, TIMEOUT);
    }

    private static RegistryException failure(io.smallrye.mutiny.Uni<Void> call) {
        return assertThrows(RegistryException.class, () -> call.await().indefinitely());
    }

    @Test
    void requestShapeVectors() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/conformance/extras/request-shapes.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int run = 0;
        for (JsonNode c : root.get("cases")) {
            if (!c.has("registryURL")) {
                continue; // image object deletions are API calls, not registry requests
            }
            JsonNode call = c.get("call");
            assertEquals("deleteLayerLink", call.get("op").asText());
            registry.replyToAll(c.get("registryResponseStatus").asInt(), "");
            int before = registry.requests().size();
            try (RegistryClient client = client()) {
                io.smallrye.mutiny.Uni<Void> result = client.deleteLayerLink(call.get("repo").asText(),
                        call.get("blob").asText());
                if (c.get("registryResponseStatus").asInt() == 404) {
                    result.await().indefinitely();
                } else {
                    assertEquals("503 Service Unavailable", failure(result).getMessage());
                }
            }
            // "DELETE https://registry1/v2/repo/blobs/layer1": the vector's host stands for the pinged registry URL
            String expected = c.get("expectedRequests").get(0).asText();
            URI uri = URI.create(expected.substring(expected.indexOf(' ') + 1));
            assertEquals(List.of("DELETE " + uri.getRawPath()), registry.requests().subList(before, before + 1)
                    .stream().map(RecordingRegistry.Request::line).toList(), c.get("test").asText());
            run++;
        }
        assertEquals(2, run);
    }

    @Test
    void urlTemplatesKeepTheRepositorySlash() {
        try (RegistryClient client = client()) {
            client.deleteLayerLink("ns/name", DIGEST).await().indefinitely();
            client.deleteManifestLink("ns/name", DIGEST).await().indefinitely();
            client.deleteBlob(DIGEST).await().indefinitely();
        }
        assertEquals(List.of("DELETE /v2/ns/name/blobs/" + DIGEST, "DELETE /v2/ns/name/manifests/" + DIGEST,
                "DELETE /admin/blobs/" + DIGEST), registry.requests().stream().map(RecordingRegistry.Request::line)
                .toList());
    }

    @Test
    void answerRules() {
        try (RegistryClient client = client()) {
            for (int ok : new int[]{202, 204, 404}) {
                registry.replyToAll(ok, "");
                client.deleteManifestLink("ns/name", DIGEST).await().indefinitely();
            }
            registry.replyToAll(503, "");
            RegistryException unavailable = failure(client.deleteLayerLink("ns/name", DIGEST));
            assertEquals("503 Service Unavailable", unavailable.getMessage());
            assertTrue(unavailable.retryable());

            registry.replyToAll(400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\"}]}");
            RegistryException bad = failure(client.deleteManifestLink("ns/name", DIGEST));
            assertEquals("400 Bad Request", bad.getMessage());
            assertFalse(bad.retryable());

            registry.replyToAll(200, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}");
            RegistryException listed = failure(client.deleteBlob(DIGEST));
            assertEquals("blob unknown: blob unknown to registry", listed.getMessage());
            assertEquals("BLOB_UNKNOWN", listed.errors().get(0).code());
            assertFalse(listed.retryable());

            registry.replyToAll(200, "");
            assertEquals("EOF", failure(client.deleteBlob(DIGEST)).getMessage());
        }
    }

    @Test
    void basicAuthWithRandomUserAndTokenPassword() {
        try (RegistryClient client = client()) {
            client.deleteBlob(DIGEST).await().indefinitely();
            client.deleteBlob(DIGEST).await().indefinitely();
        }
        List<String> users = registry.requests().stream().map(r -> {
            assertTrue(r.authorization().startsWith("Basic "), r.authorization());
            String pair = new String(Base64.getDecoder().decode(r.authorization().substring(6)),
                    StandardCharsets.UTF_8);
            assertEquals(TOKEN, pair.substring(pair.indexOf(':') + 1));
            return pair.substring(0, pair.indexOf(':'));
        }).toList();
        assertTrue(users.get(0).matches("[a-z]{5}"), users.get(0));
        assertEquals(users.get(0), users.get(1), "one user name per connection");
    }

    @Test
    void noAuthorizationWithoutToken() {
        Optional<String> token = RegistryConnections.readToken(Path.of("/nonexistent/imageprune/token"));
        assertTrue(token.isEmpty());
        try (RegistryClient client = client(token, RegistryFlavour.OPENSHIFT, TIMEOUT)) {
            client.deleteLayerLink("ns/name", DIGEST).await().indefinitely();
        }
        assertNull(registry.requests().get(0).authorization());
    }

    @Test
    void distributionRegistriesRefuseGlobalBlobDeletion() {
        try (RegistryClient client = client(Optional.of(TOKEN), RegistryFlavour.DISTRIBUTION, TIMEOUT)) {
            assertFalse(client.deletesGlobalBlobs());
            RegistryException e = failure(client.deleteBlob(DIGEST));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().contains("/admin/blobs"), e.getMessage());
            client.deleteLayerLink("ns/name", DIGEST).await().indefinitely();
        }
        assertEquals(List.of("DELETE /v2/ns/name/blobs/" + DIGEST),
                registry.requests().stream().map(RecordingRegistry.Request::line).toList());
    }

    @Test
    void connectionRefusedIsRetryableWithTheUnderlyingText() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        RegistryTransport transport = new RegistryTransport(false, Optional.empty(), Optional.empty(), TIMEOUT,
                Duration.ofSeconds(2));
        String url = "http://127.0.0.1:" + port;
        try (RegistryClient client = new RegistryClient(transport.open(url), url, RegistryFlavour.OPENSHIFT,
                TIMEOUT)) {
            RegistryException e = failure(client.deleteLayerLink("ns/name", DIGEST));
            assertTrue(e.retryable());
            assertEquals(0, e.status());
            assertTrue(e.getMessage().toLowerCase().contains("connection refused"), e.getMessage());
        }
    }

    @Test
    void timeoutIsRetryable() {
        registry.hang();
        try (RegistryClient client = client(Optional.empty(), RegistryFlavour.OPENSHIFT, Duration.ofMillis(300))) {
            RegistryException e = failure(client.deleteLayerLink("ns/name", DIGEST));
            assertTrue(e.retryable(), e.getMessage());
        }
    }

    @Test
    void blockingAdapterThrowsTheFailure() throws Exception {
        registry.replyToAll(503, "");
        try (RegistryClient client = client()) {
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client.blocking().deleteManifestLink("ns/name", DIGEST));
            assertEquals("503 Service Unavailable", e.getMessage());
            registry.replyToAll(404, "");
            client.blocking().deleteBlob(DIGEST);
        }
    }

    private static RegistryPinger pinger() {
        return pinger(true);
    }

    /** A short timeout: the JDK server never answers a TLS hello, so an https attempt ends by timing out. */
    private static RegistryPinger pinger(boolean insecure) {
        return pinger(insecure, Duration.ofSeconds(2));
    }

    private static RegistryPinger pinger(boolean insecure, Duration timeout) {
        RegistryTransport transport = new RegistryTransport(insecure, Optional.empty(), Optional.of(TOKEN),
                timeout, timeout);
        return new RegistryPinger(RegistryConnections.probe(transport));
    }

    @Test
    void pingOverPlainHttp() {
        registry.replyToAll(200, "");
        assertEquals(registry.url(), pinger().ping(registry.url(), true, true).await().indefinitely());
        assertEquals(List.of("GET /"), registry.requests().stream().map(RecordingRegistry.Request::line).toList());
        assertTrue(registry.requests().get(0).authorization().startsWith("Basic "));
    }

    @Test
    void pingFallsBackToHealthz() {
        registry.replyToAll(404, "");
        registry.reply("/healthz", 200, "");
        assertEquals(registry.url(), pinger().ping("http://" + registry.hostPort(), true, true)
                .await().indefinitely());
        assertEquals(List.of("GET /", "GET /healthz"),
                registry.requests().stream().map(RecordingRegistry.Request::line).toList());
    }

    @Test
    void pingTriesHttpsFirstWhenInsecure() {
        registry.replyToAll(404, "");
        registry.reply("/healthz", 200, "");
        assertEquals(registry.url(), pinger().ping(registry.hostPort(), true, false).await().indefinitely());
        // the https attempts reach the server only as TLS bytes it cannot read: just the plain GETs are recorded
        assertEquals(List.of("GET /", "GET /healthz"),
                registry.requests().stream().map(RecordingRegistry.Request::line).toList());
    }

    @Test
    void pingFailureJoinsTheLastPathsErrors() {
        registry.replyToAll(404, "");
        RegistryException e = assertThrows(RegistryException.class,
                () -> pinger().ping(registry.hostPort(), true, true).await().indefinitely());
        String prefix = "failed to ping registry " + registry.hostPort() + ": [Get \"https://" + registry.hostPort()
                + "/healthz\": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertTrue(e.getMessage().endsWith(", unexpected status: 404 Not Found]"), e.getMessage());
    }

    @Test
    void httpAnswerToHttpsIsReportedInGoWordsWithTheHint() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (java.io.IOException ignored) {
                    // the test's assertion tells what happened
                }
            });
            answer.start();
            String host = "127.0.0.1:" + plain.getLocalPort();
            RegistryException e = assertThrows(RegistryException.class,
                    // the answer comes at once; the long timeout only absorbs a slow first TLS set-up on a busy machine
                    () -> pinger(false, Duration.ofSeconds(20)).ping(host, false, true).await().indefinitely());
            answer.join(5000);
            assertTrue(e.getMessage().startsWith("failed to ping registry " + host + ": [Get \"https://" + host
                    + "/\": server gave HTTP response to HTTPS client"), e.getMessage());
            assertTrue(e.getMessage().endsWith(RegistryPinger.HINT_FORCE_INSECURE + "]"), e.getMessage());
            assertFalse(e.retryable());
        }
    }
    @Test
    void hostileIdentitiesAreRefusedWithoutARequest() {
        List<String> digests = List.of(DIGEST + "?evil", DIGEST + "#x", "sha256:x/../../v2/ns/name/manifests/" + DIGEST,
                DIGEST + "%2F..", "..", "", DIGEST + " ");
        List<String> repos = List.of("ns/name%2F..", "ns/name x", "ns/../v2", "ns/name?x", "NS/name");
        try (RegistryClient client = client()) {
            for (String digest : digests) {
                for (io.smallrye.mutiny.Uni<Void> call : List.of(client.deleteLayerLink("ns/name", digest),
                        client.deleteManifestLink("ns/name", digest), client.deleteBlob(digest))) {
                    RegistryException refused = failure(call);
                    assertFalse(refused.retryable(), refused.getMessage());
                    assertTrue(refused.getMessage().startsWith("request not sent: digest "
                            + io.imageprune.reference.GoQuote.quote(digest) + ": "), refused.getMessage());
                }
            }
            for (String repo : repos) {
                RegistryException refused = failure(client.deleteLayerLink(repo, DIGEST));
                assertFalse(refused.retryable());
                assertTrue(refused.getMessage().startsWith("request not sent: repository "
                        + io.imageprune.reference.GoQuote.quote(repo) + ": "), refused.getMessage());
                failure(client.deleteManifestLink(repo, DIGEST));
            }
        }
        assertEquals(List.of(), registry.requests(), "nothing hostile reaches the registry");
    }

    @Test
    void aManifestIsDeletedByDigestOnlyNeverByATagName() {
        try (RegistryClient client = client()) {
            for (String notADigest : List.of("latest", "layer1", "v1.0", "sha256")) {
                RegistryException refused = failure(client.deleteManifestLink("ns/name", notADigest));
                assertFalse(refused.retryable(), refused.getMessage());
                assertTrue(refused.getMessage().contains("a manifest is deleted by digest only"), refused.getMessage());
            }
            client.deleteManifestLink("ns/name", DIGEST).await().indefinitely();
        }
        assertEquals(List.of("DELETE /v2/ns/name/manifests/" + DIGEST), registry.requests().stream()
                .map(RecordingRegistry.Request::line).toList(), "only the digest reached the registry");
    }

    @Test
    void ocsOddButSafeNamesAreSentAsTheyAre() {
        String tarsum = "tarsum.dev+sha256:" + "cd".repeat(32);
        try (RegistryClient client = client()) {
            client.deleteLayerLink("ns/name", tarsum).await().indefinitely();
            client.deleteLayerLink("ns/my.app_x", "layer1").await().indefinitely();
            client.deleteBlob(tarsum).await().indefinitely();
        }
        assertEquals(List.of("DELETE /v2/ns/name/blobs/" + tarsum, "DELETE /v2/ns/my.app_x/blobs/layer1",
                "DELETE /admin/blobs/" + tarsum), registry.requests().stream().map(RecordingRegistry.Request::line)
                .toList());
    }
}
