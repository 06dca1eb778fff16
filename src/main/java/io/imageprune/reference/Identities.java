package io.imageprune.reference;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;

import java.util.ArrayList;
import java.util.List;

/**
 * Which identities may reach a URL. Decisions accept whatever oc accepts (its own cases name layers
 * {@code tarsum.dev+sha256:…}, bare hex and {@code layer1}); what this class guards is the registry path and the API
 * path an identity ends up in. A digest must be one safe path segment, a repository must follow the distribution name
 * grammar, a namespace and a stream name Kubernetes' rules, so that no value can add a path, a query or a fragment to
 * a request.
 *
 * <p>An object failing here is not dropped: the planner treats it like an object with an invalid reference (it
 * refuses to plan, or with ignore-invalid-refs keeps the object and everything it names). Each problem is one message
 * naming the object, the field and the value.
 */
public final class Identities {
    /** The distribution registry's limit on a repository name ({@code reference.NameTotalLengthMax}). */
    public static final int MAX_REPOSITORY_LENGTH = 255;
    private static final java.util.regex.Pattern OCI_DIGEST =
            java.util.regex.Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    private static final String MANIFEST_DIGEST_RULE = "a manifest is deleted by digest only (algorithm:encoded, "
            + "as [a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+); anything else may name a tag";
    /** Kubernetes' limit on a namespace (a DNS-1123 label). */
    public static final int MAX_NAMESPACE_LENGTH = 63;

    static final String DIGEST_RULE = "a digest sent to the registry must be one URL path segment matching "
            + "[A-Za-z0-9][A-Za-z0-9+._:=-]* without \"..\"";
    static final String NAMESPACE_RULE = "a namespace must be a DNS-1123 label (lower-case letters, digits and '-', "
            + "starting and ending with a letter or digit, at most 63 characters)";
    static final String STREAM_NAME_RULE = "an image stream name must be a repository path component "
            + "([a-z0-9]+ joined by '.', '_', '__' or '-')";
    static final String REPOSITORY_RULE = "a repository must be path components ([a-z0-9]+ joined by '.', '_', '__' "
            + "or '-') separated by '/', at most 255 characters";

    private Identities() {
    }

    // ------------------------------------------------------------------------------------------- single values

    /** Whether the value may be sent to the registry as a digest: one safe path segment. */
    public static boolean safeDigest(String value) {
        if (value == null || value.isEmpty() || !alphanumeric(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= DIGEST_CHARS.length || !DIGEST_CHARS[c]) {
                return false;
            }
            if (c == '.' && value.charAt(i - 1) == '.') {
                return false;
            }
        }
        return true;
    }

    /** Kubernetes' namespace rule (a DNS-1123 label). */
    public static boolean safeNamespace(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_NAMESPACE_LENGTH
                || !lowerAlphanumeric(value.charAt(0)) || !lowerAlphanumeric(value.charAt(value.length() - 1))) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!lowerAlphanumeric(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * OpenShift's image stream name rule: one path component of the distribution name grammar, which also makes it a
     * valid Kubernetes path segment name (no '/', no '%', never "." or "..").
     */
    public static boolean safeStreamName(String value) {
        return value != null && value.length() <= MAX_REPOSITORY_LENGTH && component(value, 0, value.length());
    }

    /** The distribution name grammar: {@code component(/component)*}, at most 255 characters. */
    public static boolean safeRepository(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_REPOSITORY_LENGTH) {
            return false;
        }
        int start = 0;
        while (true) {
            int slash = value.indexOf('/', start);
            int end = slash < 0 ? value.length() : slash;
            if (!component(value, start, end)) {
                return false;
            }
            if (slash < 0) {
                return true;
            }
            start = slash + 1;
        }
    }

