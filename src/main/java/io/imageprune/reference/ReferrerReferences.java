package io.imageprune.reference;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Referrer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pruner's reading of a referrer's image references (algorithm §4.3, §4.4, §5.3), mirroring oc's
 * {@code analyzeReferencesFromPodSpec}, {@code analyzeImageReference} and {@code analyzeReferencesFromBuildStrategy}.
 *
 * <p>This class does not decide whether the referrer counts at all (the pod phase / age filter): the caller does.
 */
public final class ReferrerReferences {

    /** The error kind word for container images and DockerImage build sources. */
    public static final String KIND_IMAGE = "image";
    public static final String KIND_IMAGE_STREAM_IMAGE = "ImageStreamImage";
    public static final String KIND_IMAGE_STREAM_TAG = "ImageStreamTag";

    private static final String DEFAULT_TAG = "latest";

    private ReferrerReferences() {
    }

    /**
     * Extracts the references of {@code r}: containers (init containers first, as the model lists them) for every
     * non-build kind; the strategy's input image for builds and build configs.
     */
    public static ExtractedReferences of(Referrer r) {
        Collector c = new Collector(r);
        if (r.kind().isBuild()) {
            BuildSource source = r.buildSource();
            if (source != null) {
                c.buildSource(source);
            }
        } else {
            for (Container container : r.containers()) {
                if (isGoBlank(container.image())) {
                    continue;
                }
                String sub = (container.init() ? "init container " : "container ") + container.name();
                c.image(sub, container.image());
            }
        }
        return c.result();
    }

    /**
     * The error text of algorithm §4.4: {@code <resource>/<name>[ namespace=<ns>][: <subreferrer>]: invalid <kind>
     * reference "<string>": <cause>}, strings quoted Go-style.
     *
     * @param subreferrer {@code container <name>}, {@code init container <name>}, or empty for builds
     */
    public static String errorMessage(Referrer r, String subreferrer, String kind, String reference, String cause) {
        return errorMessage(r.kind().resource(), r.namespace(), r.name(), subreferrer, kind, reference, cause);
    }

    /** The same text for any holder: {@code resource} is its lower-case kind word (e.g. {@code rollout}). */
    static String errorMessage(String resource, String namespace, String name, String subreferrer, String kind,
                               String reference, String cause) {
        StringBuilder b = new StringBuilder(96);
        b.append(resource).append('/').append(name);
        if (!namespace.isEmpty()) {
            b.append(" namespace=").append(namespace);
        }
        if (subreferrer != null && !subreferrer.isEmpty()) {
            b.append(": ").append(subreferrer);
        }
        return b.append(": invalid ").append(kind).append(" reference ").append(GoQuote.quote(reference))
                .append(": ").append(cause).toString();
    }

