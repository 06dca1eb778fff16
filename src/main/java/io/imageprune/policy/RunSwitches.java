package io.imageprune.policy;

/**
 * The switches of issue 12 a run may give on top of the extensions it otherwise applies (a {@code plan} command line,
 * a REST plan query): {@code oc-exact} and {@code prune-orphan-signatures}, null when not given. One rule for every
 * path: {@code oc-exact=true} turns every extension off, orphan-signature cleanup included, whatever else is given.
 */
public record RunSwitches(Boolean ocExact, Boolean pruneOrphanSignatures) {
    public static final RunSwitches NONE = new RunSwitches(null, null);

    /**
     * @param options           the run's options with the extensions otherwise applied
     * @param configuredOcExact the service is configured with {@code imageprune.plan.oc-exact=true}: it reads none of
     *                          the holders beyond oc, so a run cannot ask for them back
     * @throws PlanFlags.InvalidFlagsException {@code oc-exact=false} against a service configured oc-exact
     */
    public PruneOptions apply(PruneOptions options, boolean configuredOcExact) {
        if (Boolean.FALSE.equals(ocExact) && configuredOcExact) {
            throw new PlanFlags.InvalidFlagsException("oc-exact", "oc-exact=false cannot apply the extensions beyond "
                    + "oc: the service is configured with imageprune.plan.oc-exact=true and reads none of their "
                    + "holders");
        }
        if (Boolean.TRUE.equals(ocExact) || configuredOcExact) {
            return options.ocExact();
        }
        return pruneOrphanSignatures == null ? options
                : options.withExtensions(options.extensions().withOrphanSignatures(pruneOrphanSignatures));
    }
}
