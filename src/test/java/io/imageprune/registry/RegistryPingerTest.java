package io.imageprune.registry;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ping's order and texts against a scripted probe; the HTTP side is in RegistryClientTest. */
class RegistryPingerTest {

    /** Answers by URL: an Integer status, or a Throwable as transport error; unknown URLs are refused. */
    private static final class Script implements RegistryPinger.Probe {
        final Map<String, Object> answers;
        final List<String> asked = new ArrayList<>();

        Script(Map<String, Object> answers) {
            this.answers = answers;
        }

        @Override
        public Uni<RegistryPinger.Answer> get(String baseUrl, String path) {
            String url = baseUrl + path;
            asked.add(url);
            Object a = answers.getOrDefault(url, new ConnectException("Connection refused: " + url));
            if (a instanceof Throwable t) {
                return Uni.createFrom().failure(t);
            }
            int status = (Integer) a;
            return Uni.createFrom().item(new RegistryPinger.Answer(status, RegistryResponses.statusLine(status, null)));
        }
    }

    private static String ping(Script script, String host, boolean insecure, boolean configured) {
        return new RegistryPinger(script).ping(host, insecure, configured).await().indefinitely();
    }

    private static String failure(Script script, String host, boolean insecure, boolean configured) {
        return assertThrows(RegistryException.class, () -> ping(script, host, insecure, configured)).getMessage();
    }

    @Test
    void httpsFirstThenHttpWhenInsecure() {
        Script s = new Script(Map.of("http://reg:5000/", 200));
        assertEquals("http://reg:5000", ping(s, "reg:5000", true, false));
        assertEquals(List.of("https://reg:5000/", "http://reg:5000/"), s.asked);
    }

    @Test
    void secureTriesHttpsOnly() {
        Script s = new Script(Map.of("https://reg/", 200, "http://reg/", 200));
        assertEquals("https://reg", ping(s, "reg", false, false));
        assertEquals(List.of("https://reg/"), s.asked);
    }

    @Test
    void explicitSchemeIsTheOnlyOne() {
        Script s = new Script(Map.of("https://reg/", 200, "http://reg/", 200));
        assertEquals("http://reg", ping(s, "http://reg", true, true));
        assertEquals(List.of("http://reg/"), s.asked);
        Script t = new Script(Map.of("https://reg:443/", 200));
        assertEquals("https://reg:443", ping(t, "https://reg:443/", true, true));
    }

    @Test
    void healthzAfterANon200Answer() {
        Script s = new Script(Map.of("https://reg/", 404, "http://reg/", 404, "http://reg/healthz", 200));
        assertEquals("http://reg", ping(s, "reg", true, false));
        assertEquals(List.of("https://reg/", "http://reg/", "https://reg/healthz", "http://reg/healthz"), s.asked);
    }

    @Test
    void onlyTransportErrorsStopBeforeHealthz() {
        Script s = new Script(Map.of());
        String message = failure(s, "reg", true, true);
        assertEquals(List.of("https://reg/", "http://reg/"), s.asked);
        assertEquals("failed to ping registry reg: [Get \"https://reg/\": Connection refused: https://reg/, "
                + "Get \"http://reg/\": Connection refused: http://reg/]", message);
    }

    @Test
    void lastPathFailuresAreJoined() {
        Script s = new Script(Map.of("https://reg/", new javax.net.ssl.SSLException(
                TransportErrors.HTTP_TO_HTTPS), "http://reg/", 404, "http://reg/healthz", 404));
        assertEquals("failed to ping registry reg: [Get \"https://reg/healthz\": Connection refused: "
                + "https://reg/healthz, unexpected status: 404 Not Found]", failure(s, "reg", true, false));
    }

    @Test
    void oneFailureHasNoBrackets() {
        Script s = new Script(Map.of("https://reg/", 500, "https://reg/healthz", 503));
        assertEquals("failed to ping registry reg: unexpected status: 503 Service Unavailable",
                failure(s, "reg", false, true));
    }

    @Test
    void forceInsecureHintWithoutInsecurePermission() {
        Script s = new Script(Map.of("https://reg/", new javax.net.ssl.SSLException(
                "server gave HTTP response to HTTPS client")));
        assertEquals("failed to ping registry reg: [Get \"https://reg/\": server gave HTTP response to HTTPS client, "
                + "\n* Append --force-insecure if you really want to prune the registry using insecure connection.]",
                failure(s, "reg", false, true));
    }

    @Test
    void noTlsHintForMalformedHttp() {
        Script s = new Script(Map.of("http://reg/", new java.io.IOException("malformed HTTP response \"\\x15\"")));
        assertEquals("failed to ping registry http://reg: [Get \"http://reg/\": malformed HTTP response \"\\x15\", "
                + "\n* Are you trying to connect to a TLS-enabled registry without TLS?]",
                failure(s, "http://reg", true, true));
    }

    @Test
    void reachableRouteHintOnlyForDiscoveredHosts() {
        Script s = new Script(Map.of("https://reg/", new UnknownHostException("reg: no such host")));
        assertEquals("failed to ping registry reg: Get \"https://reg/\": reg: no such host"
                + "\n* Please provide a reachable route to the integrated registry using --registry-url.",
                failure(s, "reg", false, false));
        assertEquals("failed to ping registry reg: Get \"https://reg/\": reg: no such host",
                failure(s, "reg", false, true));
    }

    @Test
    void unparsableHost() {
        assertEquals("failed to ping registry [::1: parse \"unset://[::1\": missing ']' in host",
                failure(new Script(Map.of()), "[::1", true, true));
    }
}
