package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;

import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What names an image to explain: its full name, or a prefix of its digest of at least {@link #MIN_PREFIX} hex
 * characters with or without the algorithm ({@code sha256:0123456789ab}, as the plan table prints it, or
 * {@code 0123456789ab}). One rule for {@code plan --explain} and {@code GET /api/v1/images/{name}/explain}.
 */
public final class ImageKeys {
    /** The hex characters the plan table prints of a digest. */
    public static final int MIN_PREFIX = 12;
    /** Candidates an ambiguous prefix lists at most. */
    static final int MAX_LISTED = 10;
    private static final Pattern DIGEST_PREFIX = Pattern.compile("([a-z0-9]+:)?([0-9a-f]+)");

    /** A key that names no one image: too short to look up, or the prefix of several. */
    public static final class ImageKeyException extends IllegalArgumentException {
        private final List<String> candidates;

        ImageKeyException(String message, List<String> candidates) {
            super(message);
            this.candidates = List.copyOf(candidates);
        }

        /** The images the prefix names (at most {@link #MAX_LISTED}), empty for a key too short. */
        public List<String> candidates() {
            return candidates;
        }
    }

    private ImageKeys() {
    }

    /**
     * The image {@code key} names in the graph: an image's full name as is, the one image whose digest starts with
     * the prefix, or {@code key} unchanged when nothing matches (the explanation then says the graph holds no such
     * image). Call under the graph's read lock.
     *
     * @throws ImageKeyException when a digest prefix is shorter than {@link #MIN_PREFIX} hex characters, or
     *                               several images start with it (the message lists them)
     */
    public static String resolve(ReferenceGraph graph, String key) {
        if (graph.image(key) != null) {
            return key;
        }
        var digest = DIGEST_PREFIX.matcher(key);
        if (!digest.matches()) {
            return key;
        }
        String algorithm = digest.group(1);
        String hex = digest.group(2);
        if (hex.length() < MIN_PREFIX) {
            throw new ImageKeyException("image " + key + ": a digest prefix needs at least " + MIN_PREFIX
                    + " hex characters (as the plan table prints them), or give the full name", List.of());
        }
        TreeSet<String> matches = new TreeSet<>();
        for (Image image : graph.images()) {
            String name = image.name();
            int colon = name.indexOf(':');
            boolean match = algorithm == null ? name.startsWith(hex, colon + 1) : name.startsWith(key);
            if (match) {
                matches.add(name);
            }
        }
        if (matches.size() == 1) {
            return matches.first();
        }
        if (matches.isEmpty()) {
            return key;
        }
        List<String> listed = matches.stream().limit(MAX_LISTED).toList();
        throw new ImageKeyException("image " + key + " is the prefix of " + matches.size() + " images: "
                + String.join(", ", listed) + (matches.size() > MAX_LISTED
                ? " and " + (matches.size() - MAX_LISTED) + " more" : "") + "; give more of the digest", listed);
    }
}
