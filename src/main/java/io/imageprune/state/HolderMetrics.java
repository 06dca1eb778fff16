package io.imageprune.state;

import io.imageprune.config.ReferrerSettings;
import io.imageprune.graph.ExtensionHolders;
import io.imageprune.graph.ExtensionHolders.Source;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Namespace;
import io.imageprune.referrers.ReferrerKindSpec;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * What the live graph holds beyond oc's list (issue 12), one gauge series per holder source and kind known at start:
 * {@value #HOLDERS} counts the custom resources of each configured kind, the pods with ephemeral containers and the
 * streams whose spec tags name another tag or image; {@value #PROTECTED} the Images, ImageStreams and Namespaces
 * annotated {@code imageprune.io/protect: "true"}. They are counted whether or not a run applies the extension, so an
 * admin sees what {@code oc-exact} or a switched-off extension would ignore.
 */
@ApplicationScoped
public class HolderMetrics {
    public static final String HOLDERS = "imageprune.holders";
    public static final String PROTECTED = "imageprune.protected";

    /** Runs one count over the graph (under its read lock in the service). */
    @FunctionalInterface
    public interface GraphCount {
        int count(ToIntFunction<ReferenceGraph> counter);
    }

    private final MeterRegistry registry;
    private final LiveGraph live;
    private final ReferrerSettings settings;

    public HolderMetrics(MeterRegistry registry, LiveGraph live, ReferrerSettings settings) {
        this.registry = registry;
        this.live = live;
        this.settings = settings;
    }

    /** Registers every series at start: each configured custom kind, the two other sources, the three kinds. */
    public void registerFamilies() {
        register(registry, counter -> live.read(counter::applyAsInt),
                settings.customReferrers().kinds().stream().map(ReferrerKindSpec::kind).distinct().toList());
    }

    public static void register(MeterRegistry registry, GraphCount graph, List<String> customKinds) {
        for (String kind : customKinds) {
            holders(registry, graph, "custom-resource", kind, g -> (int) g.extensions()
                    .holders(Source.CUSTOM_RESOURCE).stream().filter(h -> h.kind().equals(kind)).count());
        }
        holders(registry, graph, "ephemeral-containers", "Pod",
                g -> g.extensions().count(Source.EPHEMERAL_CONTAINERS));
        holders(registry, graph, "spec-tags", "ImageStream", g -> g.extensions().count(Source.SPEC_TAGS));
        protectedObjects(registry, graph, "Image", g -> {
            int n = 0;
            for (Image image : g.images()) {
                n += image.annotations().protects() ? 1 : 0;
            }
            return n;
        });
        protectedObjects(registry, graph, "ImageStream", g -> {
            int n = 0;
            for (String repo : g.streamRepos()) {
                ImageStream stream = g.stream(repo);
                n += stream != null && stream.annotations().protects() ? 1 : 0;
            }
            return n;
        });
        protectedObjects(registry, graph, "Namespace", g -> {
            ExtensionHolders extensions = g.extensions();
            int n = 0;
            for (Namespace namespace : extensions.namespaces()) {
                n += namespace.annotations().protects() ? 1 : 0;
            }
            return n;
        });
    }

    private static void holders(MeterRegistry registry, GraphCount graph, String source, String kind,
                                ToIntFunction<ReferenceGraph> counter) {
        Gauge.builder(HOLDERS, graph, g -> g.count(counter)).tag("source", source).tag("kind", kind)
                .description("Holders beyond oc's list in the live graph (counted whether or not runs apply them)")
                .register(registry);
    }

    private static void protectedObjects(MeterRegistry registry, GraphCount graph, String kind,
                                         ToIntFunction<ReferenceGraph> counter) {
        Gauge.builder(PROTECTED, graph, g -> g.count(counter)).tag("kind", kind)
                .description("Objects in the live graph annotated imageprune.io/protect: \"true\"")
                .register(registry);
    }
}
