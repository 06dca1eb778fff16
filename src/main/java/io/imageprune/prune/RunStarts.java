package io.imageprune.prune;

import io.imageprune.audit.RunStart;
import io.imageprune.config.ImagePruneConfig;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.StreamPlan;
import io.imageprune.policy.StreamStage;

import java.util.HashMap;
import java.util.Map;

/** The opening audit event of a run: the options it plans with and what stage 1 plans. */
final class RunStarts {
    private RunStarts() {
    }

    static RunStart of(PruneRun run, StreamStage streams, ImagePruneConfig config) {
        PruneOptions options = run.options;
        Map<String, String> settings = new HashMap<>();
        settings.put("threshold", options.threshold().toString());
        settings.put("keepTagRevisions", Integer.toString(options.keepTagRevisions()));
        settings.put("pruneOverSizeLimit", Boolean.toString(options.pruneOverSizeLimit()));
        settings.put("allImages", Boolean.toString(options.allImages()));
        settings.put("pruneRegistry", Boolean.toString(options.pruneRegistry()));
        settings.put("namespace", options.namespace());
        settings.put("graphScope", options.graphScope().describe());
        settings.put("ignoreInvalidRefs", Boolean.toString(options.ignoreInvalidRefs()));
        settings.put("invalidRefs", options.invalidRefs().value());
        settings.put("keepPinnedImages", Boolean.toString(options.keepPinnedImages()));
        settings.put("registryFlavour", config.registry().flavour().name());
        settings.put("numWorkers", Integer.toString(config.prune().numWorkers()));
        settings.put("maxImageDeletions", Integer.toString(config.prune().maxImageDeletions()));
        settings.put("maxImageDeletionShare", Double.toString(config.prune().maxImageDeletionShare()));
        int revisions = 0;
        int layerLinks = 0;
        int manifestLinks = 0;
        for (StreamPlan plan : streams.plans()) {
            revisions += plan.removedRevisions().size();
            layerLinks += plan.layerLinkDeletions().size();
            manifestLinks += plan.manifestLinkDeletions().size();
        }
        Map<String, Integer> planned = new HashMap<>();
        planned.put("streams", streams.plans().size());
        planned.put("revisions", revisions);
        // links only go when the registry is pruned; images are planned after stage 1 wrote the streams
        planned.put("layerLinks", options.pruneRegistry() ? layerLinks : 0);
        planned.put("manifestLinks", options.pruneRegistry() ? manifestLinks : 0);
        return new RunStart(run.id, run.trigger.label(), run.dryRun, run.targets.describe(), run.startedAt, settings,
                planned);
    }
}
