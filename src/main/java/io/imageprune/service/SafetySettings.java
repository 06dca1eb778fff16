package io.imageprune.service;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.config.InvalidRefsSetting;
import io.imageprune.ingest.ClusterIngest;
import io.imageprune.model.NamespaceScope;
import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
import io.imageprune.registry.RegistryConnections;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to start with a configuration that would weaken a safety setting (a negative age or revision count turns
 * protection off for every run; a cap of 0 or below, or a share above 1, is no cap; a renew deadline not shorter
 * than the lease lets two replicas prune at once), and warns at start about explicit choices that keep less than
 * the safe defaults. It observes the start before every role, so nothing runs with a refused configuration.
 */
@ApplicationScoped
public class SafetySettings {
    private static final Logger LOG = Logger.getLogger(SafetySettings.class);
    static final Duration OC_KEEP_YOUNGER_THAN = Duration.ofMinutes(60);
    static final int OC_KEEP_TAG_REVISIONS = 3;

    /** What the check found: values that stop the start, and accepted values worth a warning. */
    public record Findings(List<String> refusals, List<String> warnings) {
    }

    void onStart(@Observes @Priority(0) StartupEvent event, ImagePruneConfig config) {
        Findings findings = check(config);
        findings.warnings().forEach(warning -> LOG.warn("configuration keeps less than the safe default: " + warning));
        if (!findings.refusals().isEmpty()) {
            String message = "imageprune does not start: the configuration would weaken a safety setting:\n  "
                    + String.join("\n  ", findings.refusals());
            LOG.error(message);
            throw new IllegalStateException(message);
        }
    }

