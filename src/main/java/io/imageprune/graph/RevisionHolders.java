package io.imageprune.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The repositories whose stream revisions name one image, with how many revisions each: two parallel arrays scanned
 * in order. Almost every image is named by one or two repositories, so this is a few dozen bytes where a map of boxed
 * counts per image cost several times that, and every revision put or removed touched it. Counts that drop to zero
 * disappear.
 */
final class RevisionHolders {
    private String[] repos = new String[1];
    private int[] revisions = new int[1];
    private int size;

    /** Adds {@code delta} revisions of {@code repo}. */
    void add(String repo, int delta) {
        for (int i = 0; i < size; i++) {
            if (repos[i].equals(repo)) {
                int count = revisions[i] + delta;
                if (count != 0) {
                    revisions[i] = count;
                    return;
                }
                size--;
                System.arraycopy(repos, i + 1, repos, i, size - i);
                System.arraycopy(revisions, i + 1, revisions, i, size - i);
                repos[size] = null;
                return;
            }
        }
        if (delta == 0) {
            return;
        }
        if (size == repos.length) {
            repos = Arrays.copyOf(repos, size * 2);
            revisions = Arrays.copyOf(revisions, size * 2);
        }
        repos[size] = repo;
        revisions[size] = delta;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    String repo(int i) {
        return repos[i];
    }

    int revisions(int i) {
        return revisions[i];
    }

    /** A copy: repository → revisions. */
    Map<String, Integer> toMap() {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(repos[i], revisions[i]);
        }
        return Collections.unmodifiableMap(map);
    }
}
