package io.imageprune.testkit;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;

import java.util.function.Consumer;

/** The names a graph object carries, which random cluster histories pick from when they derive new objects. */
public final class GraphObjectNames {
    private GraphObjectNames() {
    }

    /**
     * Every digest the object names, in a fixed order: an image's own, its layers', its config's and its manifests';
     * the images of a stream's tag history.
     */
    public static void digests(Object o, Consumer<String> into) {
        if (o instanceof Image i) {
            into.accept(i.name());
            i.layers().forEach(l -> into.accept(l.name()));
            if (!i.configDigest().isEmpty()) {
                into.accept(i.configDigest());
            }
            i.manifestDigests().forEach(into);
        } else if (o instanceof ImageStream s) {
            s.tags().forEach(t -> t.items().forEach(e -> into.accept(e.image())));
        }
    }

    /** The namespace of a stream, referrer or limit range; null for a cluster-scoped object. */
    public static String namespace(Object o) {
        if (o instanceof ImageStream s) {
            return s.namespace();
        } else if (o instanceof Referrer r) {
            return r.namespace();
        } else if (o instanceof LimitRange l) {
            return l.namespace();
        }
        return null;
    }
}
