package io.imageprune.projection;

import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;

import java.util.Collection;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Record keys of {@code imageprune.cluster-state}: {@code <kind>/<namespace>/<name>}, with an empty namespace for the
 * cluster-scoped kinds ({@code Image//sha256:...}, {@code SyncMarker//<ingestId>}). Namespaces and names never contain
 * {@code /}; image names contain {@code :}.
 */
public final class ProjectionKeys {
    public static final String IMAGE = "Image";
    public static final String IMAGE_STREAM = "ImageStream";
    public static final String LIMIT_RANGE = "LimitRange";
    public static final String SYNC_MARKER = "SyncMarker";
    public static final String NAMESPACE = "Namespace";
    /** The body kind of a {@link CustomReferrer}; its key carries its own kind ({@code Rollout/shop/web}). */
    public static final String CUSTOM_REFERRER = "CustomReferrer";

    private static final Map<String, Boolean> KINDS = new HashMap<>(); // kind -> cluster-scoped
    /** Kinds of custom resources that hold images: namespaced or cluster-scoped, as each is configured. */
    private static final Set<String> CUSTOM_KINDS = ConcurrentHashMap.newKeySet();

    static {
        KINDS.put(IMAGE, true);
        KINDS.put(SYNC_MARKER, true);
        KINDS.put(IMAGE_STREAM, false);
        KINDS.put(LIMIT_RANGE, false);
        KINDS.put(NAMESPACE, true);
        // always readable: a record of a built-in kind switched off since must still decode (and be tombstoned)
        io.imageprune.referrers.BuiltinReferrers.ALL.forEach(k -> CUSTOM_KINDS.add(k.kind()));
        for (ReferrerKind k : ReferrerKind.values()) {
            KINDS.put(k.kind(), false);
        }
    }

    private ProjectionKeys() {
    }

    /**
     * Lets keys of these custom resource kinds through {@link #parse} (the configured referrer kinds, registered at
     * start before the state is read). A name oc's kinds use is refused.
     */
    public static void allowCustomKinds(Collection<String> kinds) {
        for (String kind : kinds) {
            if (KINDS.containsKey(kind)) {
                throw new IllegalArgumentException("kind " + kind + " cannot be a custom referrer kind");
            }
        }
        CUSTOM_KINDS.addAll(kinds);
    }

    /** Whether the kind is a registered custom referrer kind. */
    public static boolean isCustomKind(String kind) {
        return CUSTOM_KINDS.contains(kind);
    }

    /**
     * The record key of a model object: an {@link Image}, {@link ImageStream}, {@link Referrer}, {@link LimitRange} or
     * {@link SyncMarker}.
     *
     * @throws ProjectionException for other types, and when the object's namespace or name cannot form a key (an
     *                             empty name, a {@code /} in the namespace or name)
     */
    public static String of(Object modelObject) {
        if (modelObject instanceof Image i) {
            return key(IMAGE, "", i.name());
        } else if (modelObject instanceof Referrer r) {
            return key(r.kind().kind(), r.namespace(), r.name());
        } else if (modelObject instanceof ImageStream s) {
            return key(IMAGE_STREAM, s.namespace(), s.name());
        } else if (modelObject instanceof LimitRange l) {
            return key(LIMIT_RANGE, l.namespace(), l.name());
        } else if (modelObject instanceof SyncMarker m) {
            return key(SYNC_MARKER, "", m.ingestId());
        } else if (modelObject instanceof CustomReferrer c) {
            return key(c.kind(), c.namespace(), c.name());
        } else if (modelObject instanceof Namespace n) {
            return key(NAMESPACE, "", n.name());
        } else if (modelObject == null) {
            throw new ProjectionException("cannot make a key for null");
        }
        throw new ProjectionException("cannot make a key for a " + modelObject.getClass().getName());
    }

    /**
     * Whether {@code key} is the key of {@code modelObject}, without building the key (the decoder's hot path).
     * False for objects that have no key.
     */
    static boolean matches(String key, Object modelObject) {
        if (modelObject instanceof Image i) {
            return matches(key, IMAGE, "", i.name());
        } else if (modelObject instanceof Referrer r) {
            return matches(key, r.kind().kind(), r.namespace(), r.name());
        } else if (modelObject instanceof ImageStream s) {
            return matches(key, IMAGE_STREAM, s.namespace(), s.name());
        } else if (modelObject instanceof LimitRange l) {
            return matches(key, LIMIT_RANGE, l.namespace(), l.name());
        } else if (modelObject instanceof SyncMarker m) {
            return matches(key, SYNC_MARKER, "", m.ingestId());
        } else if (modelObject instanceof CustomReferrer c) {
            return matches(key, c.kind(), c.namespace(), c.name());
        } else if (modelObject instanceof Namespace n) {
            return matches(key, NAMESPACE, "", n.name());
        }
        return false;
    }

    private static boolean matches(String key, String kind, String namespace, String name) {
        int k = kind.length();
        int n = namespace.length();
        return key.length() == k + n + name.length() + 2 && !name.isEmpty()
                && key.startsWith(kind) && key.charAt(k) == '/'
                && key.startsWith(namespace, k + 1) && key.charAt(k + 1 + n) == '/'
                && key.startsWith(name, k + n + 2)
                && namespace.indexOf('/') < 0 && name.indexOf('/') < 0;
    }

    private static String key(String kind, String namespace, String name) {
        if (name.isEmpty()) {
            throw new ProjectionException("cannot make a key for " + kind + " " + namespace + "/: the name is empty");
        }
        if (namespace.indexOf('/') >= 0 || name.indexOf('/') >= 0) {
            throw new ProjectionException("cannot make a key for " + kind + " with namespace '" + namespace
                    + "' and name '" + name + "': a namespace or name must not contain '/'");
        }
        return kind + "/" + namespace + "/" + name;
    }

    /**
     * Parses {@code <kind>/<namespace>/<name>}, splitting on the first two {@code /}.
     *
     * @throws ProjectionException when the key has fewer than two {@code /}, an empty kind or name, a {@code /} in the
     *                             name, an unknown kind, or a namespace on a cluster-scoped kind
     */
    public static ObjectKey parse(String key) {
        if (key == null) {
            throw new ProjectionException("malformed key: null");
        }
        int first = key.indexOf('/');
        int second = first < 0 ? -1 : key.indexOf('/', first + 1);
        if (second < 0) {
            throw malformed(key, "expected <kind>/<namespace>/<name>");
        }
        String kind = key.substring(0, first);
        String name = key.substring(second + 1);
        if (kind.isEmpty()) {
            throw malformed(key, "the kind is empty");
        }
        if (name.isEmpty()) {
            throw malformed(key, "the name is empty");
        }
        if (name.indexOf('/') >= 0) {
            throw malformed(key, "the name contains '/'");
        }
        Boolean clusterScoped = KINDS.get(kind);
        if (clusterScoped == null && CUSTOM_KINDS.contains(kind)) {
            return new ObjectKey(kind, key.substring(first + 1, second), name);
        }
        if (clusterScoped == null) {
            throw new ProjectionException("unknown kind '" + kind + "' in key '" + key + "'");
        }
        String namespace = key.substring(first + 1, second);
        if (clusterScoped && !namespace.isEmpty()) {
            throw malformed(key, kind + " is cluster-scoped, expected " + kind + "//<name>");
        }
        return new ObjectKey(kind, namespace, name);
    }

    /** Whether {@code kind} may appear in a key: Image, ImageStream, LimitRange, SyncMarker or a referrer kind. */
    public static boolean isKnownKind(String kind) {
        return KINDS.containsKey(kind) || CUSTOM_KINDS.contains(kind);
    }

    private static ProjectionException malformed(String key, String reason) {
        return new ProjectionException("malformed key '" + key + "': " + reason);
    }
}