    public static Findings check(ImagePruneConfig config) {
        List<String> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ImagePruneConfig.Plan plan = config.plan();
        ImagePruneConfig.Prune prune = config.prune();

        Duration age = null;
        try {
            age = OptionValues.duration("imageprune.plan.keep-younger-than", plan.keepYoungerThan());
        } catch (InvalidOptionException e) {
            refusals.add(e.getMessage());
        }
        if (age != null && age.isNegative()) {
            refusals.add("imageprune.plan.keep-younger-than=" + plan.keepYoungerThan()
                    + " is negative: age protection would be off for every run (0s or more)");
        } else if (age != null && age.compareTo(OC_KEEP_YOUNGER_THAN) < 0) {
            warnings.add("imageprune.plan.keep-younger-than=" + plan.keepYoungerThan() + " (oc's default: 60m): "
                    + "images younger than that are pruned too");
        }
        if (plan.keepTagRevisions() < 0) {
            refusals.add("imageprune.plan.keep-tag-revisions=" + plan.keepTagRevisions()
                    + " is negative: revision protection would be off for every run (0 or more)");
        } else if (plan.keepTagRevisions() < OC_KEEP_TAG_REVISIONS) {
            warnings.add("imageprune.plan.keep-tag-revisions=" + plan.keepTagRevisions() + " (oc's default: 3)");
        }
        if (!plan.keepPinnedImages()) {
            warnings.add("imageprune.plan.keep-pinned-images=false: an image that a counted referrer names by digest "
                    + "may be deleted (oc's exact result)");
        }
        if (plan.ignoreInvalidRefs()) {
            warnings.add("imageprune.plan.ignore-invalid-refs=true: runs prune around objects with invalid "
                    + "references instead of refusing");
        }
        try {
            io.imageprune.options.InvalidReferenceMode mode = InvalidRefsSetting.of(plan);
            if (mode == io.imageprune.options.InvalidReferenceMode.CONTAIN) {
                if (plan.ocExact()) {
                    refusals.add(InvalidRefsSetting.KEY + "=contain contradicts imageprune.plan.oc-exact=true (oc "
                            + "stops on invalid references); set one of them");
                } else {
                    warnings.add(InvalidRefsSetting.KEY + "=contain: runs prune around invalid references, keeping "
                            + "only what each could name, instead of refusing");
                }
            } else if (mode == io.imageprune.options.InvalidReferenceMode.IGNORE && !plan.ignoreInvalidRefs()) {
                warnings.add(InvalidRefsSetting.KEY + "=ignore: runs prune around objects with invalid references "
                        + "instead of refusing");
            }
        } catch (InvalidOptionException e) {
            refusals.add(e.getMessage());
        }
        if (plan.ocExact()) {
            warnings.add("imageprune.plan.oc-exact=true: oc's exact decisions; images held only by custom resources, "
                    + "ephemeral containers, spec tags, a digest reference or an imageprune.io annotation may be "
                    + "deleted");
        }
        if (config.policy().allowRelaxing()) {
            warnings.add("imageprune.policy.allow-relaxing=true: a namespace or stream annotation may keep fewer "
                    + "revisions than the configured settings");
        }

        atLeastOne(refusals, "imageprune.prune.max-image-deletions", prune.maxImageDeletions(),
                "the cap on a run's image deletions");
        double share = prune.maxImageDeletionShare();
        if (!(share > 0 && share <= 1)) {
            refusals.add("imageprune.prune.max-image-deletion-share=" + share + " is not a share above 0 and at "
                    + "most 1: the cap on the share of images a run deletes would not hold");
        }
        if (prune.maxLag() < 0) {
            refusals.add("imageprune.prune.max-lag=" + prune.maxLag() + " is negative (0 or more records)");
        }
        atLeastOne(refusals, "imageprune.prune.max-layer-link-deletions", prune.maxLayerLinkDeletions(),
                "the cap on a run's layer link deletions");
        atLeastOne(refusals, "imageprune.prune.max-manifest-link-deletions", prune.maxManifestLinkDeletions(),
                "the cap on a run's manifest link deletions");
        atLeastOne(refusals, "imageprune.prune.max-blob-deletions", prune.maxBlobDeletions(),
                "the cap on a run's blob deletions");
        positive(refusals, "imageprune.prune.deletion-window", prune.deletionWindow());
        atLeastOne(refusals, "imageprune.prune.max-image-deletions-per-window", prune.maxImageDeletionsPerWindow(),
                "image deletions per window");
        atLeastOne(refusals, "imageprune.prune.max-layer-link-deletions-per-window",
                prune.maxLayerLinkDeletionsPerWindow(), "layer link deletions per window");
        atLeastOne(refusals, "imageprune.prune.max-manifest-link-deletions-per-window",
                prune.maxManifestLinkDeletionsPerWindow(), "manifest link deletions per window");
        atLeastOne(refusals, "imageprune.prune.max-blob-deletions-per-window", prune.maxBlobDeletionsPerWindow(),
                "blob deletions per window");
        atLeastOne(refusals, "imageprune.prune.num-workers", prune.numWorkers(), "requests in flight at once");
        atLeastOne(refusals, "imageprune.prune.max-attempts", prune.maxAttempts(), "attempts of a registry call");
        atLeastOne(refusals, "imageprune.prune.history", prune.history(), "runs kept for GET /api/v1/runs");
        notNegative(refusals, "imageprune.prune.debounce", prune.debounce());
        notNegative(refusals, "imageprune.prune.reclaimable-interval", prune.reclaimableInterval());
        positive(refusals, "imageprune.prune.initial-backoff", prune.initialBackoff());
        positive(refusals, "imageprune.prune.max-backoff", prune.maxBackoff());
        positive(refusals, "imageprune.registry.timeout", config.registry().timeout());
        positive(refusals, "imageprune.registry.connect-timeout", config.registry().connectTimeout());
        positive(refusals, "imageprune.state.poll-timeout", config.state().pollTimeout());
        try {
            // a name that is not a namespace would be watched as nothing while markers claim it
            NamespaceScope.of(ClusterIngest.WATCHED_NAMESPACES, config.ingest().namespaces().orElse(List.of()));
        } catch (InvalidOptionException e) {
            refusals.add(e.getMessage());
        }

        ImagePruneConfig.Leader leader = config.leader();
        positive(refusals, "imageprune.leader.lease-duration", leader.leaseDuration());
        positive(refusals, "imageprune.leader.renew-deadline", leader.renewDeadline());
        positive(refusals, "imageprune.leader.retry-period", leader.retryPeriod());
        if (leader.enabled() && leader.renewDeadline().compareTo(leader.leaseDuration()) >= 0) {
            refusals.add("imageprune.leader.renew-deadline=" + leader.renewDeadline() + " is not shorter than "
                    + "imageprune.leader.lease-duration=" + leader.leaseDuration() + ": a standby could take over "
                    + "while the old leader still prunes");
        }

        if (config.api().runs().enabled() && !config.api().runs().authenticate()) {
            warnings.add("imageprune.api.runs.authenticate=false: anyone who reaches the port can start a run");
        }
        if (config.registry().forceInsecure()) {
            warnings.add("imageprune.registry.force-insecure=true: registry requests go over plain HTTP or "
                    + "unverified TLS");
        }
        refusals.addAll(RegistryConnections.configurationProblems(config.registry()));
        if (prune.confirm() && !config.audit().enabled()) {
            refusals.add("imageprune.audit.enabled=false with imageprune.prune.confirm=true: no deletion is sent "
                    + "without its acknowledged audit record, and runs could not be recovered after a crash");
        }
        return new Findings(List.copyOf(refusals), List.copyOf(warnings));
    }

    private static void atLeastOne(List<String> refusals, String key, long value, String what) {
        if (value <= 0) {
            refusals.add(key + "=" + value + " is not a positive number of " + what + " (1 or more)");
        }
    }

    private static void positive(List<String> refusals, String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            refusals.add(key + "=" + value + " is not a positive duration");
        }
    }

    private static void notNegative(List<String> refusals, String key, Duration value) {
        if (value.isNegative()) {
            refusals.add(key + "=" + value + " is negative");
        }
    }
}
