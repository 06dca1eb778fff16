package io.imageprune.document;

import com.fasterxml.jackson.core.JsonGenerator;
import io.imageprune.execute.PruneStats;

import java.io.IOException;

/**
 * Fields that more than one document writes the same way: the plan, the explanation and the audit events must name
 * oc's six statistics and list strings identically, so that a consumer reading one reads the others.
 */
public final class JsonFields {
    private JsonFields() {
    }

    /** {@code "stats": {...}}: oc's six counters under oc's names. */
    public static void stats(JsonGenerator json, PruneStats stats) throws IOException {
        json.writeObjectFieldStart("stats");
        json.writeNumberField("deletedImages", stats.deletedImages());
        json.writeNumberField("updatedImageStreams", stats.updatedImageStreams());
        json.writeNumberField("deletedImageStreamTagItems", stats.deletedImageStreamTagItems());
        json.writeNumberField("deletedLayerLinks", stats.deletedLayerLinks());
        json.writeNumberField("deletedManifestLinks", stats.deletedManifestLinks());
        json.writeNumberField("deletedBlobs", stats.deletedBlobs());
        json.writeEndObject();
    }

    /** {@code "field": ["a", "b"]}. */
    public static void strings(JsonGenerator json, String field, Iterable<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