    /**
     * {@code [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*} over {@code value[start, end)}: alphanumeric runs joined by
     * one '.', one or two '_', or any number of '-'. The one reading of the grammar: repositories sent to the
     * registry and the path components of image references both go through it.
     */
    static boolean component(String value, int start, int end) {
        if (start >= end || !lowerAlphanumeric(value.charAt(start)) || !lowerAlphanumeric(value.charAt(end - 1))) {
            return false;
        }
        int i = start;
        while (i < end) {
            char c = value.charAt(i);
            if (lowerAlphanumeric(c)) {
                i++;
                continue;
            }
            int run = i;
            while (i < end && value.charAt(i) == c) {
                i++;
            }
            int length = i - run;
            boolean separator = c == '-' || c == '_' && length <= 2 || c == '.' && length == 1;
            // two separators in a row ("a._b") are not one separator; the component ends alphanumeric (checked above)
            if (!separator || !lowerAlphanumeric(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Throws when the value may not be sent as a digest; the message names the field and the value. */
    public static void requireDigest(String field, String value) {
        if (!safeDigest(value)) {
            throw new UnsafeIdentityException(field + " " + GoQuote.quote(value) + ": " + DIGEST_RULE);
        }
    }

    /**
     * Throws unless the value is a digest in the OCI grammar ({@code algorithm:encoded}): the manifests route also
     * takes a tag, and a DELETE there with a tag name removes the tag (OCI distribution 1.1), so a safe segment such as
     * {@code latest} is not enough for it.
     */
    public static void requireManifestDigest(String field, String value) {
        requireDigest(field, value);
        if (!OCI_DIGEST.matcher(value).matches()) {
            throw new UnsafeIdentityException(field + " " + GoQuote.quote(value) + ": " + MANIFEST_DIGEST_RULE);
        }
    }

    /** Throws when the value may not be sent as a repository; the message names the field and the value. */
    public static void requireRepository(String field, String value) {
        if (!safeRepository(value)) {
            throw new UnsafeIdentityException(field + " " + GoQuote.quote(value) + ": " + REPOSITORY_RULE);
        }
    }

    /** Throws when a stream's namespace or name may not be sent to the API or the registry. */
    public static void requireStream(String namespace, String name) {
        if (!safeNamespace(namespace)) {
            throw new UnsafeIdentityException("namespace " + GoQuote.quote(namespace) + ": " + NAMESPACE_RULE);
        }
        if (!safeStreamName(name)) {
            throw new UnsafeIdentityException("image stream name " + GoQuote.quote(name) + ": " + STREAM_NAME_RULE);
        }
        requireRepository("repository", namespace + "/" + name);
    }

    // ----------------------------------------------------------------------------------------------- objects

    /** The problems of any model object; only images and image streams carry identities that reach a URL. */
    public static List<String> problems(Object object) {
        if (object instanceof Image image) {
            return problems(image);
        }
        if (object instanceof ImageStream stream) {
            return problems(stream);
        }
        return List.of();
    }

    /**
     * An image's name (its manifest digest: a manifest link, a global blob and the API object's path), every layer,
     * the config when it is one of the image's blobs, and every child manifest of a manifest list.
     *
     * @return one message per failing field, in field order; empty when every identity is safe
     */
    public static List<String> problems(Image image) {
        List<String> problems = null;
        if (!safeDigest(image.name())) {
            problems = add(problems, digestProblem(image, "metadata.name", image.name()));
        }
        List<Layer> layers = image.layers();
        for (int i = 0; i < layers.size(); i++) {
            String layer = layers.get(i).name();
            if (!safeDigest(layer)) {
                problems = add(problems, digestProblem(image, "dockerImageLayers[" + i + "].name", layer));
            }
        }
        if (image.configIsBlob() && !safeDigest(image.configDigest())) {
            problems = add(problems, digestProblem(image, "dockerImageMetadata.Id", image.configDigest()));
        }
        List<String> children = image.manifestDigests();
        for (int i = 0; i < children.size(); i++) {
            if (!safeDigest(children.get(i))) {
                problems = add(problems, digestProblem(image, "dockerImageManifests[" + i + "].digest",
                        children.get(i)));
            }
        }
        return problems == null ? List.of() : problems;
    }

    /** A stream's namespace and name: its API path and its registry repository {@code <namespace>/<name>}. */
    public static List<String> problems(ImageStream stream) {
        boolean namespace = safeNamespace(stream.namespace());
        boolean name = safeStreamName(stream.name());
        boolean repository = safeRepository(stream.repo());
        if (namespace && name && repository) {
            return List.of();
        }
        String object = "imagestreams/" + shown(stream.name()) + " namespace=" + shown(stream.namespace());
        List<String> problems = new ArrayList<>(2);
        if (!namespace) {
            problems.add(object + ": metadata.namespace: invalid namespace " + GoQuote.quote(stream.namespace())
                    + ": " + NAMESPACE_RULE);
        }
        if (!name) {
            problems.add(object + ": metadata.name: invalid image stream name " + GoQuote.quote(stream.name())
                    + ": " + STREAM_NAME_RULE);
        }
        if (namespace && name) {
            problems.add(object + ": invalid repository " + GoQuote.quote(stream.repo()) + ": " + REPOSITORY_RULE);
        }
        return problems;
    }

    private static String digestProblem(Image image, String field, String value) {
        return "images/" + shown(image.name()) + ": " + field + ": invalid digest " + GoQuote.quote(value) + ": "
                + DIGEST_RULE;
    }

    /** An object's own name as printed in a message: quoted when it is not plain, so no value can forge a line. */
    private static String shown(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\') {
                return GoQuote.quote(name);
            }
        }
        return name.isEmpty() ? "\"\"" : name;
    }

    private static List<String> add(List<String> problems, String problem) {
        List<String> list = problems == null ? new ArrayList<>(2) : problems;
        list.add(problem);
        return list;
    }

    /** The characters a digest may hold after its first (checked on every layer of every image: a table look-up). */
    private static final boolean[] DIGEST_CHARS = new boolean[128];

    static {
        for (char c = 0; c < DIGEST_CHARS.length; c++) {
            DIGEST_CHARS[c] = alphanumeric(c) || "+._:=-".indexOf(c) >= 0;
        }
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean lowerAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    /** A value that must not reach a URL; never worth a retry. */
    public static final class UnsafeIdentityException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public UnsafeIdentityException(String message) {
            super(message);
        }
    }
}
