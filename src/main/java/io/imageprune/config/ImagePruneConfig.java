package io.imageprune.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code imageprune.*} setting; each can be overridden by an environment variable (IMAGEPRUNE_…). */
@ConfigMapping(prefix = "imageprune")
public interface ImagePruneConfig {
    Ingest ingest();

    State state();

    Kafka kafka();

    Plan plan();

    interface Ingest {
        /** Watch the cluster and publish its objects to the state topic. */
        @WithDefault("true")
        boolean enabled();

        /** Namespaces to watch; empty: all namespaces. Images are cluster-scoped and always watched. */
        Optional<List<String>> namespaces();

        /** Names this ingest in its sync markers. */
        @WithDefault("imageprune")
        String id();
    }

    interface State {
        /** Consume the state topic into the live reference graph. */
        @WithDefault("true")
        boolean enabled();

        /** How long one poll of the state topic waits for records. */
        @WithDefault("200ms")
        Duration pollTimeout();
    }

    interface Kafka {
        Topic topic();

        interface Topic {
            @WithDefault("imageprune.cluster-state")
            String state();

            @WithDefault("imageprune.cluster-state.dlq")
            String dlq();

            @WithDefault("3")
            int partitions();

            @WithDefault("1")
            short replicationFactor();
        }
    }

    /** Defaults of GET /api/v1/plan; query parameters override them per request. */
    interface Plan {
        @WithDefault("3")
        int keepTagRevisions();

        @WithDefault("60m")
        String keepYoungerThan();

        @WithDefault("true")
        boolean all();

        @WithDefault("true")
        boolean pruneRegistry();

        @WithDefault("false")
        boolean ignoreInvalidRefs();

        @WithDefault("true")
        boolean keepPinnedImages();
    }
}
