package io.imageprune.service;

import io.imageprune.config.ImagePruneConfig;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration as SmallRye maps it (the production mapping and converters) and the start-up check on it: a
 * value that would weaken a safety setting is refused with a message naming key and value; explicit choices that
 * keep less than the safe defaults are warnings.
 */
class SafetySettingsTest {
    private static ImagePruneConfig config(Map<String, String> values) {
        // Quarkus's Duration converter ("15s"), as in the application
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ImagePruneConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build();
        return config.getConfigMapping(ImagePruneConfig.class);
    }

    private static SafetySettings.Findings check(String key, String value) {
        return SafetySettings.check(config(Map.of(key, value)));
    }

    @Test
    void confirmingWithoutTheAuditIsRefused() {
        List<String> refusals = SafetySettings.check(config(Map.of("imageprune.prune.confirm", "true",
                "imageprune.audit.enabled", "false"))).refusals();
        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).startsWith("imageprune.audit.enabled=false with imageprune.prune.confirm=true"),
                refusals.get(0));
    }

    @Test
    void theDefaultsPassWithoutWarnings() {
        SafetySettings.Findings findings = SafetySettings.check(config(Map.of()));
        assertEquals(List.of(), findings.refusals());
        assertEquals(List.of(), findings.warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "imageprune.plan.keep-younger-than|-5m|imageprune.plan.keep-younger-than=-5m is negative: age protection would be off for every run",
            "imageprune.plan.keep-younger-than|3000000h|invalid value for imageprune.plan.keep-younger-than: \"3000000h\" is not a Go duration",
            "imageprune.plan.keep-younger-than|1 hour|invalid value for imageprune.plan.keep-younger-than: \"1 hour\" is not a Go duration",
            "imageprune.plan.keep-tag-revisions|-1|imageprune.plan.keep-tag-revisions=-1 is negative",
            "imageprune.prune.max-image-deletions|0|imageprune.prune.max-image-deletions=0 is not a positive number",
            "imageprune.prune.max-image-deletions|-10|imageprune.prune.max-image-deletions=-10 is not a positive number",
            "imageprune.prune.max-image-deletion-share|0|imageprune.prune.max-image-deletion-share=0.0 is not a share",
            "imageprune.prune.max-image-deletion-share|1.5|imageprune.prune.max-image-deletion-share=1.5 is not a share",
            "imageprune.prune.max-image-deletion-share|NaN|imageprune.prune.max-image-deletion-share=NaN is not a share",
            "imageprune.prune.max-lag|-1|imageprune.prune.max-lag=-1 is negative",
            "imageprune.prune.num-workers|0|imageprune.prune.num-workers=0 is not a positive number",
            "imageprune.prune.max-attempts|0|imageprune.prune.max-attempts=0 is not a positive number",
            "imageprune.prune.max-layer-link-deletions|0|imageprune.prune.max-layer-link-deletions=0 is not a positive number",
            "imageprune.prune.max-blob-deletions|-1|imageprune.prune.max-blob-deletions=-1 is not a positive number",
            "imageprune.prune.max-image-deletions-per-window|0|imageprune.prune.max-image-deletions-per-window=0 is not a positive number",
            "imageprune.prune.deletion-window|0s|imageprune.prune.deletion-window=PT0S is not a positive duration",
            "imageprune.prune.history|0|imageprune.prune.history=0 is not a positive number",
            "imageprune.registry.timeout|0s|imageprune.registry.timeout=PT0S is not a positive duration",
            "imageprune.leader.renew-deadline|15s|imageprune.leader.renew-deadline=PT15S is not shorter than imageprune.leader.lease-duration=PT15S",
            "imageprune.ingest.namespaces|shop,Web|invalid value for imageprune.ingest.namespaces: \"Web\" is not a namespace name",
            "imageprune.ingest.namespaces|shop/x|invalid value for imageprune.ingest.namespaces: \"shop/x\" is not a namespace name"})
    void valuesThatWouldWeakenSafetyAreRefused(String key, String value, String message) {
        List<String> refusals = check(key, value).refusals();
        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).startsWith(message), refusals.get(0));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://registry.example:5000/v2|imageprune.registry.url=https://registry.example:5000/v2: invalid --registry-url flag: ",
            "ftp://registry.example|imageprune.registry.url=ftp://registry.example: invalid --registry-url flag: unsupported scheme: ftp",
            "https://registry.example?x=1|imageprune.registry.url=https://registry.example?x=1: invalid --registry-url flag: "})
    void anUnusableRegistryUrlIsRefusedAtStartNotAtTheFirstConfirmedRun(String url, String message) {
        List<String> refusals = check("imageprune.registry.url", url).refusals();
        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).startsWith(message), refusals.get(0));
    }

    @Test
    void aCaBundleThatCannotBeReadOrContradictsTheOtherOptionsIsRefusedAtStart(@TempDir Path dir) throws IOException {
        String missing = dir.resolve("missing.pem").toString();
        List<String> unreadable = check("imageprune.registry.ca-bundle", missing).refusals();
        assertEquals(1, unreadable.size(), unreadable.toString());
        assertTrue(unreadable.get(0).startsWith("imageprune.registry.ca-bundle=" + missing
                + ": failed to read registry ca bundle: "), unreadable.get(0));

        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        List<String> noCertificate = check("imageprune.registry.ca-bundle", empty.toString()).refusals();
        assertEquals(1, noCertificate.size(), noCertificate.toString());
        assertTrue(noCertificate.get(0).contains("failed to read registry ca bundle"), noCertificate.get(0));

        List<String> withInsecure = SafetySettings.check(config(Map.of("imageprune.registry.ca-bundle", missing,
                "imageprune.registry.force-insecure", "true"))).refusals();
        assertTrue(withInsecure.stream().anyMatch(refusal -> refusal.endsWith(
                "--certificate-authority cannot be specified with --force-insecure")), withInsecure.toString());

        List<String> withHttp = SafetySettings.check(config(Map.of("imageprune.registry.ca-bundle", missing,
                "imageprune.registry.url", "http://registry.example:5000"))).refusals();
        assertTrue(withHttp.stream().anyMatch(refusal -> refusal.endsWith(
                "--certificate-authority cannot be specified for insecure http protocol")), withHttp.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "imageprune.plan.keep-pinned-images|false|imageprune.plan.keep-pinned-images=false",
            "imageprune.plan.ignore-invalid-refs|true|imageprune.plan.ignore-invalid-refs=true",
            "imageprune.plan.keep-younger-than|0s|imageprune.plan.keep-younger-than=0s",
            "imageprune.plan.keep-tag-revisions|1|imageprune.plan.keep-tag-revisions=1",
            "imageprune.registry.force-insecure|1|imageprune.registry.force-insecure=true"})
    void explicitChoicesThatKeepLessAreAcceptedWithAWarning(String key, String value, String warning) {
        SafetySettings.Findings findings = check(key, value);
        assertEquals(List.of(), findings.refusals());
        assertEquals(1, findings.warnings().size(), findings.warnings().toString());
        assertTrue(findings.warnings().get(0).startsWith(warning), findings.warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"imageprune.prune.confirm", "imageprune.api.runs.enabled", "imageprune.api.runs.authenticate",
            "imageprune.plan.prune-registry", "imageprune.plan.all", "imageprune.plan.ignore-invalid-refs",
            "imageprune.prune.event-driven", "imageprune.image-pruner.enabled", "imageprune.leader.enabled",
            "imageprune.audit.enabled", "imageprune.registry.force-insecure", "imageprune.plan.keep-pinned-images"})
    void everyBooleanIsGosParseBool(String key) {
        for (String value : new String[]{"yes", "on", "Y", "tRUE", "enabled", "2"}) {
            Exception e = assertThrows(RuntimeException.class, () -> config(Map.of(key, value)));
            String message = String.valueOf(e.getMessage()) + " " + causes(e);
            assertTrue(message.contains(key), message);
            assertTrue(message.contains("\"" + value + "\" is not a boolean (1, t, T, TRUE, true, True, 0, f"), message);
        }
        assertTrue(booleanOf(config(Map.of(key, "1")), key));
        assertTrue(booleanOf(config(Map.of(key, "T")), key));
        assertEquals(false, booleanOf(config(Map.of(key, "0")), key));
        assertEquals(false, booleanOf(config(Map.of(key, "F")), key));
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            text.append(t.getMessage()).append(' ');
        }
        return text.toString();
    }

    private static boolean booleanOf(ImagePruneConfig config, String key) {
        return switch (key) {
            case "imageprune.prune.confirm" -> config.prune().confirm();
            case "imageprune.api.runs.enabled" -> config.api().runs().enabled();
            case "imageprune.api.runs.authenticate" -> config.api().runs().authenticate();
            case "imageprune.plan.prune-registry" -> config.plan().pruneRegistry();
            case "imageprune.plan.all" -> config.plan().all();
            case "imageprune.plan.ignore-invalid-refs" -> config.plan().ignoreInvalidRefs();
            case "imageprune.prune.event-driven" -> config.prune().eventDriven();
            case "imageprune.image-pruner.enabled" -> config.imagePruner().enabled();
            case "imageprune.leader.enabled" -> config.leader().enabled();
            case "imageprune.audit.enabled" -> config.audit().enabled();
            case "imageprune.registry.force-insecure" -> config.registry().forceInsecure();
            case "imageprune.plan.keep-pinned-images" -> config.plan().keepPinnedImages();
            default -> throw new IllegalArgumentException(key);
        };
    }
}
