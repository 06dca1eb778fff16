package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.imageprune.testkit.SettingsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may {@code POST /api/v1/runs} when it is enabled and authenticating: the mock API (expectations mode) answers
 * TokenReviews by the token in the request and SubjectAccessReviews by the user. A caller who passes reaches the
 * runner, which answers 503 (the state role is off in tests, so the graph is never synced): that is how the test
 * knows the authorization let it through without starting a run.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = false, setup = RunsSecurityTest.Api.class)
@WithTestResource(RunsSecurityTest.Settings.class)
class RunsSecurityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** alice may delete images; bob is a user without that permission; the TokenReview of BROKEN fails (403). */
    private static final String ALICE = "sha256~alice-0f3c9a7d1e-secret";
    private static final String BOB = "sha256~bob-77a1c3e5b2-secret";
    private static final String UNKNOWN = "sha256~unknown-5d2e8b-secret";
    private static final String BROKEN = "sha256~broken-9e4f1a-secret";
    private static final List<String> TOKENS = List.of(ALICE, BOB, UNKNOWN, BROKEN);

    public static class Settings extends SettingsResource {
        @Override
        protected Map<String, String> settings() {
            // authenticate keeps its default (true); our own debug lines are captured as well; no broker here, so
            // the refused run's summary is not published (it would wait for the broker)
            return Map.of("imageprune.api.runs.enabled", "true", "imageprune.audit.enabled", "false",
                    "quarkus.log.category.\"io.imageprune\".level", "DEBUG");
        }
    }

    /** TokenReviews and SubjectAccessReviews answered from what the request asks. */
    public static class Api implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                    .andReply(new Reply(Api::tokenReview)).always();
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                    .andReply(new Reply(Api::accessReview)).always();
        }

        private static Answer tokenReview(JsonNode review) {
            String token = review.path("spec").path("token").asText();
            if (token.equals(BROKEN)) {
                return new Answer(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":403,"
                        + "\"reason\":\"Forbidden\",\"message\":\"tokenreviews is forbidden\"}");
            }
            ObjectNode answer = ((ObjectNode) review.deepCopy());
            ObjectNode status = answer.putObject("status");
            String user = token.equals(ALICE) ? "alice" : token.equals(BOB) ? "bob" : null;
            status.put("authenticated", user != null);
            if (user != null) {
                ObjectNode info = status.putObject("user");
                info.put("username", user);
                info.put("uid", user + "-uid");
                info.putArray("groups").add("system:authenticated").add(user + "-team");
                info.putObject("extra").putArray("scopes.authorization.openshift.io").add("user:full");
            } else {
                status.put("error", "[invalid bearer token, token lookup failed]");
            }
            return new Answer(201, answer.toString());
        }

        private static Answer accessReview(JsonNode review) {
            boolean allowed = review.path("spec").path("user").asText().equals("alice");
            ObjectNode answer = ((ObjectNode) review.deepCopy());
            answer.putObject("status").put("allowed", allowed)
                    .put("reason", allowed ? "RBAC: allowed by ClusterRoleBinding pruners" : "no RBAC policy matched");
            return new Answer(201, answer.toString());
        }
    }

    /** The body of a recorded request, without consuming it (getUtf8Body can be read once). */
    private static String body(RecordedRequest request) {
        return new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    private record Answer(int status, String body) {
    }

    private static final class Reply implements ResponseProvider<Object> {
        private final java.util.function.Function<JsonNode, Answer> answer;
        private Headers headers = Headers.builder().build();

        Reply(java.util.function.Function<JsonNode, Answer> answer) {
            this.answer = answer;
        }

        private Answer answer(RecordedRequest request) {
            try {
                return answer.apply(MAPPER.readTree(body(request)));
            } catch (Exception e) {
                return new Answer(400, "{}");
            }
        }

        @Override
        public Object getBody(RecordedRequest request) {
            return answer(request).body();
        }

        @Override
        public int getStatusCode(RecordedRequest request) {
            return answer(request).status();
        }

        @Override
        public Headers getHeaders() {
            return headers;
        }

        @Override
        public void setHeaders(Headers headers) {
            this.headers = headers;
        }
    }

    /** Every log record of the application while a test runs, as it would be printed (message, exception, causes). */
    private static final class Capture extends Handler {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                    : formatter.formatMessage(record);
            StringWriter text = new StringWriter().append(record.getLoggerName()).append(' ')
                    .append(String.valueOf(message));
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace(new PrintWriter(text));
            }
            lines.add(text.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        String all() {
            return String.join("\n", lines);
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    private final Capture log = new Capture();

    @BeforeEach
    void captureLogs() {
        log.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(log);
    }

    @AfterEach
    void noTokenInTheLogs() {
        Logger.getLogger("").removeHandler(log);
        String all = log.all();
        for (String token : TOKENS) {
            assertFalse(all.contains(token), "a token was logged:\n" + all);
        }
    }

    @Test
    void withoutABearerTokenTheAnswerIs401WithAChallenge() throws Exception {
        var response = given().post("/api/v1/runs").then().statusCode(401).extract();
        assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), response.header("WWW-Authenticate"));
        assertTrue(MAPPER.readTree(response.asString()).get("error").asText().contains("Authorization: Bearer"),
                response.asString());

        response = given().header("Authorization", "Basic " + ALICE).post("/api/v1/runs").then().statusCode(401)
                .extract();
        assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), response.header("WWW-Authenticate"));
        assertFalse(response.asString().contains(ALICE));
    }

    @Test
    void anUnknownTokenIs401() throws Exception {
        var response = given().header("Authorization", "Bearer " + UNKNOWN).post("/api/v1/runs").then()
                .statusCode(401).extract();
        assertTrue(response.header("WWW-Authenticate").startsWith("Bearer"), response.header("WWW-Authenticate"));
        JsonNode error = MAPPER.readTree(response.asString());
        assertTrue(error.get("error").asText().contains("not valid"), error.toString());
        assertFalse(response.asString().contains(UNKNOWN));
        assertTrue(log.all().contains("did not authenticate"), "the refusal is logged:\n" + log.all());
    }

    @Test
    void aUserWhoMayNotDeleteImagesIs403() throws Exception {
        String body = given().header("Authorization", "Bearer " + BOB).post("/api/v1/runs").then()
                .statusCode(403).extract().asString();
        String error = MAPPER.readTree(body).get("error").asText();
        assertEquals("user bob may not delete images.image.openshift.io (cluster-scoped), "
                + "which POST /api/v1/runs requires", error);
        assertFalse(body.contains(BOB));
        assertTrue(log.all().contains("user bob may not delete images.image.openshift.io"),
                "the refusal is logged with the user:\n" + log.all());
    }

    @Test
    void anAllowedUserReachesTheRunnerAndTheReviewAsksForTheRightPermission() throws Exception {
        String body = given().header("Authorization", "bearer " + ALICE).post("/api/v1/runs").then()
                .statusCode(503).extract().asString();
        assertEquals("NOT_SYNCED", MAPPER.readTree(body).get("gate").asText(), body);

        RecordedRequest request = server.getLastRequest();
        assertEquals("/apis/authorization.k8s.io/v1/subjectaccessreviews", request.getPath());
        String sent = body(request);
        assertFalse(sent.contains(ALICE), "the token goes to the TokenReview only");
        JsonNode spec = MAPPER.readTree(sent).get("spec");
        assertEquals("alice", spec.get("user").asText());
        assertEquals("alice-uid", spec.get("uid").asText());
        assertEquals(MAPPER.readTree("[\"system:authenticated\",\"alice-team\"]"), spec.get("groups"));
        assertEquals(MAPPER.readTree("{\"scopes.authorization.openshift.io\":[\"user:full\"]}"), spec.get("extra"));
        JsonNode attributes = spec.get("resourceAttributes");
        assertEquals("delete", attributes.get("verb").asText());
        assertEquals("image.openshift.io", attributes.get("group").asText());
        assertEquals("images", attributes.get("resource").asText());
        assertFalse(attributes.has("namespace"), "images are cluster-scoped: " + attributes);
        assertTrue(log.all().contains("by user alice"), "the authorized caller is logged:\n" + log.all());
    }

    @Test
    void aFailingReviewIs503AndLoggedWithoutTheToken() throws Exception {
        String body = given().header("Authorization", "Bearer " + BROKEN).post("/api/v1/runs").then()
                .statusCode(503).extract().asString();
        String error = MAPPER.readTree(body).get("error").asText();
        assertTrue(error.contains("TokenReview could not be made") && error.contains("system:auth-delegator"), error);
        assertFalse(body.contains(BROKEN));
        assertTrue(log.all().contains("TokenReview could not be made"), "the failure is logged:\n" + log.all());
    }

    @Test
    void denialsAreCountedByReason() {
        given().post("/api/v1/runs").then().statusCode(401);
        given().header("Authorization", "Bearer " + BOB).post("/api/v1/runs").then().statusCode(403);
        given().header("Authorization", "Bearer " + BROKEN).post("/api/v1/runs").then().statusCode(503);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String reason : List.of("unauthenticated", "forbidden", "error")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("imageprune_api_denials_total{reason=\"" + reason
                    + "\"}") && !l.endsWith(" 0.0")), reason + " denials are counted:\n" + metrics);
        }
        assertTrue(metrics.contains("imageprune_api_denials_total{reason=\"disabled\"} 0.0"), metrics);
    }
}
