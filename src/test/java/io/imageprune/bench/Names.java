package io.imageprune.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Object names unique within a scope (a namespace and kind): the base name, then base-1, base-2, … */
final class Names {
    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> next = new HashMap<>();

    String unique(String scope, String base) {
        String key = scope + '\u0000' + base;
        int i = next.getOrDefault(key, 0);
        String name;
        do {
            name = i == 0 ? base : base + "-" + i;
            i++;
        } while (!taken.add(scope + '\u0000' + name));
        next.put(key, i);
        return name;
    }
}
