package io.imageprune.prune;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.DeletionBudget;
import io.imageprune.execute.DeletionCaps;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The caps on what runs delete, from {@code imageprune.prune.*}: per run (refuse) and per rolling window over every
 * pass of this replica (defer). The window's budget is one instance, shared by all runs, so that targeted passes in
 * a row are counted together; it can be restored from past deletions at start.
 */
@Singleton
public class DeletionLimits {
    @Produces
    @Singleton
    DeletionCaps caps(ImagePruneConfig config) {
        ImagePruneConfig.Prune prune = config.prune();
        return new DeletionCaps(prune.maxImageDeletions(), prune.maxImageDeletionShare(),
                prune.maxLayerLinkDeletions(), prune.maxManifestLinkDeletions(), prune.maxBlobDeletions());
    }

    @Produces
    @Singleton
    DeletionBudget budget(ImagePruneConfig config) {
        ImagePruneConfig.Prune prune = config.prune();
        return new DeletionBudget(prune.deletionWindow(), Map.of(
                ActionKind.IMAGE, prune.maxImageDeletionsPerWindow(),
                ActionKind.LAYER_LINK, prune.maxLayerLinkDeletionsPerWindow(),
                ActionKind.MANIFEST_LINK, prune.maxManifestLinkDeletionsPerWindow(),
                ActionKind.BLOB, prune.maxBlobDeletionsPerWindow()));
    }
}
