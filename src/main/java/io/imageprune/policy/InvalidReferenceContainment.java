package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ImageStream;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.reference.CouldName;
import io.imageprune.reference.InvalidReference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Contain mode ({@link InvalidReferenceMode#CONTAIN}): a counted invalid reference no longer stops the run; instead
 * what it could name ({@link CouldName}) is kept. A stream it could name is left alone as a whole (no revision
 * removed, so none of its images is deleted); an image it could name through a hex fragment is not deleted, with
 * everything its manifest list names. An object whose identity is invalid is left alone with everything it names
 * whatever the mode lets run (the planner's unsafe-identity rules); contain mode lists it here too.
 *
 * <p>Built from the references one run counts; empty in the other modes. Pure; bound to the graph it was built on
 * (use it under the graph's read lock, from one thread, as the planner is used): the listing of invalid identities is
 * made on first use.
 */
public final class InvalidReferenceContainment {
    /** An invalid reference and the holder it is counted for ({@code Build x/y}, {@code Rollout shop/web}). */
    public record Held(String holder, InvalidReference reference) {
    }

    /**
     * One contained reference (or invalid identity) as status, metrics, explain and the table list it.
     *
     * @param holder   {@code Build x/y}, {@code Rollout shop/web}, {@code Image sha256:…}, {@code ImageStream ns/name}
     * @param message  the invalid-reference message (oc's text), or the identity problem
     * @param protects what the run keeps for it
     */
    public record Contained(String holder, String message, String protects) {
        /** The explain wording: {@code contained invalid reference in Build x/y}. */
        public String describe() {
            return "contained invalid reference in " + holder;
        }
    }

    private static final InvalidReferenceContainment NONE = new InvalidReferenceContainment(null, null, List.of());

    private final ReferenceGraph graph;
    private final PruneOptions options;
    /** The contained references; the invalid identities are added when the list is asked for (they need a scan). */
    private final List<Contained> references;
    private List<Contained> contained;
    /** repository → the first reference that could name it; likewise per namespace; and for every stream. */
    private final Map<String, Contained> byRepository = new HashMap<>();
    private final Map<String, Contained> byNamespace = new HashMap<>();
    private Contained everyStream;
    /** The first {@value CouldName#MIN_FRAGMENT} characters of each hex fragment → the references holding it. */
    private final Map<String, List<Candidate>> byFragmentStart = new HashMap<>();

    private record Candidate(CouldName could, Contained entry) {
    }

    private InvalidReferenceContainment(ReferenceGraph graph, PruneOptions options, List<Held> invalid) {
        this.graph = graph;
        this.options = options;
        List<Contained> all = new ArrayList<>(invalid.size());
        for (Held held : invalid) {
            CouldName could = held.reference().couldName();
            Contained entry = new Contained(held.holder(), held.reference().message(), protects(could));
            all.add(entry);
            switch (could.streams()) {
                case REPOSITORY -> byRepository.putIfAbsent(could.scope(), entry);
                case NAMESPACE -> byNamespace.putIfAbsent(could.scope(), entry);
                case CLUSTER -> everyStream = everyStream == null ? entry : everyStream;
                case NONE -> {
                }
            }
            for (String fragment : could.hexFragments()) {
                byFragmentStart.computeIfAbsent(fragment.substring(0, CouldName.MIN_FRAGMENT),
                        k -> new ArrayList<>(1)).add(new Candidate(could, entry));
            }
        }
        this.references = List.copyOf(all);
        this.contained = graph == null || graph.unsafeIdentityCount() == 0 ? references : null;
    }

    /**
     * The containment of a run with these options, reading only the referrers with invalid references and the
     * objects with invalid identities (cheap enough for a status page or a metric). Empty unless contain mode.
     */
    public static InvalidReferenceContainment of(ReferenceGraph graph, PruneOptions options) {
        if (options.invalidRefs() != InvalidReferenceMode.CONTAIN) {
            return NONE;
        }
        return of(graph, options, References.countedInvalidReferences(graph, options));
    }

    static InvalidReferenceContainment of(ReferenceGraph graph, PruneOptions options, References references) {
        return options.invalidRefs() != InvalidReferenceMode.CONTAIN ? NONE
                : of(graph, options, references.invalid());
    }

    private static InvalidReferenceContainment of(ReferenceGraph graph, PruneOptions options, List<Held> invalid) {
        return invalid.isEmpty() && graph.unsafeIdentityCount() == 0 ? NONE
                : new InvalidReferenceContainment(graph, options, invalid);
    }

    /** Images (always all: they are cluster-scoped) and the run's streams whose identity is invalid. */
    private static List<Contained> identities(ReferenceGraph graph, PruneOptions options) {
        if (graph.unsafeIdentityCount() == 0) {
            return List.of();
        }
        List<Contained> identities = new ArrayList<>();
        for (String image : new TreeSet<>(graph.unsafeImages())) {
            identities.add(new Contained("Image " + image,
                    String.join("; ", graph.identityProblems(graph.image(image))),
                    "the image and everything it names (left alone)"));
        }
        List<String> repos = new ArrayList<>(graph.streamRepos());
        repos.sort(null);
        for (String repo : repos) {
            ImageStream stream = graph.stream(repo);
            if (graph.unsafeStream(repo) && (options.clusterWide() || stream.namespace().equals(options.namespace()))) {
                identities.add(new Contained("ImageStream " + repo, String.join("; ", graph.identityProblems(stream)),
                        "the stream (left alone)"));
            }
        }
        return identities;
    }

    private static String protects(CouldName could) {
        String streams = switch (could.streams()) {
            case REPOSITORY -> "imagestream " + could.scope();
            case NAMESPACE -> "every imagestream of namespace " + could.scope();
            case CLUSTER -> "every imagestream";
            case NONE -> "no imagestream (its repository names none)";
        };
        if (could.hexFragments().isEmpty()) {
            return streams;
        }
        return streams + "; images whose digest begins with " + String.join(" or ", could.hexFragments());
    }

    /** Whether the run contains anything (always false outside contain mode). */
    public boolean isEmpty() {
        return contained().isEmpty();
    }

    /** The contained references in the order of the run's invalid-reference messages, then invalid identities. */
    public List<Contained> contained() {
        if (contained == null) {
            List<Contained> all = new ArrayList<>(references);
            all.addAll(identities(graph, options));
            contained = List.copyOf(all);
        }
        return contained;
    }

    /** The first contained reference that could name the stream, or null: the stream is then left alone. */
    public Contained containing(ImageStream stream) {
        if (references.isEmpty()) {
            return null;
        }
        Contained entry = byRepository.get(stream.repo());
        if (entry == null) {
            entry = byNamespace.get(stream.namespace());
        }
        return entry != null ? entry : everyStream;
    }

    /** The first contained reference that could name a stream of this repository ({@code ns/name}), or null. */
    public Contained containingRepository(String repo) {
        ImageStream stream = graph == null ? null : graph.stream(repo);
        if (stream != null) {
            return containing(stream);
        }
        if (references.isEmpty()) {
            return null;
        }
        Contained entry = byRepository.get(repo);
        if (entry == null) {
            entry = byNamespace.get(repo.substring(0, Math.max(0, repo.indexOf('/'))));
        }
        return entry != null ? entry : everyStream;
    }

    /**
     * The contained reference that could name the image through a hex fragment, itself or a manifest list holding it
     * (a list is pulled through its children), or null.
     */
    public Contained containingImage(String image) {
        if (byFragmentStart.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(image);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            Contained entry = byFragment(name);
            if (entry != null) {
                return entry;
            }
            pending.addAll(graph.manifestListsNaming(name));
        }
        return null;
    }

    private Contained byFragment(String image) {
        String hex = image.substring(image.indexOf(':') + 1);
        if (hex.length() < CouldName.MIN_FRAGMENT) {
            return null;
        }
        List<Candidate> candidates = byFragmentStart.get(hex.substring(0, CouldName.MIN_FRAGMENT)
                .toLowerCase(java.util.Locale.ROOT));
        if (candidates != null) {
            for (Candidate candidate : candidates) {
                if (candidate.could().namesImage(image)) {
                    return candidate.entry();
                }
            }
        }
        return null;
    }

    /**
     * What explain says about the image: the contained references keeping it (by a hex fragment) or keeping one of
     * the streams holding a revision of it.
     */
    public List<String> explain(String image, Collection<String> repositories) {
        if (references.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        Contained byImage = containingImage(image);
        if (byImage != null) {
            lines.add("kept: " + byImage.describe() + " could name the image (" + byImage.message() + ")");
        }
        for (String repo : new TreeSet<>(repositories)) {
            Contained byStream = containingRepository(repo);
            if (byStream != null) {
                String line = "stream " + repo + " left alone: " + byStream.describe() + " could name it ("
                        + byStream.message() + ")";
                if (!lines.contains(line)) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }
}
