package io.imageprune.graph;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;

import java.util.List;
import java.util.function.Function;

/**
 * Reference counts inside one repository ({@code <namespace>/<stream>}), over every revision of the stream whose image
 * is known (algorithm §6.2): how many revisions hold each manifest and each blob. Stage 1 deletes a repository link
 * when its count reaches zero.
 */
public final class RepositoryCounts {
    private final Counts manifests = new Counts();
    private final Counts blobs = new Counts();
    private int unreadableRevisions;

    /**
     * algorithm §6.2: the counts of one stream copy (e.g. the copy just read from the API), images looked up as given.
     */
    public static RepositoryCounts of(ImageStream stream, Function<String, Image> images) {
        RepositoryCounts counts = new RepositoryCounts();
        for (Tag tag : stream.tags()) {
            for (TagEvent item : tag.items()) {
                Image image = images.apply(item.image());
                if (image == null) {
                    continue;
                }
                List<String> blobs = image.blobs();
                if (blobs == null) {
                    counts.addUnreadable(1);
                    continue;
                }
                counts.addManifest(image.name(), 1);
                for (String blob : blobs) {
                    counts.addBlob(blob, 1);
                }
            }
        }
        return counts;
    }

    public int manifest(String digest) {
        return manifests.get(digest);
    }

    public int blob(String digest) {
        return blobs.get(digest);
    }

    /** Revisions whose image has no readable blob list; while there are any, stage 1 leaves the stream alone. */
    public int unreadableRevisions() {
        return unreadableRevisions;
    }

    void addManifest(String digest, int delta) {
        manifests.add(digest, delta);
    }

    void addBlob(String digest, int delta) {
        blobs.add(digest, delta);
    }

    void addUnreadable(int delta) {
        unreadableRevisions += delta;
    }

    boolean isEmpty() {
        return manifests.size() == 0 && blobs.size() == 0 && unreadableRevisions == 0;
    }
}
