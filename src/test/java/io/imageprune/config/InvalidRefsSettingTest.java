package io.imageprune.config;

import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.service.SafetySettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code imageprune.plan.invalid-refs} as SmallRye maps it: read by the one option parser, its old form
 * {@code ignore-invalid-refs=true} agreeing or refused, contain with oc-exact refused, contain and ignore warned about.
 */
class InvalidRefsSettingTest {
    private static ImagePruneConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withMapping(ImagePruneConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build()
                .getConfigMapping(ImagePruneConfig.class);
    }

    @Test
    void theModeAndItsOldForm() {
        assertEquals(InvalidReferenceMode.STOP, InvalidRefsSetting.of(config(Map.of()).plan()));
        assertEquals(InvalidReferenceMode.CONTAIN,
                InvalidRefsSetting.of(config(Map.of("imageprune.plan.invalid-refs", "contain")).plan()));
        assertEquals(InvalidReferenceMode.IGNORE,
                InvalidRefsSetting.of(config(Map.of("imageprune.plan.ignore-invalid-refs", "true")).plan()));
        assertEquals(InvalidReferenceMode.IGNORE, InvalidRefsSetting.of(config(Map.of(
                "imageprune.plan.ignore-invalid-refs", "true", "imageprune.plan.invalid-refs", "ignore")).plan()));
    }

    @Test
    void badValuesAndContradictionsStopTheStart() {
        assertEquals(List.of("invalid value for imageprune.plan.invalid-refs: \"Contain\" is not stop, contain or "
                + "ignore"), SafetySettings.check(config(Map.of("imageprune.plan.invalid-refs", "Contain"))).refusals());
        List<String> contradiction = SafetySettings.check(config(Map.of("imageprune.plan.invalid-refs", "stop",
                "imageprune.plan.ignore-invalid-refs", "true"))).refusals();
        assertEquals(1, contradiction.size(), contradiction.toString());
        assertTrue(contradiction.get(0).contains("imageprune.plan.ignore-invalid-refs=true contradicts "
                + "imageprune.plan.invalid-refs=stop"), contradiction.toString());
        assertEquals(List.of("imageprune.plan.invalid-refs=contain contradicts imageprune.plan.oc-exact=true (oc stops "
                + "on invalid references); set one of them"), SafetySettings.check(config(Map.of(
                "imageprune.plan.invalid-refs", "contain", "imageprune.plan.oc-exact", "true"))).refusals());
    }

    @Test
    void containAndIgnoreAreWarnedAbout() {
        SafetySettings.Findings contain = SafetySettings.check(config(Map.of("imageprune.plan.invalid-refs",
                "contain")));
        assertEquals(List.of(), contain.refusals());
        assertEquals(List.of("imageprune.plan.invalid-refs=contain: runs prune around invalid references, keeping "
                + "only what each could name, instead of refusing"), contain.warnings());
        assertEquals(1, SafetySettings.check(config(Map.of("imageprune.plan.invalid-refs", "ignore"))).warnings()
                .size());
        assertEquals(List.of(), SafetySettings.check(config(Map.of("imageprune.plan.invalid-refs", "stop")))
                .warnings());
    }
}
