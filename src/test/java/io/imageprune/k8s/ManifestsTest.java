package io.imageprune.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.service.ApiAccess;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.ingest.WatchedKind;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders each overlay of {@code k8s/} with {@code kubectl kustomize} and checks the objects against the code: RBAC
 * rules equal {@link ApiAccess}, every config key is an {@link ImagePruneConfig} key, topics are its defaults,
 * probes, ports and metrics paths are the app's, and the pod meets the restricted security profile.
 */
class ManifestsTest {
    private static final String NAMESPACE = "imageprune";
    private static final String SERVICE_ACCOUNT = "imageprune";
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");
    /** Settings in the ConfigMaps that are not imageprune.* keys. */
    private static final Set<String> OTHER_ENV = Set.of("KAFKA_BOOTSTRAP_SERVERS");
    private static final String IMAGE_PRUNER_ROLE = "system:image-pruner";
    private static final String INJECT_CABUNDLE = "service.beta.openshift.io/inject-cabundle";
    private static final String REQUIRED_SCC = "openshift.io/required-scc";
    /** Served by quarkus-smallrye-health and micrometer under the default non-application root {@code /q}. */
    private static final String LIVE = "/q/health/live";
    private static final String READY = "/q/health/ready";
    private static final Set<String> STARTUP = Set.of("/q/health/started", LIVE);
    private static final String METRICS = "/q/metrics";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();
    private static String kubectl;

    // ------------------------------------------------------------------------------------------------ rendering

