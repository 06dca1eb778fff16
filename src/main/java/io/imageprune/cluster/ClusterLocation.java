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
                Optional.ofNullable(System.getProperty("kubeconfig")), Path.of(System.getProperty("user.home")),
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

    /**
     * @param kubeconfigProperty the {@code kubeconfig} system property, which the client reads before {@code KUBECONFIG}
     * @param masterUrl the API server as the client resolved it (only asked when there is a cluster)
     */
    static Where locate(Optional<String> apiServerUrl, Optional<String> kubeconfigFile, Map<String, String> env,
                        Optional<String> kubeconfigProperty, Path home, Supplier<String> masterUrl) {
        if (apiServerUrl.isPresent() && !apiServerUrl.get().isBlank()) {
            return new Where(apiServerUrl.get(), API_SERVER_URL);
        }
        List<String> candidates = new ArrayList<>();
        if (kubeconfigFile.isPresent()) {
            candidates.add(kubeconfigFile.get());
        } else if (kubeconfigProperty.isPresent()) {
            candidates.add(kubeconfigProperty.get());
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
