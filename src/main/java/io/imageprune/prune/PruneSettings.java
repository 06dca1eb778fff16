package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.config.InvalidRefsSetting;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.config.ReferrerSettings;
import io.imageprune.options.OptionValues;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RunSwitches;
import io.imageprune.state.LiveGraph;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The settings runs use now: the {@code imageprune.*} configuration, or, while the ImagePruner drop-in is on and its
 * resource exists, the values the resource sets. One place, so the runner, the event triggers and the schedule always
 * agree.
 */
@ApplicationScoped
public class PruneSettings {
    /**
     * @param source where the values come from: {@code configuration} or {@code imagepruner/<name>}
     */
    public record Values(int keepTagRevisions, Duration keepYoungerThan, boolean ignoreInvalidRefs, String schedule,
                         String source) {
    }

    private final ImagePruneConfig config;
    private final Values configured;
    private final List<Consumer<Values>> listeners = new ArrayList<>();
    private volatile Values current;
    /** Why runs prune no registry although the configuration says they do; null: as configured. */
    private volatile String registryPruningOff;

    private final ReferrerSettings extensions;
    /** The configured mode; a drop-in's ignoreInvalidImageReferences=false keeps contain when configured. */
    private final InvalidReferenceMode invalidRefs;

    private final LiveGraph live;

    public PruneSettings(ImagePruneConfig config, ReferrerSettings extensions, LiveGraph live) {
        this.config = config;
        this.extensions = extensions;
        this.invalidRefs = InvalidRefsSetting.of(config.plan());
        this.live = live;
        this.configured = new Values(config.plan().keepTagRevisions(),
                OptionValues.duration("imageprune.plan.keep-younger-than", config.plan().keepYoungerThan()),
                invalidRefs == InvalidReferenceMode.IGNORE,
                config.prune().schedule(), "configuration");
        this.current = configured;
    }

    public Values current() {
        return current;
    }

    /** Replaces the values (null: back to the configuration) and tells the listeners if they changed. */
    public void use(Values values) {
        Values next = values == null ? configured : values;
        List<Consumer<Values>> toTell;
        synchronized (this) {
            if (next.equals(current)) {
                return;
            }
            current = next;
            toTell = List.copyOf(listeners);
        }
        toTell.forEach(listener -> listener.accept(next));
    }

    /**
     * Turns registry pruning off for every run while {@code reason} is not null (the image config names no internal
     * registry); null: as configured again.
     */
    public void registryPruningOff(String reason) {
        registryPruningOff = reason;
    }

    /** Why runs prune no registry against the configuration, or null. */
    public String registryPruningOff() {
        return registryPruningOff;
    }

    public synchronized void onChange(Consumer<Values> listener) {
        listeners.add(listener);
    }

    /** The options of a run starting at {@code now} on the live graph, with oc's completion of unset values. */
    public PruneOptions options(Instant now) {
        return onLiveGraph(new PlanFlags(null, null, null, null, null, null, null, null)
                .resolve(now, defaults(current, true)));
    }

    /**
     * The options with the configured extensions, for a plan on the live graph: limited to the namespaces the graph
     * covers (the newest sync marker's scope), so a run on a partial graph is namespaced to them and deletes no image.
     */
    public PruneOptions onLiveGraph(PruneOptions options) {
        return withExtensions(options).onGraphOf(live.scope());
    }

    /** {@link #onLiveGraph(PruneOptions)} with a request's own switches on top of the configured extensions. */
    public PruneOptions onLiveGraph(PruneOptions options, RunSwitches switches) {
        return withExtensions(options, switches).onGraphOf(live.scope());
    }

    /** The options with the configured extensions beyond oc (none with imageprune.plan.oc-exact). */
    public PruneOptions withExtensions(PruneOptions options) {
        return extensions.apply(options);
    }

    /** The options with the configured extensions and a request's own switches on top (oc-exact wins). */
    public PruneOptions withExtensions(PruneOptions options, RunSwitches switches) {
        return switches.apply(withExtensions(options), config.plan().ocExact());
    }

    /**
     * The defaults of the {@code imageprune.*} configuration alone (what GET /api/v1/plan and explain complete their
     * query parameters with).
     */
    public PlanFlags.Defaults configuredDefaults() {
        return defaults(configured, false);
    }

    private PlanFlags.Defaults defaults(Values values, boolean forRuns) {
        ImagePruneConfig.Plan plan = config.plan();
        boolean pruneRegistry = plan.pruneRegistry() && !(forRuns && registryPruningOff != null);
        InvalidReferenceMode mode = values.ignoreInvalidRefs() ? InvalidReferenceMode.IGNORE
                : invalidRefs == InvalidReferenceMode.CONTAIN ? InvalidReferenceMode.CONTAIN : InvalidReferenceMode.STOP;
        return new PlanFlags.Defaults(values.keepTagRevisions(), values.keepYoungerThan(), plan.all(),
                pruneRegistry, mode, plan.keepPinnedImages());
    }
}
