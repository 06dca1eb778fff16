package io.imageprune.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a load saw.
 *
 * @param items   number of entries of the List's {@code items} array
 * @param loaded  converted objects per kind (e.g. {@code "Image" -> 200000}), sorted by kind
 * @param skipped items of kinds that pruning does not read, per kind (e.g. {@code "ConfigMap" -> 3}), sorted by kind; a
 *                known kind of an unexpected API group is counted as {@code "<kind> (<apiVersion>)"}
 */
public record LoadStats(int items, Map<String, Integer> loaded, Map<String, Integer> skipped) {
    public LoadStats {
        loaded = Collections.unmodifiableMap(new TreeMap<>(loaded));
        skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
    }

    /** Converted objects of one kind, 0 when none. */
    public int loaded(String kind) {
        return loaded.getOrDefault(kind, 0);
    }

    /** Total number of converted objects. */
    public int loadedTotal() {
        return loaded.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Total number of skipped items. */
    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }
}
