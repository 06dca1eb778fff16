package io.imageprune.model;

import io.imageprune.options.OptionValues;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which namespaces the reference graph covers: what the ingest watched when it wrote its sync marker. Images are
 * cluster-scoped and always watched; streams, pods, workloads and builds only in the watched namespaces. A graph that
 * does not cover every namespace cannot tell an image used only outside it from an unused one.
 *
 * @param all        every namespace is watched
 * @param namespaces the watched namespaces, sorted; empty when {@code all}, and empty without {@code all} when the
 *                   scope is unknown (a marker of an ingest that did not record it, which may have been scoped)
 */
public record NamespaceScope(boolean all, SortedSet<String> namespaces) {
    /** Every namespace. */
    public static final NamespaceScope ALL = new NamespaceScope(true, new TreeSet<>());
    /** Not known: treated as covering no namespace. */
    public static final NamespaceScope UNKNOWN = new NamespaceScope(false, new TreeSet<>());

    public NamespaceScope {
        Objects.requireNonNull(namespaces, "namespaces");
        if (all && !namespaces.isEmpty()) {
            throw new IllegalArgumentException("a scope of all namespaces lists none, got " + namespaces);
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String namespace : namespaces) {
            sorted.add(OptionValues.namespace("namespace", namespace));
        }
        namespaces = Collections.unmodifiableSortedSet(sorted);
    }

    /**
     * The scope of the given namespaces, each checked as a namespace name (a DNS-1123 label) and reported under
     * {@code parameter}; an empty collection is every namespace.
     *
     * @throws io.imageprune.options.InvalidOptionException naming the parameter and the first bad name
     */
    public static NamespaceScope of(String parameter, Collection<String> namespaces) {
        if (namespaces == null || namespaces.isEmpty()) {
            return ALL;
        }
        TreeSet<String> sorted = new TreeSet<>();
        for (String namespace : namespaces) {
            sorted.add(OptionValues.namespace(parameter, namespace));
        }
        return new NamespaceScope(false, sorted);
    }

    public boolean known() {
        return all || !namespaces.isEmpty();
    }

    /** Whether the graph holds this namespace's objects as the ingest sees them now; false for an unknown scope. */
    public boolean covers(String namespace) {
        return all || namespaces.contains(namespace);
    }

    /** For gauges: 0 for every namespace, the number of namespaces, -1 when unknown. */
    public int metricValue() {
        return all ? 0 : known() ? namespaces.size() : -1;
    }

    /** "all namespaces", "namespaces a, b", "namespace a" or "an unknown set of namespaces". */
    public String describe() {
        if (all) {
            return "all namespaces";
        }
        if (!known()) {
            return "an unknown set of namespaces";
        }
        return (namespaces.size() == 1 ? "namespace " : "namespaces ") + String.join(", ", namespaces);
    }
}
