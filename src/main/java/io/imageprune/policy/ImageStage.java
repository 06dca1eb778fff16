package io.imageprune.policy;

import java.util.List;

/**
 * The result of planning stage 2.
 *
 * @param plans    images to delete, in name order
 * @param skipped  stage 2 does not run (namespaced run)
 * @param failure  the failure that stops stage 2 before any deletion (unreadable image metadata), or null
 */
public record ImageStage(List<ImagePlan> plans, boolean skipped, String failure) {
    static ImageStage of(List<ImagePlan> plans) {
        return new ImageStage(List.copyOf(plans), false, null);
    }

    static ImageStage skippedStage() {
        return new ImageStage(List.of(), true, null);
    }

    static ImageStage aborted(String failure) {
        return new ImageStage(List.of(), false, failure);
    }
}
