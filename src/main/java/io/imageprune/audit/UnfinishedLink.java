package io.imageprune.audit;

import io.imageprune.execute.ActionKind;

import java.util.List;

/**
 * A repository link an interrupted run planned to delete after writing its stream's status, whose DELETE has no
 * DONE, ALREADY_GONE or SAVED outcome on the audit topic (from that run or any later one): the job is not finished.
 *
 * @param kind           {@link ActionKind#LAYER_LINK} or {@link ActionKind#MANIFEST_LINK}
 * @param releasedImages the images of the revisions that run's write removed from the stream
 */
public record UnfinishedLink(String runId, ActionKind kind, String repository, String digest,
                             List<String> releasedImages) {
    public UnfinishedLink {
        releasedImages = List.copyOf(releasedImages);
    }

    /** The intent its DELETE is sent under (the same as any link's). */
    public Intent intent() {
        return kind == ActionKind.LAYER_LINK ? Intent.layerLink(repository, digest)
                : Intent.manifestLink(repository, digest);
    }
}
