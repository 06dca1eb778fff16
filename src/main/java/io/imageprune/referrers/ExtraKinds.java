package io.imageprune.referrers;

import java.util.Map;

/**
 * Kinds the loader reads beyond oc's fixed list (custom resources that hold images), converted from the item as a
 * generic JSON value (maps in document order, lists, strings, numbers, booleans, null).
 */
public interface ExtraKinds {
    /** Whether items of this kind may be read at all (asked before the apiVersion is known). */
    boolean mayHandle(String kind);

    /** Whether items of this kind and apiVersion are read. */
    boolean handles(String kind, String apiVersion);

    /**
     * The model object of one item (a {@link io.imageprune.model.CustomReferrer}).
     *
     * @throws IllegalArgumentException when the item cannot be converted (e.g. it has no name)
     */
    Object convert(String kind, String apiVersion, Map<String, Object> item);

    ExtraKinds NONE = new ExtraKinds() {
        @Override
        public boolean mayHandle(String kind) {
            return false;
        }

        @Override
        public boolean handles(String kind, String apiVersion) {
            return false;
        }

        @Override
        public Object convert(String kind, String apiVersion, Map<String, Object> item) {
            throw new IllegalArgumentException("no extra kinds are read");
        }
    };
}
