package io.imageprune.prune;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the image config's status reads: a hostname is the internal registry, none means there is none. */
class ClusterImageConfigTest {
    @Test
    void aHostnameIsTheInternalRegistry() {
        ClusterImageConfig.Observed observed = ClusterImageConfig.observed(
                Map.of("internalRegistryHostname", "image-registry.openshift-image-registry.svc:5000"));
        assertEquals(Optional.of("image-registry.openshift-image-registry.svc:5000"),
                observed.internalRegistryHostname());
        assertFalse(observed.noInternalRegistry());
    }

    @Test
    void anEmptyOrMissingHostnameOrStatusMeansNoInternalRegistry() {
        assertTrue(ClusterImageConfig.observed(Map.of("internalRegistryHostname", " ")).noInternalRegistry());
        assertTrue(ClusterImageConfig.observed(Map.of("externalRegistryHostnames", "x")).noInternalRegistry());
        assertTrue(ClusterImageConfig.observed(null).noInternalRegistry());
        Map<String, Object> notText = new HashMap<>();
        notText.put("internalRegistryHostname", 5000);
        assertTrue(ClusterImageConfig.observed(notText).noInternalRegistry());
    }

    @Test
    void notSeenIsNeitherAnInternalRegistryNorNone() {
        assertFalse(ClusterImageConfig.Observed.NOTHING.noInternalRegistry());
        assertTrue(ClusterImageConfig.Observed.NOTHING.internalRegistryHostname().isEmpty());
    }
}