    private static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("k8s/overlays"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "no k8s/overlays above " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static List<JsonNode> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, ManifestsTest::kustomize);
    }

    private static List<JsonNode> kustomize(String overlay) {
        return kustomize(repo().resolve("k8s/overlays").resolve(overlay), overlay);
    }

    private static List<JsonNode> kustomize(Path dir, String overlay) {
        Result result = run(List.of(kubectl(), "kustomize", dir.toString()));
        if (result.code != 0) {
            fail("`" + kubectl + " kustomize " + dir + "` failed (exit " + result.code + "): " + result.err
                    + "\nThe manifests need kustomize v2.0.3 or later, as built into kubectl >= 1.14 (Debian's "
                    + "kubernetes-client); this kubectl is " + run(List.of(kubectl, "version", "--client")).out
                    + "Install a newer kubectl (>= 1.27, kustomize v5) or put `kubectl` on the PATH.");
        }
        List<JsonNode> objects = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(result.out)) {
            while (values.hasNext()) {
                JsonNode object = values.next();
                if (object != null && !object.isNull() && !object.isMissingNode()) {
                    objects.add(object);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot parse the output of kustomize for " + overlay, e);
        }
        assertFalse(objects.isEmpty(), overlay + " renders nothing");
        return objects;
    }

    /** kubectl on the PATH; else, as root with apt-get, Debian's kubernetes-client; else a failure naming it. */
    private static synchronized String kubectl() {
        if (kubectl != null) {
            return kubectl;
        }
        String found = onPath("kubectl");
        if (found == null && onPath("apt-get") != null && "0".equals(run(List.of("id", "-u")).out.trim())) {
            Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
            Result install = run(List.of("apt-get", "install", "-y", "-q", "kubernetes-client"), env);
            if (install.code != 0) {
                run(List.of("apt-get", "update", "-q"), env);
                install = run(List.of("apt-get", "install", "-y", "-q", "kubernetes-client"), env);
            }
            found = onPath("kubectl");
            if (found == null) {
                fail("kubectl is missing and `apt-get install kubernetes-client` failed: " + install.err);
            }
        }
        if (found == null) {
            fail("kubectl is missing: install kubectl with kustomize built in (Debian: `apt-get install "
                    + "kubernetes-client`, or kubectl >= 1.27) and put it on the PATH");
        }
        kubectl = found;
        return kubectl;
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(List<String> command) {
        return run(command, Map.of());
    }

    private static Result run(List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("manifests", ".out");
            Path err = Files.createTempFile("manifests", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    fail("timed out: " + command);
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ look-ups

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    private static JsonNode one(List<JsonNode> objects, String kind) {
        List<JsonNode> found = ofKind(objects, kind);
        assertEquals(1, found.size(), "one " + kind + " expected, got " + found.size());
        return found.get(0);
    }

    private static JsonNode named(List<JsonNode> objects, String kind, String name) {
        return ofKind(objects, kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static String name(JsonNode object) {
        return object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
    }

    private static JsonNode container(List<JsonNode> objects) {
        JsonNode containers = one(objects, "Deployment").path("spec").path("template").path("spec")
                .path("containers");
        assertEquals(1, containers.size(), "one container");
        return containers.get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** Every env setting of the container: its ConfigMaps (envFrom) first, then its own env entries. */
    private static Map<String, String> env(List<JsonNode> objects) {
        JsonNode container = container(objects);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            assertTrue(from.has("configMapRef"), "envFrom only from ConfigMaps: " + from);
            JsonNode map = named(objects, "ConfigMap", from.path("configMapRef").path("name").asText());
            map.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode entry : container.path("env")) {
            env.put(entry.path("name").asText(), entry.path("value").asText());
        }
        return env;
    }

    private static int containerPort(List<JsonNode> objects) {
        JsonNode ports = container(objects).path("ports");
        assertEquals(1, ports.size(), "one container port");
        assertEquals("http", ports.get(0).path("name").asText());
        return ports.get(0).path("containerPort").asInt();
    }

    private static int resolvePort(List<JsonNode> objects, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : container(objects).path("ports")) {
            if (port.asText().equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(repo().resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return properties;
    }

    // ------------------------------------------------------------------------------------------------ config keys

    /** A leaf of the ImagePruneConfig tree: its key, type and {@code @WithDefault}. */
    record ConfigKey(String key, Method method, String defaultValue) {
        String envName() {
            return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
        }
    }

    static Map<String, ConfigKey> configKeys() {
        Map<String, ConfigKey> keys = new TreeMap<>();
        collect("imageprune", ImagePruneConfig.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> type, Map<String, ConfigKey> keys) {
        for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0
                    || method.isSynthetic()) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String key = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Class<?> returns = method.getReturnType();
            if (returns.isInterface() && returns.getName().startsWith(ImagePruneConfig.class.getName() + "$")) {
                collect(key, returns, keys);
            } else {
                WithDefault withDefault = method.getAnnotation(WithDefault.class);
                keys.put(key, new ConfigKey(key, method, withDefault == null ? null : withDefault.value()));
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String configured(Map<String, String> env, String key) {
        ConfigKey config = configKeys().get(key);
        assertNotNull(config, "no config key " + key);
        return env.getOrDefault(config.envName(), config.defaultValue());
    }

    /** A value the key's type accepts (the enum, numbers, booleans, durations), as SmallRye Config converts. */
    private static void assertConvertible(ConfigKey key, String value) {
        Class<?> type = key.method().getReturnType();
        String where = key.envName() + "=" + value;
        try {
            if (type == boolean.class) {
                assertTrue(value.equals("true") || value.equals("false"), where + ": true or false");
            } else if (type == int.class) {
                Integer.parseInt(value);
            } else if (type == long.class) {
                Long.parseLong(value);
            } else if (type == short.class) {
                Short.parseShort(value);
            } else if (type == double.class) {
                Double.parseDouble(value);
            } else if (type == Duration.class) {
                assertTrue(value.matches("\\d+(ms|s|m|h|d)|P.*"), where + ": a duration");
            } else if (type.isEnum()) {
                Set<String> constants = new TreeSet<>();
                for (Object constant : type.getEnumConstants()) {
                    constants.add(((Enum<?>) constant).name().toLowerCase().replace('_', '-'));
                }
                assertTrue(constants.contains(value.toLowerCase()), where + ": one of " + constants);
            }
        } catch (NumberFormatException e) {
            fail(where + ": not a " + type.getSimpleName());
        }
    }

    // ------------------------------------------------------------------------------------------------ tests

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void namespacedObjectsAreInTheNamespace(String overlay) {
        List<JsonNode> objects = render(overlay);
        for (JsonNode object : objects) {
            JsonNode namespace = object.path("metadata").path("namespace");
            if (CLUSTER_SCOPED.contains(object.path("kind").asText())) {
                assertTrue(namespace.isMissingNode(), name(object) + " is cluster-scoped");
            } else {
                assertEquals(NAMESPACE, namespace.asText(), name(object) + " namespace");
            }
        }
        assertEquals(NAMESPACE, one(objects, "Namespace").path("metadata").path("name").asText());
    }

    /** (group, resource, verb) of every rule; no wildcard, no names, no non-resource URLs. */
    private static Set<String> grants(JsonNode role) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            assertFalse(rule.has("nonResourceURLs"), name(role) + ": no non-resource URLs");
            assertFalse(rule.has("resourceNames"), name(role) + ": ApiAccess names no objects");
            for (String group : texts(rule.path("apiGroups"))) {
                for (String resource : texts(rule.path("resources"))) {
                    for (String verb : texts(rule.path("verbs"))) {
                        assertFalse(group.contains("*") || resource.contains("*") || verb.contains("*"),
                                name(role) + ": wildcard in " + rule);
                        grants.add(group + " " + resource + " " + verb);
                    }
                }
            }
        }
        return grants;
    }

    private static Set<String> grants(List<ApiAccess.Rule> rules) {
        Set<String> grants = new TreeSet<>();
        for (ApiAccess.Rule rule : rules) {
            for (String verb : rule.verbs()) {
                grants.add(rule.group() + " " + rule.resource() + " " + verb);
            }
        }
        return grants;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void rbacGrantsExactlyApiAccess(String overlay) {
        List<JsonNode> objects = render(overlay);
        one(objects, "ServiceAccount");
        named(objects, "ServiceAccount", SERVICE_ACCOUNT);
        assertEquals(SERVICE_ACCOUNT, one(objects, "Deployment").path("spec").path("template").path("spec")
                .path("serviceAccountName").asText());

        Set<String> clusterWide = new TreeSet<>();
        Set<String> namespaced = new TreeSet<>();
        Set<String> external = new TreeSet<>();
        Set<String> boundRoles = new TreeSet<>();
        for (JsonNode binding : objects) {
            String kind = binding.path("kind").asText();
            if (!kind.equals("ClusterRoleBinding") && !kind.equals("RoleBinding")) {
                continue;
            }
            JsonNode subjects = binding.path("subjects");
            assertEquals(1, subjects.size(), name(binding) + ": only the service account");
            assertEquals("ServiceAccount", subjects.get(0).path("kind").asText(), name(binding));
            assertEquals(SERVICE_ACCOUNT, subjects.get(0).path("name").asText(), name(binding));
            assertEquals(NAMESPACE, subjects.get(0).path("namespace").asText(), name(binding));
            String roleKind = binding.path("roleRef").path("kind").asText();
            String role = binding.path("roleRef").path("name").asText();
            if (kind.equals("RoleBinding")) {
                assertEquals("Role", roleKind, name(binding) + " binds a Role of the namespace");
                namespaced.addAll(grants(named(objects, "Role", role)));
            } else {
                assertEquals("ClusterRole", roleKind, name(binding));
                List<JsonNode> defined = ofKind(objects, "ClusterRole").stream()
                        .filter(r -> role.equals(r.path("metadata").path("name").asText())).toList();
                if (defined.isEmpty()) {
                    external.add(role);
                } else {
                    clusterWide.addAll(grants(defined.get(0)));
                }
            }
            boundRoles.add(roleKind + "/" + role);
        }
        for (JsonNode role : objects) {
            if (Set.of("Role", "ClusterRole").contains(role.path("kind").asText())) {
                assertTrue(boundRoles.contains(name(role)), name(role) + " is bound to the service account");
            }
        }
        assertSameGrants(grants(ApiAccess.clusterWide()), clusterWide, "ClusterRole rules = ApiAccess.clusterWide()");
        assertSameGrants(grants(ApiAccess.inOwnNamespace()), namespaced, "Role rules = ApiAccess.inOwnNamespace()");
        assertEquals(overlay.equals("openshift") ? Set.of(IMAGE_PRUNER_ROLE) : Set.of(), external,
                "ClusterRoles bound from outside the manifests");
    }

    private static void assertSameGrants(Set<String> expected, Set<String> actual, String what) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(),
                what + ": missing (group resource verb) " + missing + ", extra " + extra);
    }

    @Test
    void apiAccessCoversTheWatchedKindsAndNamesTheirRealResources() {
        Set<String> grants = grants(ApiAccess.clusterWide());
        Config config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestTimeout(1).build();
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().withConfig(config).build()) {
            OpenShiftClient client = kubernetes.adapt(OpenShiftClient.class);
            for (WatchedKind kind : WatchedKind.ALL) {
                Object operation = kind.resources().apply(client);
                Class<? extends HasMetadata> type = type(operation);
                assertEquals(HasMetadata.getGroup(type), kind.group(), kind.kind() + " group");
                assertEquals(HasMetadata.getPlural(type), kind.plural(), kind.kind() + " plural");
                assertEquals(HasMetadata.getKind(type), kind.kind(), kind.kind());
                assertTrue(grants.contains(kind.group() + " " + kind.plural() + " list"), kind.kind());
                assertTrue(grants.contains(kind.group() + " " + kind.plural() + " watch"), kind.kind());
            }
        }
        for (ApiAccess.Rule rule : ApiAccess.ALL) {
            assertFalse(rule.verbs().isEmpty(), rule.toString());
            assertEquals(rule.verbs().size(), Set.copyOf(rule.verbs()).size(), rule + ": verbs once");
        }
        assertEquals(ApiAccess.ALL.size(), ApiAccess.ALL.stream()
                .map(r -> r.group() + " " + r.resource() + " " + r.namespaced()).distinct().count(), "merged");
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends HasMetadata> type(Object operation) {
        try {
            return (Class<? extends HasMetadata>) operation.getClass().getMethod("getType").invoke(operation);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no getType() on " + operation.getClass(), e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void probesPortsAndMetricsAreTheApps(String overlay) {
        List<JsonNode> objects = render(overlay);
        Properties app = applicationProperties();
        for (String property : List.of("quarkus.http.root-path", "quarkus.http.non-application-root-path",
                "quarkus.smallrye-health.root-path", "quarkus.smallrye-health.liveness-path",
                "quarkus.smallrye-health.readiness-path", "quarkus.smallrye-health.startup-path",
                "quarkus.micrometer.export.prometheus.path")) {
            assertFalse(app.stringPropertyNames().stream().anyMatch(p -> p.endsWith(property)),
                    property + " is set: the probe and scrape paths of k8s/ assume its default");
        }
        int port = Integer.parseInt(app.getProperty("quarkus.http.port", "8080"));
        assertEquals(port, containerPort(objects), "container port = quarkus.http.port");

        JsonNode container = container(objects);
        JsonNode live = container.path("livenessProbe").path("httpGet");
        JsonNode ready = container.path("readinessProbe").path("httpGet");
        JsonNode startup = container.path("startupProbe").path("httpGet");
        assertEquals(LIVE, live.path("path").asText());
        assertEquals(READY, ready.path("path").asText());
        assertTrue(STARTUP.contains(startup.path("path").asText()), "startup probe path " + startup);
        for (JsonNode probe : List.of(live, ready, startup)) {
            assertEquals(port, resolvePort(objects, probe.path("port")), "probe port " + probe);
        }

        JsonNode service = named(objects, "Service", "imageprune");
        JsonNode servicePorts = service.path("spec").path("ports");
        assertEquals(1, servicePorts.size());
        assertEquals("http", servicePorts.get(0).path("name").asText());
        assertEquals(port, servicePorts.get(0).path("port").asInt(), "Service port");
        assertEquals(port, resolvePort(objects, servicePorts.get(0).path("targetPort")), "Service targetPort");
        JsonNode podLabels = one(objects, "Deployment").path("spec").path("template").path("metadata")
                .path("labels");
        assertSelects(service.path("spec").path("selector"), podLabels, "Service");
        // the status page, status API and metrics stay reachable while readiness takes the pod out of the Service
        JsonNode status = named(objects, "Service", "imageprune-status");
        assertTrue(status.path("spec").path("publishNotReadyAddresses").asBoolean(), "imageprune-status");
        assertEquals(servicePorts, status.path("spec").path("ports"), "imageprune-status ports");
        assertSelects(status.path("spec").path("selector"), podLabels, "imageprune-status");
        assertEquals(2, ofKind(objects, "Service").size(), "the API's Service and the status Service");

        JsonNode monitor = one(objects, "ServiceMonitor");
        assertEquals("monitoring.coreos.com/v1", monitor.path("apiVersion").asText());
        JsonNode endpoints = monitor.path("spec").path("endpoints");
        assertEquals(1, endpoints.size());
        assertEquals(METRICS, endpoints.get(0).path("path").asText());
        assertEquals("http", endpoints.get(0).path("port").asText(), "ServiceMonitor scrapes the Service's port");
        assertSelects(monitor.path("spec").path("selector").path("matchLabels"),
                service.path("metadata").path("labels"), "ServiceMonitor");
        JsonNode statusLabels = status.path("metadata").path("labels");
        List<String> selects = new java.util.ArrayList<>();
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e -> {
            if (e.getValue().asText().equals(statusLabels.path(e.getKey()).asText())) {
                selects.add(e.getKey());
            }
        });
        assertTrue(selects.size() < monitor.path("spec").path("selector").path("matchLabels").size(),
                "the ServiceMonitor scrapes each pod once: it must not also select imageprune-status");
    }

    /** k8s/monitoring/ as it is, in the namespace, its rules selecting the job the ServiceMonitor's targets get. */
    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void theAlertsAndTheDashboardAreDeployed(String overlay) throws IOException {
        List<JsonNode> objects = render(overlay);
        Path monitoring = repo().resolve("k8s/monitoring");
        JsonNode rule = one(objects, "PrometheusRule");
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals(NAMESPACE, rule.path("metadata").path("namespace").asText());
        assertEquals(YAML.readTree(monitoring.resolve("prometheusrule.yaml").toFile()).path("spec"), rule.path("spec"));
        JsonNode dashboard = named(objects, "ConfigMap", "imageprune-dashboard");
        assertEquals(NAMESPACE, dashboard.path("metadata").path("namespace").asText());
        assertEquals("1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText());
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(monitoring.resolve("imageprune-dashboard.json").toFile()),
                json.readTree(dashboard.path("data").path("imageprune-dashboard.json").asText()));
        // Prometheus names the job of a ServiceMonitor's targets after their Service
        String job = "job=\"" + named(objects, "Service", "imageprune").path("metadata").path("name").asText() + "\"";
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                assertTrue(alert.path("expr").asText().contains(job), alert.path("alert").asText() + " selects " + job);
            }
        }
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " has a selector");
        selector.fields().forEachRemaining(e -> assertEquals(e.getValue().asText(),
                labels.path(e.getKey()).asText(), what + " selector " + e.getKey()));
    }

    /** SIGTERM ends the process within 10 s (ShutdownIT), plus what Quarkus waits for in-flight HTTP requests. */
    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void theGracePeriodCoversShutdown(String overlay) {
        JsonNode pod = one(render(overlay), "Deployment").path("spec").path("template").path("spec");
        Duration httpDrain = Duration.parse("PT" + applicationProperties()
                .getProperty("quarkus.shutdown.timeout", "0s").toUpperCase());
        Duration needed = Duration.ofSeconds(10).plus(httpDrain);
        assertTrue(io.imageprune.service.ServiceRoles.STOP_BUDGET.compareTo(Duration.ofSeconds(10)) < 0,
                "the roles' stop budget leaves room for the producers' close");
        assertTrue(pod.path("terminationGracePeriodSeconds").asInt(30) >= needed.toSeconds() + 10,
                "terminationGracePeriodSeconds " + pod.path("terminationGracePeriodSeconds") + " for " + needed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void deploymentIsRestrictedAndHighlyAvailable(String overlay) {
        List<JsonNode> objects = render(overlay);
        JsonNode deployment = one(objects, "Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = container(objects);
        assertEquals(2, deployment.path("spec").path("replicas").asInt(), "hot standby");
        assertTrue(pod.path("automountServiceAccountToken").asBoolean(false), "talks to the API server");

        String image = container.path("image").asText();
        assertTrue(image.matches("[a-z0-9.-]+(:\\d+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})"),
                "image with a tag or digest: " + image);
        assertFalse(image.endsWith(":latest"), image);

        JsonNode podSecurity = pod.path("securityContext");
        JsonNode security = container.path("securityContext");
        assertTrue(podSecurity.path("runAsNonRoot").asBoolean(false), "pod runAsNonRoot");
        assertTrue(security.path("runAsNonRoot").asBoolean(true), "container does not undo runAsNonRoot");
        assertEquals("RuntimeDefault", podSecurity.path("seccompProfile").path("type").asText());
        assertEquals("RuntimeDefault", security.path("seccompProfile").path("type").asText("RuntimeDefault"));
        assertTrue(security.path("readOnlyRootFilesystem").asBoolean(false), "readOnlyRootFilesystem");
        assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation false");
        assertFalse(security.path("privileged").asBoolean(false), "not privileged");
        assertEquals(List.of("ALL"), texts(security.path("capabilities").path("drop")), "capabilities drop ALL");
        assertTrue(security.path("capabilities").path("add").isMissingNode(), "no capabilities added");
        assertFalse(pod.path("hostNetwork").asBoolean(false) || pod.path("hostPID").asBoolean(false));
        if (overlay.equals("openshift")) {
            assertTrue(podSecurity.path("runAsUser").isMissingNode() && security.path("runAsUser").isMissingNode(),
                    "restricted-v2 assigns the user");
        } else {
            assertEquals(10001, podSecurity.path("runAsUser").asInt(), "fixed non-root user");
        }

        String tmpVolume = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp")) {
                tmpVolume = mount.path("name").asText();
            }
        }
        assertNotNull(tmpVolume, "/tmp is mounted (the root is read-only)");
        assertTrue(volume(pod, tmpVolume).has("emptyDir"), "/tmp is an emptyDir");

        for (String field : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertFalse(container.path("resources").path(field).path(resource).asText().isEmpty(),
                        field + "." + resource);
            }
        }
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode volume : pod.path("volumes")) {
            if (name.equals(volume.path("name").asText())) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void everySettingIsARealConfigKey(String overlay) {
        List<JsonNode> objects = render(overlay);
        Map<String, ConfigKey> byEnv = new HashMap<>();
        configKeys().values().forEach(key -> byEnv.put(key.envName(), key));
        Map<String, String> env = env(objects);
        assertFalse(env.isEmpty());
        for (Map.Entry<String, String> setting : env.entrySet()) {
            if (setting.getKey().startsWith("IMAGEPRUNE_")) {
                ConfigKey key = byEnv.get(setting.getKey());
                assertNotNull(key, setting.getKey() + " is no key of ImagePruneConfig; known: "
                        + new TreeSet<>(byEnv.keySet()));
                assertConvertible(key, setting.getValue());
            } else {
                assertTrue(OTHER_ENV.contains(setting.getKey()), setting.getKey() + " is no setting of the app");
            }
        }
        assertEquals("false", env.get("IMAGEPRUNE_PRUNE_CONFIRM"), "dry run by default");
        String flavour = overlay.equals("openshift") ? "openshift" : "distribution";
        assertEquals(flavour, env.get("IMAGEPRUNE_REGISTRY_FLAVOUR"));
        if (overlay.equals("kubernetes")) {
            // on OpenShift the image config names the registry (openshiftUsesTheIntegratedRegistryWithTheServiceCa)
            assertTrue(env.getOrDefault("IMAGEPRUNE_REGISTRY_URL", "").startsWith("https://"), "registry URL");
        }
        // every ConfigMap is used by the pod (no stale generator output), except the CA the pod mounts and the
        // dashboard Grafana's sidecar reads
        for (JsonNode map : ofKind(objects, "ConfigMap")) {
            if (map.path("metadata").path("labels").has("grafana_dashboard")) {
                continue;
            }
            boolean injected = map.path("metadata").path("annotations").has(INJECT_CABUNDLE);
            boolean envFrom = container(objects).path("envFrom").findValuesAsText("name")
                    .contains(map.path("metadata").path("name").asText());
            assertTrue(injected || envFrom, name(map) + " is used");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void topicsAreTheConfiguredOnes(String overlay) {
        List<JsonNode> objects = render(overlay);
        Map<String, String> env = env(objects);
        Map<String, ConfigKey> keys = configKeys();
        String state = keys.get("imageprune.kafka.topic.state").defaultValue();
        String dlq = keys.get("imageprune.kafka.topic.dlq").defaultValue();
        String deletions = keys.get("imageprune.kafka.topic.deletions").defaultValue();
        assertEquals(state, configured(env, "imageprune.kafka.topic.state"));
        assertEquals(dlq, configured(env, "imageprune.kafka.topic.dlq"));
        assertEquals(deletions, configured(env, "imageprune.kafka.topic.deletions"));
        int partitions = Integer.parseInt(configured(env, "imageprune.kafka.topic.partitions"));
        int replicas = Integer.parseInt(configured(env, "imageprune.kafka.topic.replication-factor"));

        Map<String, JsonNode> topics = new TreeMap<>();
        Set<String> clusters = new TreeSet<>();
        for (JsonNode topic : ofKind(objects, "KafkaTopic")) {
            assertEquals("kafka.strimzi.io/v1beta2", topic.path("apiVersion").asText());
            clusters.add(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            topics.put(topic.path("spec").path("topicName").asText(topic.path("metadata").path("name").asText()),
                    topic.path("spec"));
        }
        assertEquals(new TreeSet<>(Set.of(state, dlq, deletions)), topics.keySet(), "KafkaTopics");
        assertEquals(1, clusters.size(), "one Strimzi cluster: " + clusters);
        String cluster = clusters.iterator().next();
        assertFalse(cluster.isEmpty(), "label strimzi.io/cluster");
        assertEquals(cluster + "-kafka-bootstrap:9092", env.get("KAFKA_BOOTSTRAP_SERVERS"),
                "the bootstrap Service Strimzi makes for the cluster of the KafkaTopics");

        assertEquals("compact", topics.get(state).path("config").path("cleanup.policy").asText(), "state");
        for (String topic : List.of(dlq, deletions)) {
            assertEquals("delete", topics.get(topic).path("config").path("cleanup.policy").asText(), topic);
            assertTrue(topics.get(topic).path("config").path("retention.ms").asLong() > 0, topic + " retention");
        }
        // as io.imageprune.state.Topics would create them
        assertEquals(partitions, topics.get(state).path("partitions").asInt(), state);
        assertEquals(1, topics.get(dlq).path("partitions").asInt(), dlq);
        assertEquals(partitions, topics.get(deletions).path("partitions").asInt(), deletions);
        topics.forEach((name, spec) -> assertEquals(replicas, spec.path("replicas").asInt(), name + " replicas"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void kafkaUsersLetOnlyTheIngestWriteTheStateAndOnlyThePrunerTheAudit(String overlay) {
        List<JsonNode> objects = render(overlay);
        Map<String, ConfigKey> keys = configKeys();
        String cluster = ofKind(objects, "KafkaTopic").get(0).path("metadata").path("labels")
                .path("strimzi.io/cluster").asText();
        Map<String, Set<String>> writers = new TreeMap<>();
        Map<String, Set<String>> readers = new TreeMap<>();
        for (JsonNode user : ofKind(objects, "KafkaUser")) {
            String name = user.path("metadata").path("name").asText();
            assertEquals("kafka.strimzi.io/v1beta2", user.path("apiVersion").asText(), name);
            assertEquals(cluster, user.path("metadata").path("labels").path("strimzi.io/cluster").asText(), name);
            assertEquals("simple", user.path("spec").path("authorization").path("type").asText(), name);
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                // topics only, by their exact names: no group, no cluster, no prefix grants
                assertEquals("topic", resource.path("type").asText(), name + " " + resource);
                assertEquals("literal", resource.path("patternType").asText(), name + " " + resource);
                String topic = resource.path("name").asText();
                for (JsonNode operation : acl.path("operations")) {
                    assertTrue(Set.of("Read", "Write", "Describe").contains(operation.asText()),
                            name + " may " + operation.asText() + " " + topic);
                    if (operation.asText().equals("Write")) {
                        writers.computeIfAbsent(topic, t -> new TreeSet<>()).add(name);
                    } else if (operation.asText().equals("Read")) {
                        readers.computeIfAbsent(topic, t -> new TreeSet<>()).add(name);
                    }
                }
            }
        }
        String state = keys.get("imageprune.kafka.topic.state").defaultValue();
        String deletions = keys.get("imageprune.kafka.topic.deletions").defaultValue();
        // imageprune: the all-roles Deployment of base/
        assertEquals(Set.of("imageprune-ingest", "imageprune"), writers.get(state), "writers of " + state);
        assertEquals(Set.of("imageprune-pruner", "imageprune"), writers.get(deletions), "writers of " + deletions);
        assertTrue(readers.get(state).containsAll(Set.of("imageprune-state", "imageprune-pruner", "imageprune")),
                "readers of " + state + ": " + readers.get(state));
        // the leader reads the audit topic back at start (interrupted runs, deletion budget)
        assertEquals(Set.of("imageprune-pruner", "imageprune"), readers.get(deletions), "readers of " + deletions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void networkPolicyAllowsOnlyWhatThePodUses(String overlay) {
        List<JsonNode> objects = render(overlay);
        JsonNode policy = one(objects, "NetworkPolicy").path("spec");
        assertSelects(policy.path("podSelector").path("matchLabels"), one(objects, "Deployment").path("spec")
                .path("template").path("metadata").path("labels"), "NetworkPolicy");
        assertEquals(List.of("Ingress", "Egress"), texts(policy.path("policyTypes")));
        int port = containerPort(objects);
        for (JsonNode rule : policy.path("ingress")) {
            assertTrue(rule.has("from"), "ingress from named peers only");
            assertEquals(List.of(port + "/TCP"), ports(rule), "ingress only on the http port");
        }
        Set<String> egress = new TreeSet<>();
        for (JsonNode rule : policy.path("egress")) {
            assertTrue(rule.has("to") && rule.has("ports"), "egress to named peers and ports: " + rule);
            egress.addAll(ports(rule));
        }
        Set<String> required = Set.of("443/TCP", "6443/TCP", "5000/TCP", "9092/TCP", "53/UDP", "53/TCP");
        Set<String> allowed = new TreeSet<>(required);
        // the Kafka cluster's TLS listener, which deployment-kafka-scram.yaml switches to
        allowed.add("9093/TCP");
        if (overlay.equals("openshift")) {
            allowed.addAll(Set.of("5353/UDP", "5353/TCP"));
        }
        assertTrue(egress.containsAll(required), "egress " + egress + " lacks some of " + required);
        assertTrue(allowed.containsAll(egress), "egress " + egress + " beyond " + allowed);
    }

    private static List<String> ports(JsonNode rule) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : rule.path("ports")) {
            ports.add(port.path("port").asText() + "/" + port.path("protocol").asText("TCP"));
        }
        return ports;
    }

    /**
     * The example patch for a secured Strimzi cluster, enabled as its comment says (listed under
     * patchesStrategicMerge of the openshift overlay, in a copy of k8s/): SCRAM-SHA-512 over TLS with the JAAS line
     * of the User Operator's Secret of the all-roles KafkaUser, the cluster CA Secret of the KafkaUsers' cluster
     * mounted where the trust store setting points, the TLS listener as bootstrap (and allowed by the NetworkPolicy),
     * and the signing keys from their Secret. Every KAFKA_* variable is a Kafka client setting.
     */
    @Test
    void theKafkaScramPatchMountsTheClusterCaAndTakesTheLoginFromTheUserSecret() throws IOException {
        List<JsonNode> objects = renderOpenshiftWithKafkaScram();
        JsonNode container = container(objects);
        Map<String, JsonNode> env = new TreeMap<>();
        container.path("env").forEach(entry -> env.put(entry.path("name").asText(), entry));
        String cluster = ofKind(objects, "KafkaUser").get(0).path("metadata").path("labels")
                .path("strimzi.io/cluster").asText();

        assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL").path("value").asText());
        assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM").path("value").asText());
        assertEquals(cluster + "-kafka-bootstrap:9093", env.get("KAFKA_BOOTSTRAP_SERVERS").path("value").asText(),
                "the TLS listener of the cluster's bootstrap Service; env wins over the ConfigMap's 9092");

        JsonNode jaas = env.get("KAFKA_SASL_JAAS_CONFIG").path("valueFrom").path("secretKeyRef");
        assertEquals("sasl.jaas.config", jaas.path("key").asText(), "the key the User Operator writes");
        // the User Operator names the Secret after the KafkaUser; the one Deployment runs every role
        JsonNode user = named(objects, "KafkaUser", jaas.path("name").asText());
        assertEquals(cluster, user.path("metadata").path("labels").path("strimzi.io/cluster").asText());
        assertEquals("scram-sha-512", user.path("spec").path("authentication").path("type").asText());
        Map<String, Set<String>> grants = new TreeMap<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            grants.computeIfAbsent(acl.path("resource").path("name").asText(), t -> new TreeSet<>())
                    .addAll(texts(acl.path("operations")));
        }
        Map<String, ConfigKey> keys = configKeys();
        for (String topic : List.of("state", "deletions")) {
            String name = keys.get("imageprune.kafka.topic." + topic).defaultValue();
            assertTrue(grants.getOrDefault(name, Set.of()).containsAll(Set.of("Read", "Write")),
                    "the all-roles user reads and writes " + name + ": " + grants);
        }
        assertTrue(grants.getOrDefault(keys.get("imageprune.kafka.topic.dlq").defaultValue(), Set.of())
                .contains("Write"), "and writes the dead-letter topic: " + grants);

        assertEquals("PEM", env.get("KAFKA_SSL_TRUSTSTORE_TYPE").path("value").asText());
        String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText();
        JsonNode pod = one(objects, "Deployment").path("spec").path("template").path("spec");
        String mountedCa = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode secret = volume(pod, mount.path("name").asText()).path("secret");
            if (!secret.path("secretName").asText().equals(cluster + "-cluster-ca-cert")) {
                continue;
            }
            assertTrue(mount.path("readOnly").asBoolean(false), "the CA is mounted read-only");
            for (JsonNode item : secret.path("items")) {
                if (item.path("key").asText().equals("ca.crt")) {
                    mountedCa = mount.path("mountPath").asText() + "/" + item.path("path").asText();
                }
            }
        }
        assertEquals(truststore, mountedCa, "the trust store is the key ca.crt of the Secret Strimzi makes for the "
                + "cluster CA, " + cluster + "-cluster-ca-cert, where it is mounted");

        JsonNode signing = env.get("IMAGEPRUNE_KAFKA_SIGNING_KEYS").path("valueFrom").path("secretKeyRef");
        assertEquals("imageprune-signing", signing.path("name").asText());
        assertEquals("keys", signing.path("key").asText());
        Set<String> configEnv = new TreeSet<>();
        keys.values().forEach(key -> configEnv.add(key.envName()));
        Set<String> kafkaSettings = org.apache.kafka.clients.consumer.ConsumerConfig.configNames();
        for (String name : env.keySet()) {
            if (name.startsWith("KAFKA_")) {
                String setting = name.substring("KAFKA_".length()).toLowerCase().replace('_', '.');
                assertTrue(kafkaSettings.contains(setting), name + " is no Kafka client setting (" + setting + ")");
            } else {
                assertTrue(configEnv.contains(name), name + " is no key of ImagePruneConfig");
            }
        }

        // the rest of the pod stays as the overlay makes it, and the pod may reach the TLS listener
        JsonNode unpatched = one(render("openshift"), "Deployment").path("spec").path("template").path("spec");
        for (JsonNode volume : unpatched.path("volumes")) {
            assertEquals(volume, volume(pod, volume.path("name").asText()), "kept: " + volume);
        }
        assertEquals(container(render("openshift")).path("envFrom"), container.path("envFrom"));
        boolean reachesTls = false;
        for (JsonNode rule : one(objects, "NetworkPolicy").path("spec").path("egress")) {
            boolean toCluster = false;
            for (JsonNode peer : rule.path("to")) {
                toCluster |= cluster.equals(peer.path("podSelector").path("matchLabels").path("strimzi.io/cluster")
                        .asText());
            }
            reachesTls |= toCluster && ports(rule).contains("9093/TCP");
        }
        assertTrue(reachesTls, "the NetworkPolicy lets the pod reach the cluster's TLS listener");
    }

    /** The openshift overlay with deployment-kafka-scram.yaml listed, rendered from a copy of k8s/. */
    private static List<JsonNode> renderOpenshiftWithKafkaScram() throws IOException {
        Path copy = Files.createTempDirectory("imageprune-k8s");
        try {
            Path k8s = repo().resolve("k8s");
            try (var paths = Files.walk(k8s)) {
                for (Path source : paths.toList()) {
                    Path target = copy.resolve(k8s.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            Path kustomization = copy.resolve("overlays/openshift/kustomization.yaml");
            String text = Files.readString(kustomization);
            String commented = "  # - deployment-kafka-scram.yaml\n";
            assertTrue(text.contains(commented), "the overlay lists the patch, commented: " + kustomization);
            Files.writeString(kustomization, text.replace(commented, "  - deployment-kafka-scram.yaml\n"));
            return kustomize(copy.resolve("overlays/openshift"), "openshift with deployment-kafka-scram.yaml");
        } finally {
            try (var paths = Files.walk(copy)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void openshiftUsesTheIntegratedRegistryWithTheServiceCa() {
        List<JsonNode> objects = render("openshift");
        Map<String, String> env = env(objects);
        // the registry is the image config's internal one, as for the operator's pruner (ClusterImageConfig)
        assertFalse(env.containsKey("IMAGEPRUNE_REGISTRY_URL"), "no fixed registry URL: " + env.get("IMAGEPRUNE_REGISTRY_URL"));
        assertEquals("true", env.get("IMAGEPRUNE_IMAGE_PRUNER_ENABLED"), "the drop-in reads the image config");
        Path bundle = Path.of(env.get("IMAGEPRUNE_REGISTRY_CA_BUNDLE"));
        assertEquals("service-ca.crt", bundle.getFileName().toString(), "the key the service CA operator writes");
        JsonNode mount = null;
        for (JsonNode m : container(objects).path("volumeMounts")) {
            if (bundle.getParent().equals(Path.of(m.path("mountPath").asText()))) {
                mount = m;
            }
        }
        assertNotNull(mount, "the CA bundle's directory is mounted");
        assertTrue(mount.path("readOnly").asBoolean(false), "read-only");
        JsonNode volume = volume(one(objects, "Deployment").path("spec").path("template").path("spec"),
                mount.path("name").asText());
        JsonNode map = named(objects, "ConfigMap", volume.path("configMap").path("name").asText());
        assertEquals("true", map.path("metadata").path("annotations").path(INJECT_CABUNDLE).asText());
    }

    @Test
    void kubernetesHasNothingOpenShiftOnly() {
        List<JsonNode> objects = render("kubernetes");
        for (JsonNode object : objects) {
            assertFalse(object.path("metadata").path("annotations").has(INJECT_CABUNDLE), name(object));
            assertFalse(object.path("roleRef").path("name").asText().startsWith("system:"), name(object));
        }
        assertFalse(env(objects).containsKey("IMAGEPRUNE_REGISTRY_CA_BUNDLE"), "no service CA on Kubernetes");
        assertTrue(one(objects, "Deployment").path("spec").path("template").path("metadata").path("annotations")
                .path(REQUIRED_SCC).isMissingNode(), "no SCC on Kubernetes");
    }

    @Test
    void readmeDocumentsBothInstallsAndTheCronJobSwitch() throws IOException {
        String readme = Files.readString(repo().resolve("k8s/README.md"), StandardCharsets.UTF_8);
        for (String text : List.of("oc apply -k k8s/overlays/openshift", "kubectl apply -k k8s/overlays/kubernetes",
                "suspend", "IMAGEPRUNE_PRUNE_CONFIRM")) {
            assertTrue(readme.contains(text), "k8s/README.md mentions " + text);
        }
        Set<String> overlays;
        try (var dirs = Files.list(repo().resolve("k8s/overlays"))) {
            overlays = dirs.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(Set.of("openshift", "kubernetes")), overlays, "every overlay is tested");
    }

    @Test
    void openshiftPodsRequireTheRestrictedScc() {
        JsonNode template = one(render("openshift"), "Deployment").path("spec").path("template");
        assertEquals("restricted-v2", template.path("metadata").path("annotations").path(REQUIRED_SCC).asText(),
                "the SCC is chosen by the annotation, never a more privileged one the service account may use");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void everyObjectHasTheStandardLabelsAndTheSelectorsOnlyTheName(String overlay) {
        List<JsonNode> objects = render(overlay);
        JsonNode deployment = one(objects, "Deployment");
        String image = container(objects).path("image").asText();
        assertTrue(image.matches(".*:[A-Za-z0-9._-]+"), "the image has a tag, the version label: " + image);
        String version = image.substring(image.lastIndexOf(':') + 1);
        Map<String, JsonNode> labelled = new LinkedHashMap<>();
        objects.forEach(object -> labelled.put(name(object), object));
        labelled.put("the pod template", deployment.path("spec").path("template"));
        labelled.forEach((what, object) -> {
            JsonNode labels = object.path("metadata").path("labels");
            for (Map.Entry<String, String> fixed : Map.of("name", "imageprune", "instance", "imageprune",
                    "part-of", "imageprune", "managed-by", "kustomize", "version", version).entrySet()) {
                assertEquals(fixed.getValue(), labels.path("app.kubernetes.io/" + fixed.getKey()).asText(),
                        what + ": app.kubernetes.io/" + fixed.getKey());
            }
            assertFalse(labels.path("app.kubernetes.io/component").asText().isEmpty(), what + ": component");
        });
        // a selector is immutable (Deployment) and must keep matching the pods of the previous version
        Map<String, String> byName = Map.of("app.kubernetes.io/name", "imageprune");
        assertEquals(byName, YAML.convertValue(deployment.path("spec").path("selector").path("matchLabels"), Map.class));
        for (JsonNode service : ofKind(objects, "Service")) {
            assertEquals(byName, YAML.convertValue(service.path("spec").path("selector"), Map.class), name(service));
        }
    }

    /** The README's permissions table, as (group resource verb) grants per role ("ClusterRole/imageprune"). */
    private static Map<String, Set<String>> documentedGrants() throws IOException {
        Pattern row = Pattern.compile("^\\| (ClusterRole|Role) `([^`]+)` \\|([^|]+)\\|([^|]+)\\|([^|]+)\\|");
        Pattern quoted = Pattern.compile("`([^`]*)`");
        Map<String, Set<String>> grants = new TreeMap<>();
        for (String line : Files.readAllLines(repo().resolve("k8s/README.md"), StandardCharsets.UTF_8)) {
            Matcher m = row.matcher(line);
            if (!m.find()) {
                continue;
            }
            List<String> groups = backticked(quoted, m.group(3));
            assertEquals(1, groups.size(), "one API group per row: " + line);
            String group = groups.get(0).equals("\"\"") ? "" : groups.get(0);
            for (String resource : backticked(quoted, m.group(4))) {
                for (String verb : backticked(quoted, m.group(5))) {
                    grants.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeSet<>())
                            .add(group + " " + resource + " " + verb);
                }
            }
        }
        return grants;
    }

    private static List<String> backticked(Pattern quoted, String cell) {
        List<String> values = new ArrayList<>();
        Matcher m = quoted.matcher(cell);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void theReadmesPermissionsTableIsTheRoles(String overlay) throws IOException {
        Map<String, Set<String>> documented = documentedGrants();
        Map<String, Set<String>> defined = new TreeMap<>();
        for (JsonNode role : render(overlay)) {
            if (Set.of("Role", "ClusterRole").contains(role.path("kind").asText())) {
                defined.put(name(role), grants(role));
            }
        }
        assertEquals(defined.keySet(), documented.keySet(), "the roles the README's table documents");
        defined.forEach((role, grants) -> assertSameGrants(grants, documented.get(role), "k8s/README.md on " + role));
    }

    /** Mebibytes of a quantity such as 1Gi or 768Mi. */
    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
        assertTrue(m.matches(), "a quantity in Mi or Gi: " + quantity);
        return Long.parseLong(m.group(1)) * (m.group(2).equals("Gi") ? 1024 : 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openshift", "kubernetes"})
    void memoryIsSizedFromTheMeasuredTable(String overlay) throws IOException {
        String readme = Files.readString(repo().resolve("k8s/README.md"), StandardCharsets.UTF_8);
        Matcher row = Pattern.compile("(?m)^\\| ([\\d,]+) \\| [\\d,]+ \\| (\\d+) MiB \\| (\\d+ MiB|—) \\|$").matcher(readme);
        long heap = 0;
        long rss = 0;
        int rows = 0;
        while (row.find()) {
            rows++;
            heap = Math.max(heap, Long.parseLong(row.group(2)));
            if (!row.group(3).equals("—")) {
                rss = Math.max(rss, Long.parseLong(row.group(3).replace(" MiB", "")));
            }
        }
        assertTrue(rows >= 3, "the README's memory table has measured rows");
        JsonNode resources = container(render(overlay)).path("resources");
        long limit = mebibytes(resources.path("limits").path("memory").asText());
        long request = mebibytes(resources.path("requests").path("memory").asText());
        assertTrue(limit >= 2 * heap, "limit " + limit + " MiB leaves the collector room above a " + heap
                + " MiB live set");
        assertTrue(request >= rss, "request " + request + " MiB covers the largest measured RSS " + rss + " MiB");
        assertTrue(request <= limit);
    }
}
