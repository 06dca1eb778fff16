package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Namespace;
import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin's annotations (issue 12): {@code imageprune.io/protect} on an Image, ImageStream or Namespace, and the
 * per-scope stage-1 policy {@code imageprune.io/keep-tag-revisions} / {@code imageprune.io/keep-younger-than} on a
 * Namespace or ImageStream. The most protective of cluster, namespace and stream value wins; a value that would keep
 * less is reported and ignored unless relaxing is allowed (then the most specific value wins). A malformed value is
 * reported; a malformed protect value protects (it keeps more). Pure; one instance per planner, safe to use from
 * several threads.
 */
final class ScopePolicies {

    /**
     * The stage-1 settings of one stream.
     *
     * @param threshold        revisions created strictly after it are young
     * @param keepTagRevisions newest revisions per tag kept
     * @param thresholdFrom    where a threshold other than the cluster's comes from ({@code namespace shop}), or null
     * @param revisionsFrom    where a keep-tag-revisions other than the cluster's comes from, or null
     */
    record StreamPolicy(Instant threshold, int keepTagRevisions, String thresholdFrom, String revisionsFrom) {
    }

    private final ReferenceGraph graph;
    private final PruneOptions options;
    private final boolean on;
    // stage 1 decides streams on several threads at once; the notes are sorted when read
    private final Map<String, StreamPolicy> byRepo = new ConcurrentHashMap<>();
    private final Set<String> notes = ConcurrentHashMap.newKeySet();

    ScopePolicies(ReferenceGraph graph, PruneOptions options) {
        this.graph = graph;
        this.options = options;
        this.on = options.extensions().annotations();
    }

    /** "namespace shop" when the stream's namespace carries a protect annotation, else null. */
    String protectingNamespace(ImageStream stream) {
        if (!on) {
            return null;
        }
        Namespace namespace = graph.extensions().namespace(stream.namespace());
        return namespace != null && protects(namespace.annotations(), "namespace " + namespace.name())
                ? "namespace " + namespace.name() : null;
    }

    boolean streamProtected(ImageStream stream) {
        return on && protects(stream.annotations(), "imagestream " + stream.repo());
    }

    boolean imageProtected(io.imageprune.model.Image image) {
        return on && protects(image.annotations(), "image " + image.name());
    }

    private boolean protects(AdminAnnotations annotations, String where) {
        String value = annotations.protect();
        if (value.isEmpty()) {
            return false;
        }
        try {
            return OptionValues.bool(AdminAnnotations.PROTECT + " on " + where, value);
        } catch (InvalidOptionException e) {
            notes.add(e.getMessage() + "; treated as protecting (it keeps more)");
            return true;
        }
    }

    /** The stage-1 settings for the stream: the cluster's unless an annotation keeps more (or relaxing is allowed). */
    StreamPolicy forStream(ImageStream stream) {
        if (!on || options.pruneOverSizeLimit()) {
            return cluster();
        }
        return byRepo.computeIfAbsent(stream.repo(), repo -> compute(stream));
    }

    private StreamPolicy cluster() {
        return new StreamPolicy(options.threshold(), options.keepTagRevisions(), null, null);
    }

    private StreamPolicy compute(ImageStream stream) {
        Namespace namespace = graph.extensions().namespace(stream.namespace());
        AdminAnnotations nsAnnotations = namespace == null ? AdminAnnotations.NONE : namespace.annotations();
        if (nsAnnotations.keepTagRevisions().isEmpty() && nsAnnotations.keepYoungerThan().isEmpty()
                && stream.annotations().keepTagRevisions().isEmpty()
                && stream.annotations().keepYoungerThan().isEmpty()) {
            return cluster();
        }
        Instant threshold = options.threshold();
        int revisions = options.keepTagRevisions();
        String thresholdFrom = null;
        String revisionsFrom = null;
        // namespace first, then the stream: with relaxing allowed the most specific value is the last one applied
        String[] scopes = {"namespace " + stream.namespace(), "imagestream " + stream.repo()};
        AdminAnnotations[] values = {nsAnnotations, stream.annotations()};
        for (int i = 0; i < 2; i++) {
            Integer keep = revisions(values[i].keepTagRevisions(), scopes[i]);
            if (keep != null) {
                if (keep > revisions || options.extensions().allowRelaxing()) {
                    revisions = keep;
                    revisionsFrom = scopes[i];
                } else if (keep < revisions) {
                    notes.add(AdminAnnotations.KEEP_TAG_REVISIONS + "=" + keep + " on " + scopes[i]
                            + " would keep fewer revisions than " + revisions + ": ignored (set "
                            + "imageprune.policy.allow-relaxing=true to allow)");
                }
            }
            Instant scoped = threshold(values[i].keepYoungerThan(), scopes[i]);
            if (scoped != null) {
                if (scoped.isBefore(threshold) || options.extensions().allowRelaxing()) {
                    threshold = scoped;
                    thresholdFrom = scopes[i];
                } else if (scoped.isAfter(threshold)) {
                    notes.add(AdminAnnotations.KEEP_YOUNGER_THAN + "=" + values[i].keepYoungerThan() + " on "
                            + scopes[i] + " would keep fewer young revisions than the run's keep-younger-than: ignored "
                            + "(set imageprune.policy.allow-relaxing=true to allow)");
                }
            }
        }
        return new StreamPolicy(threshold, revisions, thresholdFrom, revisionsFrom);
    }

    private Integer revisions(String value, String scope) {
        if (value.isEmpty()) {
            return null;
        }
        String parameter = AdminAnnotations.KEEP_TAG_REVISIONS + " on " + scope;
        try {
            int keep = OptionValues.integer(parameter, value);
            if (keep < 0) {
                notes.add(parameter + ": " + value + " is negative: ignored");
                return null;
            }
            return keep;
        } catch (InvalidOptionException e) {
            notes.add(e.getMessage() + ": ignored");
            return null;
        }
    }

    private Instant threshold(String value, String scope) {
        if (value.isEmpty()) {
            return null;
        }
        String parameter = AdminAnnotations.KEEP_YOUNGER_THAN + " on " + scope;
        try {
            Duration age = OptionValues.duration(parameter, value);
            if (age.isNegative()) {
                notes.add(parameter + ": " + value + " is negative: ignored");
                return null;
            }
            if (options.now() == null) {
                notes.add(parameter + ": the run has no \"now\" to measure it from: ignored");
                return null;
            }
            return options.now().minus(age);
        } catch (InvalidOptionException e) {
            notes.add(e.getMessage() + ": ignored");
            return null;
        }
    }

    /**
     * Every annotation the run reports (malformed, or ignored because it would keep less), over all namespaces and
     * streams in scope, sorted.
     */
    List<String> notes() {
        if (!on) {
            return List.of();
        }
        for (Namespace namespace : graph.extensions().namespaces()) {
            protects(namespace.annotations(), "namespace " + namespace.name());
        }
        for (ImageStream stream : graph.streams()) {
            if (options.prunesStreamsIn(stream.namespace())) {
                if (!stream.annotations().isEmpty()) {
                    streamProtected(stream);
                }
                forStream(stream);
            }
        }
        for (String name : graph.annotatedImages()) {
            imageProtected(graph.image(name));
        }
        List<String> sorted = new ArrayList<>(notes);
        sorted.sort(Comparator.naturalOrder());
        return sorted;
    }
}
