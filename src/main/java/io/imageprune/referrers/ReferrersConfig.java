package io.imageprune.referrers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which custom resources hold images: the built-in kinds ({@link BuiltinReferrers}) unless switched off, minus the
 * kinds switched off, plus the admin's own. Parsed strictly, once, at start: an unknown key, a wrong type, a bad
 * JSONPath or two kinds with the same name is an error naming what is wrong.
 *
 * <p>The same document as YAML for {@code plan --referrers FILE} and as {@code imageprune.referrers.*}:
 * <pre>
 * builtin: true                       # the built-in kinds (default true)
 * disabled: [Rollout.argoproj.io]     # kinds switched off, as Kind.group
 * custom:
 *   - apiVersion: example.com/v1
 *     kind: Widget
 *     plural: widgets                 # default: the lower-case kind + "s"
 *     clusterScoped: false            # default false
 *     paths: [.spec.image, ".spec.sidecars[*].image"]
 *     finished: .status.completionTime  # only for runs: counts while absent, then while young
 * </pre>
 */
public record ReferrersConfig(boolean builtin, Set<String> disabled, List<ReferrerKindSpec> custom) {

    /** Kind names the graph and the state topic already use: a custom kind must not take one. */
    private static final Set<String> RESERVED = Set.of("Image", "ImageStream", "LimitRange", "SyncMarker", "Namespace",
            "Pod", "ReplicationController", "DeploymentConfig", "ReplicaSet", "Deployment", "DaemonSet", "Build",
            "BuildConfig", "StatefulSet", "Job", "CronJob");

    public static final ReferrersConfig DEFAULT = new ReferrersConfig(true, Set.of(), List.of());
    public static final ReferrersConfig NONE = new ReferrersConfig(false, Set.of(), List.of());

    public ReferrersConfig {
        disabled = Set.copyOf(disabled);
        custom = List.copyOf(custom);
    }

    /** Thrown for a configuration that cannot be used; the message names the source and the problem. */
    public static final class InvalidReferrersException extends IllegalArgumentException {
        public InvalidReferrersException(String message) {
            super(message);
        }
    }

    /** The kinds read: built-in (unless off) replaced by a custom kind of the same Kind.group, minus the disabled. */
    public List<ReferrerKindSpec> kinds() {
        Map<String, ReferrerKindSpec> byId = new LinkedHashMap<>();
        if (builtin) {
            BuiltinReferrers.ALL.forEach(k -> byId.put(k.id(), k));
        }
        custom.forEach(k -> byId.put(k.id(), k));
        disabled.forEach(byId::remove);
        return List.copyOf(byId.values());
    }

