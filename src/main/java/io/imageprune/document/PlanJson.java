package io.imageprune.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.imageprune.execute.LinkDeletion;
import io.imageprune.execute.PruneResult;
import io.imageprune.execute.PruneStats;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The {@code plan -o json} document: every list sorted, so equal plans print equal bytes. */
public final class PlanJson {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Comparator<LinkDeletion> LINK_ORDER =
            Comparator.comparing(LinkDeletion::repo).thenComparing(LinkDeletion::digest);

    private PlanJson() {
    }

    public static void write(PruneResult result, Writer out) {
        write(result, List.of(), out);
    }

    /**
     * The document with {@code limits}: what the plan leaves out beyond its options and why (a graph of some
     * namespaces only, on the service); the field is written only when there is one, so every other plan prints the
     * same bytes as before.
     */
    public static void write(PruneResult result, List<String> limits, Writer out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            stringArray(json, "imageDeletions", sorted(result.imageDeletions()));
            streamUpdates(json, result.streamUpdates());
            links(json, "layerLinkDeletions", "blob", result.layerLinkDeletions());
            links(json, "manifestDeletions", "manifest", result.manifestLinkDeletions());
            stringArray(json, "blobDeletions", sorted(result.blobDeletions()));
            stats(json, result.stats());
            json.writeNumberField("bytesReclaimable", result.bytesReclaimed());
            stringArray(json, "errors", result.refused() ? result.invalidReferences() : List.of());
            if (!limits.isEmpty()) {
                stringArray(json, "limits", limits);
            }
            json.writeEndObject();
            json.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> sorted(List<String> values) {
        List<String> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted;
    }

    private static void streamUpdates(JsonGenerator json, List<StreamPlan> updates) throws IOException {
        List<StreamPlan> sorted = new ArrayList<>(updates);
        sorted.sort(Comparator.comparing(StreamPlan::repo));
        json.writeArrayFieldStart("streamUpdates");
        for (StreamPlan plan : sorted) {
            json.writeStartObject();
            json.writeStringField("stream", plan.repo());
            stringArray(json, "removedTags", plan.removedTags());
            json.writeArrayFieldStart("removedItems");
            for (RemovedRevision revision : plan.removedRevisions()) {
                json.writeStartObject();
                json.writeStringField("tag", revision.tag());
                json.writeNumberField("index", revision.index());
                json.writeStringField("image", revision.image());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("resultingTags");
            for (Tag tag : plan.resultingTags()) {
                json.writeStartObject();
                json.writeStringField("tag", tag.name());
                json.writeArrayFieldStart("images");
                for (TagEvent item : tag.items()) {
                    json.writeString(item.image());
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void links(JsonGenerator json, String field, String digestField, List<LinkDeletion> links)
            throws IOException {
        List<LinkDeletion> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(links));
        sorted.sort(LINK_ORDER);
        json.writeArrayFieldStart(field);
        for (LinkDeletion link : sorted) {
            json.writeStartObject();
            json.writeStringField("repo", link.repo());
            json.writeStringField(digestField, link.digest());
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void stats(JsonGenerator json, PruneStats stats) throws IOException {
        json.writeObjectFieldStart("stats");
        json.writeNumberField("deletedImages", stats.deletedImages());
        json.writeNumberField("updatedImageStreams", stats.updatedImageStreams());
        json.writeNumberField("deletedImageStreamTagItems", stats.deletedImageStreamTagItems());
        json.writeNumberField("deletedLayerLinks", stats.deletedLayerLinks());
        json.writeNumberField("deletedManifestLinks", stats.deletedManifestLinks());
        json.writeNumberField("deletedBlobs", stats.deletedBlobs());
        json.writeEndObject();
    }

    private static void stringArray(JsonGenerator json, String field, Iterable<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
