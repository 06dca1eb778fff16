package io.imageprune.registry;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.model.Image;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a confirmed run's registry comes from: configured URL, else the image config's, else oc's discovery. */
class RegistryHostChoiceTest {
    private static final String DIGEST = "sha256:" + "1".repeat(64);
    private static final List<Image> IMAGES = List.of(new Image(DIGEST, Instant.ofEpochSecond(100), true,
            Image.MANIFEST_SCHEMA2, List.of(), true, "", 0, List.of(), "attacker.example:443/ns/a@" + DIGEST));

    private static RegistryConnections connections(Map<String, String> values) {
        return new RegistryConnections(config(values));
    }

    @Test
    void theConfiguredUrlWinsOverTheImageConfig() {
        RegistryHost host = connections(Map.of("imageprune.registry.url", "https://configured.example:5000"))
                .host(Optional.of("image-registry.openshift-image-registry.svc:5000"), IMAGES, List.of());
        assertEquals(new RegistryHost("https://configured.example:5000", RegistryHost.Source.CONFIGURED), host);
        assertTrue(host.named());
    }

    @Test
    void theImageConfigsInternalRegistryIsReachedOverHttpsAsTheOperatorDoes() {
        RegistryHost host = connections(Map.of())
                .host(Optional.of("image-registry.openshift-image-registry.svc:5000"), IMAGES, List.of());
        assertEquals(new RegistryHost("https://image-registry.openshift-image-registry.svc:5000",
                RegistryHost.Source.IMAGE_CONFIG), host);
        assertTrue(host.named(), "the scheme it gives is kept");
    }

    @Test
    void otherwiseTheHostIsDiscoveredAndSaysSo() {
        RegistryHost host = connections(Map.of()).host(Optional.empty(), IMAGES, List.of());
        assertEquals(new RegistryHost("attacker.example:443", RegistryHost.Source.DISCOVERED), host);
        assertFalse(host.named());
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example/path", "user:pw@evil.example", "https://evil.example", "evil.example:5000/",
            "evil .example", "evil.example:abc", "evil.example?x=1"})
    void anImageConfigHostnameThatIsNoHostAndPortIsRefused(String hostname) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> connections(Map.of()).host(Optional.of(hostname), IMAGES, List.of()));
        assertTrue(e.getMessage().contains("images.config.openshift.io/cluster") && e.getMessage().contains(hostname),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"image-registry.openshift-image-registry.svc:5000", "registry.example", "10.0.0.1:5000",
            "[fd00::1]:5000"})
    void hostAndPortFormsAreAccepted(String hostname) {
        assertEquals("https://" + hostname, connections(Map.of()).host(Optional.of(hostname), IMAGES, List.of()).url());
    }

    @Test
    void discoveredHostsAreRefusedUnlessAllowed() {
        assertFalse(config(Map.of()).registry().allowDiscoveredHost(), "refused by default");
        assertTrue(config(Map.of("imageprune.registry.allow-discovered-host", "true")).registry().allowDiscoveredHost());
    }

    private static ImagePruneConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withMapping(ImagePruneConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build()
                .getConfigMapping(ImagePruneConfig.class);
    }
}
