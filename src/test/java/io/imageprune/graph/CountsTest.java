package io.imageprune.graph;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CountsTest {
    @Test
    void behavesLikeAMapOfCountsUnderRandomAddsAndRemovals() {
        for (int seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            // odd seeds start from a table presized for a random number of keys, shrinking and growing from there
            Counts counts = seed % 2 == 0 ? new Counts() : new Counts(random.nextInt(400));
            Map<String, Integer> reference = new HashMap<>();
            int keys = 1 + random.nextInt(300);
            for (int op = 0; op < 5000; op++) {
                // few distinct hash values force long probe runs and shifts on removal
                String key = "k" + random.nextInt(keys) + (random.nextBoolean() ? "Aa" : "BB");
                int delta = random.nextInt(5) - 2;
                int expected = reference.getOrDefault(key, 0) + delta;
                if (expected == 0) {
                    reference.remove(key);
                } else {
                    reference.put(key, expected);
                }
                assertEquals(expected, counts.add(key, delta), "seed " + seed + " op " + op);
            }
            assertEquals(reference.size(), counts.size(), "seed " + seed);
            assertEquals(reference.keySet(), counts.keys(), "seed " + seed);
            for (var entry : reference.entrySet()) {
                assertEquals(entry.getValue(), counts.get(entry.getKey()), "seed " + seed);
            }
        }
    }
}
