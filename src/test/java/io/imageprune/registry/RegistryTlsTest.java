package io.imageprune.registry;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to the registry is verified unless insecure is forced: against an HTTPS registry with a self-signed
 * certificate (made with the JDK's keytool), the ping fails without trust, and succeeds with the certificate as the
 * CA bundle or with verification switched off.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithTestResource(RegistryTlsTest.VerifyingTls.class)
class RegistryTlsTest {
    /**
     * The Kubernetes mock server's test resource sets the system property quarkus.tls.trust-all=true for the rest of
     * the test JVM, which makes every REST client trust any certificate; this test needs the default back.
     */
    public static class VerifyingTls implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            System.clearProperty("quarkus.tls.trust-all");
            return Map.of("quarkus.tls.trust-all", "false");
        }

        @Override
        public void stop() {
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private HttpsServer server;
    private String host;
    private Path certificate;

    @BeforeEach
    void start() throws Exception {
        Path keystore = dir.resolve("registry.p12");
        run("keytool", "-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        certificate = dir.resolve("registry.pem");
        run("keytool", "-exportcert", "-rfc", "-alias", "registry", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-file", certificate.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void run(String... command) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", command[0]).toString();
        command[0] = keytool;
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
    }

    private String ping(boolean skipVerification, Optional<Path> caBundle) {
        RegistryTransport transport = new RegistryTransport(skipVerification, caBundle, Optional.empty(), TIMEOUT,
                TIMEOUT);
        // https only (an explicit scheme), so a failed verification cannot be hidden by a plain-HTTP fallback
        return new RegistryPinger(RegistryConnections.probe(transport)).ping("https://" + host, false, true)
                .await().indefinitely();
    }

    @Test
    void anUntrustedCertificateFailsThePing() {
        RegistryException e = assertThrows(RegistryException.class, () -> ping(false, Optional.empty()));
        assertTrue(e.getMessage().startsWith("failed to ping registry https://" + host), e.getMessage());
        // the same server is trusted in the two tests below: only the missing trust can make this handshake fail
        assertTrue(e.getMessage().contains("SSL") || e.getMessage().toLowerCase().contains("certificat"),
                e.getMessage());
    }

    @Test
    void theCaBundleMakesItTrusted() {
        assertEquals("https://" + host, ping(false, Optional.of(certificate)));
    }

    @Test
    void forceInsecureSkipsVerification() {
        assertEquals("https://" + host, ping(true, Optional.empty()));
    }
}