    /**
     * Go's {@code len(strings.TrimSpace(s)) == 0}: every character is Unicode White_Space ({@code unicode.IsSpace}:
     * {@code \t \n \v \f \r}, space, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
     */
    static boolean isGoBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isGoSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isGoSpace(char c) {
        switch (c) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
                return true;
            default:
                return c >= 0x2000 && c <= 0x200a;
        }
    }

    /**
     * Splits an ImageStreamImage name {@code name@id} like library-go's {@code imageutil.ParseImageStreamImageName}.
     * It and {@link #parseImageStreamTagName} mirror library-go's two functions, each with its own checks and error
     * texts (oc prints them), so they stay two.
     *
     * @return {@code {name, id}}
     */
    public static String[] parseImageStreamImageName(String input) throws InvalidReferenceException {
        int at = input.indexOf('@');
        if (at < 0 || input.indexOf('@', at + 1) >= 0) {
            throw new InvalidReferenceException(
                    "expected exactly one @ in the isimage name " + GoQuote.quote(input));
        }
        String name = input.substring(0, at);
        String id = input.substring(at + 1);
        if (name.isEmpty() || id.isEmpty()) {
            throw new InvalidReferenceException(
                    "image stream image name " + GoQuote.quote(input) + " must have a name and ID");
        }
        return new String[] {name, id};
    }

    /**
     * Splits an ImageStreamTag name {@code name:tag} like library-go's {@code imageutil.ParseImageStreamTagName}.
     *
     * @return {@code {name, tag}}
     */
    public static String[] parseImageStreamTagName(String istag) throws InvalidReferenceException {
        if (istag.indexOf('@') >= 0) {
            throw new InvalidReferenceException(
                    GoQuote.quote(istag) + " is an image stream image, not an image stream tag");
        }
        int colon = istag.indexOf(':');
        if (colon < 0 || istag.indexOf(':', colon + 1) >= 0) {
            throw new InvalidReferenceException(
                    "expected exactly one : delimiter in the istag " + GoQuote.quote(istag));
        }
        String name = istag.substring(0, colon);
        String tag = istag.substring(colon + 1);
        if (name.isEmpty() || tag.isEmpty()) {
            throw new InvalidReferenceException(
                    "image stream tag name " + GoQuote.quote(istag) + " must have a name and a tag");
        }
        return new String[] {name, tag};
    }

    /**
     * The references of image strings held by an object oc does not read (a custom resource's, a pod's ephemeral
     * containers), each interpreted exactly as oc interprets a container image of a workload template.
     *
     * @param resource the lower-case kind word of the holder, for error messages ({@code rollout})
     * @param images   subreferrer (the field, for error messages) → image string, in order
     */
    public static ExtractedReferences ofImages(String resource, String namespace, String name,
                                               List<Map.Entry<String, String>> images) {
        Collector c = new Collector(resource, namespace, name);
        for (Map.Entry<String, String> image : images) {
            if (!isGoBlank(image.getValue())) {
                c.image(image.getKey(), image.getValue());
            }
        }
        return c.result();
    }

    /**
     * The references of object references held by an object oc does not read (an ImageStream's spec tags), each
     * interpreted exactly as oc interprets a build's input image of the same kind.
     *
     * @param sources subreferrer (for error messages) → object reference, in order
     */
    public static ExtractedReferences ofSources(String resource, String namespace, String name,
                                                List<Map.Entry<String, BuildSource>> sources) {
        Collector c = new Collector(resource, namespace, name);
        for (Map.Entry<String, BuildSource> source : sources) {
            c.subreferrer = source.getKey();
            c.buildSource(source.getValue());
        }
        return c.result();
    }

    private static final class Collector {
        private final String resource;
        private final String namespace;
        private final String name;
        /** The subreferrer of build-source errors: empty for builds (oc's text). */
        private String subreferrer = "";
        private List<ImageRef> refs;
        private List<InvalidReference> errors;
        private Set<String> pinned;

        Collector(Referrer referrer) {
            this(referrer.kind().resource(), referrer.namespace(), referrer.name());
        }

        Collector(String resource, String namespace, String name) {
            this.resource = resource;
            this.namespace = namespace;
            this.name = name;
        }

        void buildSource(BuildSource source) {
            switch (source.kind()) {
                case "DockerImage" -> {
                    if (!isGoBlank(source.name())) {
                        image(subreferrer, source.name());
                    }
                }
                case "ImageStreamImage" -> {
                    try {
                        String[] parts = parseImageStreamImageName(source.name());
                        ref(ImageRef.image(namespace(source), parts[0], parts[1]));
                        pin(parts[1]);
                    } catch (InvalidReferenceException e) {
                        error(subreferrer, KIND_IMAGE_STREAM_IMAGE, source.name(), namespace(source), e.getMessage());
                    }
                }
                case "ImageStreamTag" -> {
                    try {
                        String[] parts = parseImageStreamTagName(source.name());
                        ref(ImageRef.tag(namespace(source), parts[0], parts[1]));
                    } catch (InvalidReferenceException e) {
                        error(subreferrer, KIND_IMAGE_STREAM_TAG, source.name(), namespace(source), e.getMessage());
                    }
                }
                default -> {
                    // oc warns "ignoring unrecognized source location" and moves on
                }
            }
        }

        private String namespace(BuildSource source) {
            return source.namespace().isEmpty() ? namespace : source.namespace();
        }

        /** oc's {@code analyzeImageReference}: a container image or a DockerImage build source. */
        void image(String subreferrer, String image) {
            ParsedReference ref;
            try {
                ref = ReferenceParser.parse(image);
            } catch (InvalidReferenceException e) {
                error(subreferrer, KIND_IMAGE, image, namespace, e.getMessage());
                return;
            }
            if (ref.hasId()) {
                pin(ref.id());
            }
            if (!ref.isHostNamespaceName()) {
                return;
            }
            if (ref.hasId()) {
                ref(ImageRef.image(ref.namespace(), ref.name(), ref.id()));
            } else {
                ref(ImageRef.tag(ref.namespace(), ref.name(), ref.tag().isEmpty() ? DEFAULT_TAG : ref.tag()));
            }
        }

        private void ref(ImageRef ref) {
            if (refs == null) {
                refs = new ArrayList<>(4);
            }
            refs.add(ref);
        }

        /** Lower-cased: a digest written in upper-case hex pulls the same image, so it must pin it too. */
        private void pin(String digest) {
            if (pinned == null) {
                pinned = new LinkedHashSet<>(4);
            }
            pinned.add(digest.toLowerCase(java.util.Locale.ROOT));
        }

        private void error(String subreferrer, String kind, String reference, String resolvedIn, String cause) {
            if (errors == null) {
                errors = new ArrayList<>(2);
            }
            errors.add(new InvalidReference(kind, reference, resolvedIn,
                    errorMessage(resource, namespace, name, subreferrer, kind, reference, cause)));
        }

        ExtractedReferences result() {
            if (refs == null && errors == null && pinned == null) {
                return ExtractedReferences.EMPTY;
            }
            return new ExtractedReferences(refs == null ? List.of() : refs, errors == null ? List.of() : errors,
                    pinned == null ? Set.of() : pinned);
        }
    }
}