    /**
     * @param source where the document comes from, for messages ({@code imageprune.referrers}, a file name)
     */
    public static ReferrersConfig fromMap(String source, Object document) {
        Map<String, Object> top = object(source, "", document, Set.of("builtin", "disabled", "custom"));
        boolean builtin = top.containsKey("builtin") ? bool(source, "builtin", top.get("builtin")) : true;
        Set<String> disabled = new LinkedHashSet<>(strings(source, "disabled", top.getOrDefault("disabled", List.of())));
        List<ReferrerKindSpec> custom = new ArrayList<>();
        Object list = top.getOrDefault("custom", List.of());
        if (!(list instanceof List<?> entries)) {
            throw invalid(source, "custom", "expected a list of kinds");
        }
        Map<String, String> kindNames = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            ReferrerKindSpec spec = kind(source, "custom[" + i + "]", entries.get(i));
            String clash = kindNames.put(spec.kind(), spec.id());
            if (clash != null) {
                throw invalid(source, "custom[" + i + "]", "kind " + spec.kind() + " is configured twice (" + clash
                        + " and " + spec.id() + "): kinds are keyed by name, so each name may appear once");
            }
            custom.add(spec);
        }
        ReferrersConfig config = new ReferrersConfig(builtin, disabled, custom);
        Map<String, String> names = new LinkedHashMap<>();
        for (ReferrerKindSpec k : config.kinds()) {
            String clash = names.put(k.kind(), k.id());
            if (clash != null) {
                throw invalid(source, "custom", "kind " + k.id() + " has the same name as " + clash
                        + ": switch one off (disabled) or leave it out");
            }
        }
        return config;
    }

    private static ReferrerKindSpec kind(String source, String at, Object entry) {
        Map<String, Object> m = object(source, at, entry,
                Set.of("apiVersion", "kind", "plural", "clusterScoped", "paths", "finished"));
        String apiVersion = requiredString(source, at + ".apiVersion", m.get("apiVersion"));
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        if (version.isEmpty() || version.indexOf('/') >= 0 || !group.matches("[a-z0-9.-]*")
                || !version.matches("[a-z0-9]+")) {
            throw invalid(source, at + ".apiVersion", "\"" + apiVersion + "\" is not group/version (e.g. "
                    + "argoproj.io/v1alpha1)");
        }
        String kind = requiredString(source, at + ".kind", m.get("kind"));
        if (!kind.matches("[A-Z][A-Za-z0-9]*")) {
            throw invalid(source, at + ".kind", "\"" + kind + "\" is not a kind name (e.g. Rollout)");
        }
        if (RESERVED.contains(kind)) {
            throw invalid(source, at + ".kind", kind + " is read by imageprune itself and cannot be configured");
        }
        String plural = m.containsKey("plural") ? requiredString(source, at + ".plural", m.get("plural"))
                : kind.toLowerCase(Locale.ROOT) + "s";
        if (!plural.matches("[a-z0-9]+")) {
            throw invalid(source, at + ".plural", "\"" + plural + "\" is not a resource name (e.g. rollouts)");
        }
        boolean clusterScoped = m.containsKey("clusterScoped")
                && bool(source, at + ".clusterScoped", m.get("clusterScoped"));
        List<String> pathTexts = strings(source, at + ".paths", m.get("paths"));
        if (pathTexts.isEmpty()) {
            throw invalid(source, at + ".paths", "expected at least one JSONPath");
        }
        List<JsonPath> paths = new ArrayList<>();
        for (int i = 0; i < pathTexts.size(); i++) {
            paths.add(path(source, at + ".paths[" + i + "]", pathTexts.get(i)));
        }
        JsonPath finished = m.containsKey("finished")
                ? path(source, at + ".finished", requiredString(source, at + ".finished", m.get("finished"))) : null;
        return new ReferrerKindSpec(group, version, kind, plural, clusterScoped, paths, finished);
    }

    private static JsonPath path(String source, String at, String text) {
        try {
            return JsonPath.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(source, at, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String source, String at, Object value, Set<String> keys) {
        if (!(value instanceof Map<?, ?> map)) {
            throw invalid(source, at, "expected a mapping");
        }
        for (Object key : map.keySet()) {
            if (!keys.contains(String.valueOf(key))) {
                throw invalid(source, at.isEmpty() ? String.valueOf(key) : at + "." + key, "unknown key (expected one of "
                        + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
        return (Map<String, Object>) map;
    }

    private static boolean bool(String source, String at, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if ("true".equals(value)) {
            return true;
        }
        if ("false".equals(value)) {
            return false;
        }
        throw invalid(source, at, "expected true or false, got " + value);
    }

    private static String requiredString(String source, String at, Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw invalid(source, at, value == null ? "is missing" : "expected a non-empty string, got " + value);
        }
        return s;
    }

    private static List<String> strings(String source, String at, Object value) {
        if (value == null) {
            throw invalid(source, at, "is missing");
        }
        if (!(value instanceof List<?> list)) {
            throw invalid(source, at, "expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(requiredString(source, at + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    private static InvalidReferrersException invalid(String source, String at, String problem) {
        return new InvalidReferrersException("invalid referrers configuration " + source + (at.isEmpty() ? "" : " at "
                + at) + ": " + problem);
    }
}
