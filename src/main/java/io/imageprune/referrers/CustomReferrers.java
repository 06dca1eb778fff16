package io.imageprune.referrers;

import io.imageprune.model.CustomReferrer;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the configured custom resources into {@link CustomReferrer}s: the image strings their JSONPath expressions
 * yield, and for runs whether and when they finished. The interpretation of the strings is the decision core's
 * (exactly oc's for a container image of a workload template).
 */
public final class CustomReferrers implements ExtraKinds {
    private final Map<String, ReferrerKindSpec> byKind = new HashMap<>();

    public CustomReferrers(ReferrersConfig config) {
        for (ReferrerKindSpec spec : config.kinds()) {
            byKind.put(spec.kind(), spec);
        }
    }

    public List<ReferrerKindSpec> kinds() {
        return List.copyOf(byKind.values());
    }

    @Override
    public boolean mayHandle(String kind) {
        return byKind.containsKey(kind);
    }

    @Override
    public boolean handles(String kind, String apiVersion) {
        ReferrerKindSpec spec = byKind.get(kind);
        if (spec == null) {
            return false;
        }
        // any version of the group: the paths are the same across the versions a server converts between
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        String group = apiVersion == null ? null : slash < 0 ? "" : apiVersion.substring(0, slash);
        return group == null || group.equals(spec.group());
    }

    @Override
    public Object convert(String kind, String apiVersion, Map<String, Object> item) {
        ReferrerKindSpec spec = byKind.get(kind);
        if (spec == null) {
            throw new IllegalArgumentException("kind " + kind + " is not configured");
        }
        return convert(spec, item);
    }

    /** @throws IllegalArgumentException when the object has no metadata.name */
    public static CustomReferrer convert(ReferrerKindSpec spec, Map<String, Object> item) {
        Object metadata = item.get("metadata");
        Map<?, ?> md = metadata instanceof Map<?, ?> m ? m : Map.of();
        if (!(md.get("name") instanceof String name) || name.isEmpty()) {
            throw new IllegalArgumentException(spec.kind() + " without metadata.name");
        }
        String namespace = md.get("namespace") instanceof String ns ? ns : "";
        List<CustomReferrer.Reference> references = new ArrayList<>();
        for (JsonPath path : spec.paths()) {
            path.evaluate(item, (at, value) -> {
                if (value != null) {
                    // a non-string where an image is expected is kept as written: it fails to parse, loudly
                    references.add(new CustomReferrer.Reference(at, value instanceof String s ? s
                            : String.valueOf(value)));
                }
            });
        }
        Instant finished = null;
        if (spec.finished() != null) {
            Object[] first = new Object[1];
            spec.finished().evaluate(item, (at, value) -> {
                if (first[0] == null) {
                    first[0] = value;
                }
            });
            finished = time(first[0]);
        }
        return new CustomReferrer(spec.kind(), spec.group(), spec.clusterScoped() ? "" : namespace, name,
                spec.runLike(), finished, references);
    }

    /** An unreadable completion time counts as not finished: the run then counts always (it keeps more). */
    private static Instant time(Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
