package io.imageprune.prune;

import io.imageprune.policy.InvalidReferenceContainment;
import io.imageprune.state.LiveGraph;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * The invalid references a run with the current settings would contain ({@code invalid-refs=contain}), read from the
 * live graph when asked: the status page lists them, the gauge {@value #METRIC} counts them. Empty in the other
 * modes (stop refuses the run, ignore skips them).
 */
@ApplicationScoped
public class ContainedReferences {
    public static final String METRIC = "imageprune.invalid.references.contained";

    private final LiveGraph live;
    private final PruneSettings settings;
    private final MeterRegistry registry;

    public ContainedReferences(LiveGraph live, PruneSettings settings, MeterRegistry registry) {
        this.live = live;
        this.settings = settings;
        this.registry = registry;
    }

    /** Registered at start (the family is there from the first scrape). */
    public void registerFamilies() {
        Gauge.builder(METRIC, this, contained -> contained.now().size())
                .description("Invalid references (and invalid identities) a run with the current settings contains: "
                        + "it prunes around them, keeping what each could name (invalid-refs=contain)")
                .register(registry);
    }

    /** What a run starting now would contain, in the order of its invalid-reference messages. */
    public List<InvalidReferenceContainment.Contained> now() {
        return live.read(graph -> InvalidReferenceContainment.of(graph, settings.options(Instant.now())).contained());
    }
}
