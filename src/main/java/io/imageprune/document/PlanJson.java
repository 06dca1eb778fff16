package io.imageprune.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.imageprune.execute.LinkDeletion;
import io.imageprune.execute.PruneResult;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.policy.StreamPlan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The {@code plan -o json} document: every list sorted, so equal plans print equal bytes.
 *
 * <p>The big lists (a 200,000-image plan deletes some 300,000 blobs and 200,000 layer links) are sorted on a second
 * thread, in the order the document needs them, while the first parts are sorted and written on the caller's: sorting
 * is most of the cost of the document, and the bytes are the same as sorting them one after the other.
 *
 * <p>Written field by field, as the other documents are (the duplicates tool pairs their shapes): the fields and
 * their order are this document's contract with its readers, kept in one place.
 */
public final class PlanJson {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Comparator<LinkDeletion> LINK_ORDER = (a, b) -> {
        int byRepo = a.repo().compareTo(b.repo());
        return byRepo != 0 ? byRepo : a.digest().compareTo(b.digest());
    };

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
        FutureTask<List<LinkDeletion>> layerLinks = new FutureTask<>(() -> sortedLinks(result.layerLinkDeletions()));
        FutureTask<List<LinkDeletion>> manifestLinks =
                new FutureTask<>(() -> sortedLinks(result.manifestLinkDeletions()));
        FutureTask<List<String>> blobs = new FutureTask<>(() -> sorted(result.blobDeletions()));
        Thread sorter = new Thread(() -> {
            layerLinks.run();
            manifestLinks.run();
            blobs.run();
        }, "imageprune-plan-sorter");
        sorter.setDaemon(true);
        sorter.start();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            JsonFields.strings(json, "imageDeletions", sorted(result.imageDeletions()));
            streamUpdates(json, result.streamUpdates());
            links(json, "layerLinkDeletions", "blob", await(layerLinks));
            links(json, "manifestDeletions", "manifest", await(manifestLinks));
            JsonFields.strings(json, "blobDeletions", await(blobs));
            JsonFields.stats(json, result.stats());
            json.writeNumberField("bytesReclaimable", result.bytesReclaimed());
            JsonFields.strings(json, "errors", result.refused() ? result.invalidReferences() : List.of());
            if (!limits.isEmpty()) {
                JsonFields.strings(json, "limits", limits);
            }
            json.writeEndObject();
            json.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> sorted(List<String> digests) {
        return Arrays.asList(DigestSort.sorted(digests));
    }

    /** Sorted by repository, then digest, each link once (equal links are neighbours once sorted). */
    private static List<LinkDeletion> sortedLinks(List<LinkDeletion> links) {
        LinkDeletion[] sorted = links.toArray(LinkDeletion[]::new);
        Arrays.sort(sorted, LINK_ORDER);
        List<LinkDeletion> distinct = new ArrayList<>(sorted.length);
        for (LinkDeletion link : sorted) {
            if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(link)) {
                distinct.add(link);
            }
        }
        return distinct;
    }

    /** What the sorter thread made; it cannot fail but on a bug, which is rethrown as it was. */
    private static <T> T await(FutureTask<T> sorted) {
        try {
            return sorted.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sorting the plan", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void streamUpdates(JsonGenerator json, List<StreamPlan> updates) throws IOException {
        List<StreamPlan> sorted = new ArrayList<>(updates);
        sorted.sort(Comparator.comparing(StreamPlan::repo));
        json.writeArrayFieldStart("streamUpdates");
        for (StreamPlan plan : sorted) {
            json.writeStartObject();
            json.writeStringField("stream", plan.repo());
            JsonFields.strings(json, "removedTags", plan.removedTags());
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

    private static void links(JsonGenerator json, String field, String digestField, List<LinkDeletion> sorted)
            throws IOException {
        json.writeArrayFieldStart(field);
        for (LinkDeletion link : sorted) {
            json.writeStartObject();
            json.writeStringField("repo", link.repo());
            json.writeStringField(digestField, link.digest());
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
