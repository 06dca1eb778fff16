package io.imageprune.reference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an invalid reference could name, read from the parts of it that do parse (contain mode). Two independent
 * findings:
 *
 * <ul>
 *   <li>the streams: the repository it names when its repository part parses, else every stream of the namespace it
 *       is resolved in (every stream of the cluster for a cluster-scoped holder). For a pull spec the repository part
 *       is the NAME of the reference grammar ({@link ReferenceParser#parseName}); it names a stream exactly when oc
 *       would read the same NAME in a valid reference as one ({@code host/namespace/name}); a NAME that parses in
 *       another shape ({@code name}, {@code a/b}, {@code host/a/b/c}) names no stream, as oc reads it. For an
 *       ImageStreamTag or ImageStreamImage the repository part is the stream name before the first {@code :} or
 *       {@code @}; it parses when it is a stream name ({@link Identities#safeStreamName});</li>
 *   <li>the images: every run of at least {@value #MIN_FRAGMENT} hex digits in the reference, lower-cased. An image
 *       whose digest's hex part begins with such a fragment (or is itself the beginning of a longer one, a digest
 *       written with a character too many) could be the one meant.</li>
 * </ul>
 *
 * @param streams      which streams the reference could name
 * @param scope        the repository ({@code ns/name}) for {@link Streams#REPOSITORY}, the namespace for
 *                     {@link Streams#NAMESPACE}, {@code ""} otherwise
 * @param hexFragments the hex fragments, lower-cased, in order of occurrence
 */
public record CouldName(Streams streams, String scope, List<String> hexFragments) {
    /** A hex fragment shorter than this is too weak to tie a reference to an image. */
    public static final int MIN_FRAGMENT = 12;

    public enum Streams {
        /** The repository part parses and names no stream. */
        NONE,
        /** The repository part parses and names this repository. */
        REPOSITORY,
        /** The repository part does not parse: every stream of the namespace the reference is resolved in. */
        NAMESPACE,
        /** The repository part does not parse and the holder is cluster-scoped: every stream. */
        CLUSTER
    }

    public CouldName {
        hexFragments = List.copyOf(hexFragments);
    }

    static CouldName of(InvalidReference ref) {
        List<String> fragments = hexFragments(ref.reference());
        String repository = switch (ref.kind()) {
            case ReferrerReferences.KIND_IMAGE -> {
                ParsedReference name = ReferenceParser.parseName(ref.reference());
                if (name == null) {
                    yield null;
                }
                yield name.isHostNamespaceName() ? name.namespace() + "/" + name.name() : "";
            }
            default -> {
                String stream = streamPart(ref.reference());
                yield Identities.safeStreamName(stream) ? ref.namespace() + "/" + stream : null;
            }
        };
        if (repository == null) {
            return ref.namespace().isEmpty() ? new CouldName(Streams.CLUSTER, "", fragments)
                    : new CouldName(Streams.NAMESPACE, ref.namespace(), fragments);
        }
        return repository.isEmpty() ? new CouldName(Streams.NONE, "", fragments)
                : new CouldName(Streams.REPOSITORY, repository, fragments);
    }

    /** Whether a stream of this repository ({@code ns/name}, in namespace {@code namespace}) could be named. */
    public boolean names(String namespace, String repository) {
        return switch (streams) {
            case NONE -> false;
            case REPOSITORY -> scope.equals(repository);
            case NAMESPACE -> scope.equals(namespace);
            case CLUSTER -> true;
        };
    }

    /** Whether the image (its name, {@code algorithm:hex}) could be named through a hex fragment. */
    public boolean namesImage(String image) {
        if (hexFragments.isEmpty()) {
            return false;
        }
        String hex = image.substring(image.indexOf(':') + 1).toLowerCase(Locale.ROOT);
        for (String fragment : hexFragments) {
            if (hex.length() >= MIN_FRAGMENT && (hex.startsWith(fragment) || fragment.startsWith(hex))) {
                return true;
            }
        }
        return false;
    }

    /** The stream name of an ImageStreamTag / ImageStreamImage name: the text before its first ':' or '@'. */
    private static String streamPart(String name) {
        int end = name.length();
        int colon = name.indexOf(':');
        int at = name.indexOf('@');
        if (colon >= 0) {
            end = colon;
        }
        if (at >= 0 && at < end) {
            end = at;
        }
        return name.substring(0, end);
    }

    /** Maximal runs of hex digits of at least {@link #MIN_FRAGMENT} characters, lower-cased. */
    static List<String> hexFragments(String reference) {
        List<String> fragments = new ArrayList<>(1);
        int start = -1;
        for (int i = 0; i <= reference.length(); i++) {
            boolean hex = i < reference.length() && Character.digit(reference.charAt(i), 16) >= 0
                    && reference.charAt(i) < 128;
            if (hex && start < 0) {
                start = i;
            } else if (!hex && start >= 0) {
                if (i - start >= MIN_FRAGMENT) {
                    fragments.add(reference.substring(start, i).toLowerCase(Locale.ROOT));
                }
                start = -1;
            }
        }
        return fragments;
    }
}
