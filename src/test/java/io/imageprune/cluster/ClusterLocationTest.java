package io.imageprune.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the cluster is found, in the Kubernetes client's order, and what is said when there is none. */
class ClusterLocationTest {
    private static final String RESOLVED = "https://api.example:6443/";
    private static final Supplier<String> CLIENT = () -> RESOLVED;
    private static final Supplier<String> NOT_ASKED = () -> {
        throw new AssertionError("the client must not be built without a cluster");
    };

    @TempDir
    Path home;

    @Test
    void theConfiguredApiServerWins() throws IOException {
        kubeconfigAt(home.resolve(".kube/config"));
        ClusterLocation.Where where = ClusterLocation.locate(Optional.of("http://127.0.0.1:1234"), Optional.empty(),
                Map.of(), Map.of(), home, NOT_ASKED);
        assertEquals(new ClusterLocation.Where("http://127.0.0.1:1234", ClusterLocation.API_SERVER_URL), where);
    }

    @Test
    void theKubeconfigInTheHomeDirectory() throws IOException {
        Path config = kubeconfigAt(home.resolve(".kube/config"));
        ClusterLocation.Where where = ClusterLocation.locate(Optional.empty(), Optional.empty(), Map.of(),
                Map.of(), home, CLIENT);
        assertEquals(new ClusterLocation.Where(RESOLVED, "kubeconfig " + config), where);
    }

    @Test
    void kubeconfigNamesFilesOfWhichOneExists() throws IOException {
        Path config = kubeconfigAt(home.resolve("second"));
        String list = home.resolve("missing") + java.io.File.pathSeparator + config;
        ClusterLocation.Where where = ClusterLocation.locate(Optional.empty(), Optional.empty(),
                Map.of("KUBECONFIG", list), Map.of(), home, CLIENT);
        assertEquals("kubeconfig " + config, where.from());
    }

    @Test
    void thePodsServiceAccount() {
        ClusterLocation.Where where = ClusterLocation.locate(Optional.empty(), Optional.empty(),
                Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), Map.of(), home, CLIENT);
        assertEquals(new ClusterLocation.Where(RESOLVED, "the pod's service account"), where);
    }

    @Test
    void withoutAnyTheProblemNamesWhatWasLookedFor() {
        ClusterLocation.Where where = ClusterLocation.locate(Optional.empty(), Optional.empty(), Map.of(),
                Map.of(), home, NOT_ASKED);
        assertFalse(where.known());
        assertNull(where.apiServer());
        assertTrue(where.from().startsWith("no kubeconfig (" + home.resolve(".kube").resolve("config")
                + " not found"), where.from());
        assertTrue(where.from().contains("not in a pod"), where.from());
        assertEquals(where.from(), where.describe());
    }

    @Test
    void aConfiguredKubeconfigFileThatIsMissingIsNoCluster() {
        String missing = home.resolve("nope").toString();
        ClusterLocation.Where where = ClusterLocation.locate(Optional.empty(), Optional.of(missing), Map.of(),
                Map.of(), home, NOT_ASKED);
        assertFalse(where.known());
        assertTrue(where.from().contains(missing), where.from());
    }

    private static Path kubeconfigAt(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "apiVersion: v1\nkind: Config\n");
    }
}
