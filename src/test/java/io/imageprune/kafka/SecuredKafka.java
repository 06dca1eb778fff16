package io.imageprune.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node KRaft broker with the listeners of a Strimzi cluster: {@code SCRAM} (SASL_SSL, SCRAM-SHA-512,
 * like a {@code KafkaUser} with {@code authentication: scram-sha-512}) and {@code MTLS} (SSL with client
 * certificates, like {@code authentication: tls}), both with a server certificate from a CA made here with
 * {@code keytool}. A plain listener serves only the set-up (creating the SCRAM user). Started once per test JVM, in
 * a JVM of its own that ends with the test JVM.
 */
public final class SecuredKafka {
    public static final String USER = "imageprune";
    public static final String PASSWORD = "s3cr3t-scram-password";
    private static final String STORE_PASSWORD = "changeit-store";
    private static final String STARTED = "secured-kafka-test.broker";

    private static final String READY = "SECURED-KAFKA-READY ";

    private final Path dir;
    private final int scramPort;
    private final int mtlsPort;

    private SecuredKafka(Path dir) throws Exception {
        this.dir = dir;
        // its own JVM: SASL providers are registered JVM-wide by the first class loader that asks, and a Quarkus
        // test runs the application in class loaders of its own, so an in-process broker would see the client's
        // SCRAM classes; a separate process is also what production looks like
        Path log = dir.resolve("broker.log");
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx384m", SecuredKafka.class.getName(),
                dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        String[] ports = new String[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!broker.isAlive()) {
                throw new IllegalStateException("the secured broker exited: " + Files.readString(log));
            }
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith(READY)) {
                    ports[0] = line.substring(READY.length());
                    return true;
                }
            }
            return false;
        });
        String[] bound = ports[0].trim().split(" ");
        scramPort = Integer.parseInt(bound[0]);
        mtlsPort = Integer.parseInt(bound[1]);
    }

    /** The broker process: certificates, broker, SCRAM user, then "ready" until its parent's pipe closes. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        makeCertificates(dir);
        try (KafkaClusterTestKit cluster = start(dir)) {
            var server = cluster.brokers().values().iterator().next();
            createUser(cluster.bootstrapServers());
            System.out.println(READY + server.boundPort(ListenerName.normalised("SCRAM")) + " "
                    + server.boundPort(ListenerName.normalised("MTLS")));
            System.out.flush();
            // the parent holds stdin open while it lives
            while (System.in.read() != -1) {
                // nothing to read; waiting for end of stream
            }
        }
        System.exit(0);
    }

    private static KafkaClusterTestKit start(Path dir) throws Exception {
        String brokerStore = dir.resolve("broker.p12").toString();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("listeners",
                        "EXTERNAL://localhost:0,CONTROLLER://localhost:0,SCRAM://localhost:0,MTLS://localhost:0")
                .setConfigProp("listener.security.protocol.map",
                        "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SCRAM:SASL_SSL,MTLS:SSL")
                .setConfigProp("listener.name.scram.sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .setConfigProp("listener.name.scram.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.keystore.location", brokerStore)
                .setConfigProp("ssl.keystore.password", STORE_PASSWORD)
                .setConfigProp("ssl.key.password", STORE_PASSWORD)
                .setConfigProp("listener.name.mtls.ssl.client.auth", "required")
                .setConfigProp("listener.name.mtls.ssl.truststore.type", "PEM")
                .setConfigProp("listener.name.mtls.ssl.truststore.location", dir.resolve("ca.crt").toString())
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    private static void createUser(String plainBootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", plainBootstrap))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all()
                    .get(30, TimeUnit.SECONDS);
            // the broker authenticates against its metadata image: wait until the user is in it
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.describeUserScramCredentials(List.of(USER))
                    .all().get(10, TimeUnit.SECONDS).isEmpty());
        }
    }

    /**
     * The broker of this test JVM, started on first use. Its address is kept in a system property: Quarkus tests
     * load this class once per application class loader, and they all share the one broker.
     */
    public static SecuredKafka get() {
        synchronized (System.class) {
            String started = System.getProperty(STARTED);
            if (started == null) {
                try {
                    SecuredKafka broker = new SecuredKafka(Files.createTempDirectory("imageprune-secured-kafka"));
                    System.setProperty(STARTED, broker.dir + "\n" + broker.scramPort + "\n" + broker.mtlsPort);
                    return broker;
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the secured Kafka broker", e);
                }
            }
            String[] parts = started.split("\n");
            return new SecuredKafka(Path.of(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }
    }

    private SecuredKafka(Path dir, int scramPort, int mtlsPort) {
        this.dir = dir;
        this.scramPort = scramPort;
        this.mtlsPort = mtlsPort;
    }

    /** The {@code kafka.*} settings of a SCRAM KafkaUser over TLS, as application properties. */
    public Map<String, String> scram(String password) {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("kafka.bootstrap.servers", "localhost:" + scramPort);
        kafka.put("kafka.security.protocol", "SASL_SSL");
        kafka.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        // Strimzi's user secret holds this line as sasl.jaas.config
        kafka.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + USER + "\" password=\"" + password + "\";");
        trustClusterCa(kafka);
        return kafka;
    }

    /** The {@code kafka.*} settings of a TLS KafkaUser (client certificate in user.p12). */
    public Map<String, String> mutualTls() {
        Map<String, String> kafka = new HashMap<>();
        kafka.put("kafka.bootstrap.servers", "localhost:" + mtlsPort);
        kafka.put("kafka.security.protocol", "SSL");
        kafka.put("kafka.ssl.keystore.type", "PKCS12");
        kafka.put("kafka.ssl.keystore.location", dir.resolve("user.p12").toString());
        kafka.put("kafka.ssl.keystore.password", STORE_PASSWORD);
        trustClusterCa(kafka);
        return kafka;
    }

    /** The cluster CA secret's ca.crt, as a PEM trust store. */
    private void trustClusterCa(Map<String, String> kafka) {
        kafka.put("kafka.ssl.truststore.type", "PEM");
        kafka.put("kafka.ssl.truststore.location", dir.resolve("ca.crt").toString());
    }

    /** The settings as Quarkus hands them to the clients: the default-kafka-broker map, without the prefix. */
    public static Map<String, Object> asClientMap(Map<String, String> properties) {
        Map<String, Object> kafka = new HashMap<>();
        properties.forEach((key, value) -> kafka.put(key.substring("kafka.".length()), value));
        return kafka;
    }

    /** A CA, a server certificate for localhost signed by it, and a client certificate for the user. */
    private static void makeCertificates(Path dir) throws IOException, InterruptedException {
        keytool(dir, "-genkeypair", "-alias", "ca", "-dname", "CN=imageprune-test-ca", "-ext", "bc:c",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", "ca.p12",
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", STORE_PASSWORD,
                "-file", "ca.crt");
        signed(dir, "broker", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        signed(dir, "user", "CN=" + USER, null);
    }

    private static void signed(Path dir, String name, String subject, String extension)
            throws IOException, InterruptedException {
        String store = name + ".p12";
        keytool(dir, "-genkeypair", "-alias", name, "-dname", subject, "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-storepass", STORE_PASSWORD,
                "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", "ca.p12",
                "-storepass", STORE_PASSWORD, "-infile", name + ".csr", "-outfile", name + ".crt", "-rfc",
                "-validity", "2"));
        if (extension != null) {
            sign.addAll(List.of("-ext", extension));
        }
        keytool(dir, sign.toArray(String[]::new));
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", store,
                "-storepass", STORE_PASSWORD);
        keytool(dir, "-importcert", "-alias", name, "-file", name + ".crt", "-keystore", store,
                "-storepass", STORE_PASSWORD);
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // a short-lived tool: no JIT tiers beyond the first
        command.add("-J-XX:TieredStopAtLevel=1");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
