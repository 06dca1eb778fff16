package io.imageprune.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the cluster is, found the way the Kubernetes client finds it: {@code quarkus.kubernetes-client.api-server-url},
 * a kubeconfig ({@code quarkus.kubernetes-client.kubeconfig-file}, {@code KUBECONFIG}, {@code ~/.kube/config}) or the
 * pod's service account. Without any of them the client would quietly try {@code https://kubernetes.default.svc};
 * instead the start line and {@code GET /api/v1/status} say that there is no kubeconfig, and nothing is listed.
 */
@ApplicationScoped
public class ClusterLocation {
    static final String API_SERVER_URL = "quarkus.kubernetes-client.api-server-url";
    static final String KUBECONFIG_FILE = "quarkus.kubernetes-client.kubeconfig-file";
    /** The client's own settings, which the client reads before any kubeconfig. */
    static final String MASTER_PROPERTY = "kubernetes.master";
    static final String KUBECONFIG_PROPERTY = "kubeconfig";

    /**
     * @param apiServer the API server's URL, or null when no cluster is configured
     * @param from where the setting comes from, or, without a cluster, what was looked for
     */
    public record Where(String apiServer, String from) {
        public boolean known() {
            return apiServer != null;
        }

        /** For the start line and the log. */
        public String describe() {
            return known() ? apiServer + " (" + from + ")" : from;
        }
    }

    private final Supplier<Where> locator;
    private volatile Where where;

    /** Looked up on first use: with a kubeconfig, that builds the client, which a command like plan never needs. */
    @Inject
    public ClusterLocation(Config config, Instance<KubernetesClient> client) {
        this.locator = () -> locate(config.getOptionalValue(API_SERVER_URL, String.class)
                        .or(() -> config.getOptionalValue("quarkus.kubernetes-client.master-url", String.class)),
                config.getOptionalValue(KUBECONFIG_FILE, String.class), System.getenv(),
                systemProperties(), Path.of(System.getProperty("user.home")),
                () -> client.get().getConfiguration().getMasterUrl());
    }

    public Where where() {
        Where found = where;
        if (found == null) {
            found = locator.get();
            where = found;
        }
        return found;
    }

    /** The client's own system properties that say where the cluster is. */
    private static Map<String, String> systemProperties() {
        Map<String, String> properties = new java.util.HashMap<>();
        for (String name : List.of(KUBECONFIG_PROPERTY, MASTER_PROPERTY)) {
            String value = System.getProperty(name);
            if (value != null) {
                properties.put(name, value);
            }
        }
        return properties;
    }

    /**
     * @param properties the client's system properties ({@code kubernetes.master}, {@code kubeconfig})
     * @param masterUrl the API server as the client resolved it (only asked when there is a cluster)
     */
    static Where locate(Optional<String> apiServerUrl, Optional<String> kubeconfigFile, Map<String, String> env,
                        Map<String, String> properties, Path home, Supplier<String> masterUrl) {
        if (apiServerUrl.isPresent() && !apiServerUrl.get().isBlank()) {
            return new Where(apiServerUrl.get(), API_SERVER_URL);
        }
        if (properties.get(MASTER_PROPERTY) != null && !properties.get(MASTER_PROPERTY).isBlank()) {
            return new Where(properties.get(MASTER_PROPERTY), MASTER_PROPERTY);
        }
        if (env.get("KUBERNETES_MASTER") != null && !env.get("KUBERNETES_MASTER").isBlank()) {
            return new Where(env.get("KUBERNETES_MASTER"), "KUBERNETES_MASTER");
        }
        List<String> candidates = new ArrayList<>();
        if (kubeconfigFile.isPresent()) {
            candidates.add(kubeconfigFile.get());
        } else if (properties.get(KUBECONFIG_PROPERTY) != null) {
            candidates.add(properties.get(KUBECONFIG_PROPERTY));
        } else if (env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()) {
            candidates.addAll(List.of(env.get("KUBECONFIG").split(File.pathSeparator)));
        } else {
            candidates.add(home.resolve(".kube").resolve("config").toString());
        }
        for (String candidate : candidates) {
            if (!candidate.isBlank() && Files.isRegularFile(Path.of(candidate))) {
                return new Where(masterUrl.get(), "kubeconfig " + candidate);
            }
        }
        String host = env.get("KUBERNETES_SERVICE_HOST");
        if (host != null && !host.isBlank()) {
            return new Where(masterUrl.get(), "the pod's service account");
        }
        return new Where(null, "no kubeconfig (" + String.join(", ", candidates) + " not found; set KUBECONFIG or "
                + API_SERVER_URL + ") and not in a pod: the cluster is not listed, nothing is pruned");
    }
}
