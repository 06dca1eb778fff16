package io.imageprune.config;

import io.imageprune.policy.Extensions;
import io.imageprune.policy.PruneOptions;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.referrers.CustomReferrers;
import io.imageprune.referrers.ReferrerKindSpec;
import io.imageprune.referrers.ReferrersConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The extensions beyond oc as configured (issue 12): which custom resources hold images (parsed strictly once: a bad
 * JSONPath or an unknown key fails the start with a message naming it) and which extensions a run applies.
 * {@code imageprune.plan.oc-exact} switches all of them off.
 */
@ApplicationScoped
public class ReferrerSettings {
    private final ImagePruneConfig config;
    private final CustomReferrers customReferrers;
    private final Extensions extensions;

    public ReferrerSettings(ImagePruneConfig config) {
        this.config = config;
        boolean ocExact = config.plan().ocExact();
        boolean readCustom = !ocExact && config.referrers().enabled();
        this.customReferrers = new CustomReferrers(readCustom ? parse(config.referrers()) : ReferrersConfig.NONE);
        ProjectionKeys.allowCustomKinds(customReferrers.kinds().stream().map(ReferrerKindSpec::kind).toList());
        this.extensions = ocExact ? Extensions.NONE : new Extensions(readCustom,
                config.holders().ephemeralContainers(), config.holders().specTags(), config.policy().annotations(),
                config.policy().allowRelaxing()).withOrphanSignatures(config.plan().pruneOrphanSignatures());
    }

    /**
     * Observing start makes the bean at start, so a bad JSONPath or key stops the service with its message. Nothing is
     * logged: {@code plan} shares this start, and its output is the plan alone.
     */
    void onStart(@Observes StartupEvent event) {
        // the constructor has parsed the configuration
    }

    /** The {@code imageprune.referrers.*} settings as the document {@link ReferrersConfig} parses. */
    static ReferrersConfig parse(ImagePruneConfig.Referrers referrers) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("builtin", referrers.builtin());
        document.put("disabled", referrers.disabled().orElse(List.of()));
        List<Object> custom = new ArrayList<>();
        for (ImagePruneConfig.Referrers.CustomKind kind : referrers.custom().orElse(List.of())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("apiVersion", kind.apiVersion());
            entry.put("kind", kind.kind());
            kind.plural().ifPresent(plural -> entry.put("plural", plural));
            entry.put("clusterScoped", kind.clusterScoped());
            entry.put("paths", kind.paths());
            kind.finished().ifPresent(finished -> entry.put("finished", finished));
            custom.add(entry);
        }
        document.put("custom", custom);
        return ReferrersConfig.fromMap("imageprune.referrers", document);
    }

    /** The custom resource kinds read (none with oc-exact or imageprune.referrers.enabled=false). */
    public CustomReferrers customReferrers() {
        return customReferrers;
    }

    public Extensions extensions() {
        return extensions;
    }

    /**
     * A run's options with the configured extensions (and no pinned-image rule, and contain mode back to stop, with
     * oc-exact).
     */
    public PruneOptions apply(PruneOptions options) {
        return config.plan().ocExact() ? options.ocExact() : options.withExtensions(extensions);
    }
}
