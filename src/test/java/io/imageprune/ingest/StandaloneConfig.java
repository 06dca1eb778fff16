package io.imageprune.ingest;

import io.imageprune.config.ImagePruneConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.Map;

/** The configuration of tests that build the ingest (and the state side) themselves, without Quarkus. */
final class StandaloneConfig {
    private StandaloneConfig() {
    }

    /** The mapping's defaults with {@code settings} over them. */
    static ImagePruneConfig of(Map<String, String> settings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withMapping(ImagePruneConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter());
        settings.forEach(builder::withDefaultValue);
        return builder.build().getConfigMapping(ImagePruneConfig.class);
    }
}
