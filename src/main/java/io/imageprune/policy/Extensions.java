package io.imageprune.policy;

import io.imageprune.graph.ExtensionHolders.Source;

/**
 * Which of imageprune's extensions beyond oc a run applies (issue 12). Each only ever keeps more than oc; {@link #NONE}
 * is {@code --oc-exact}: oc's exact decisions. The pinned-image rule (safety rule 1) has its own switch in
 * {@link PruneOptions#keepPinnedImages()}; {@code --oc-exact} turns it off too. Which custom resource kinds are read
 * at all is decided where they are loaded (the referrers configuration), not here.
 *
 * @param customResources     custom resources (Knative, Argo Rollouts, Tekton, KubeVirt, ...) hold what they name
 * @param ephemeralContainers pods' ephemeral containers hold what they name, as the pod's containers do
 * @param specTags            ImageStream spec.tags[].from holds the tag or image it names
 * @param annotations         {@code imageprune.io/protect} and the per-scope policy annotations apply
 * @param allowRelaxing       a per-scope policy annotation may also keep less than the cluster setting
 * @param orphanSignatures    opt-in, the one extension that removes more: signature tags of absent or deleted images
 *                            go with their subject ({@link OrphanSignatures})
 */
public record Extensions(boolean customResources, boolean ephemeralContainers, boolean specTags,
                         boolean annotations, boolean allowRelaxing, boolean orphanSignatures) {
    /** oc's exact decisions. */
    public static final Extensions NONE = new Extensions(false, false, false, false, false);

    /** The extensions that keep more, without the orphan-signature cleanup. */
    public Extensions(boolean customResources, boolean ephemeralContainers, boolean specTags, boolean annotations,
                      boolean allowRelaxing) {
        this(customResources, ephemeralContainers, specTags, annotations, allowRelaxing, false);
    }

    /** These extensions with the orphan-signature cleanup on or off. */
    public Extensions withOrphanSignatures(boolean on) {
        return new Extensions(customResources, ephemeralContainers, specTags, annotations, allowRelaxing, on);
    }
    /** Every extension, keeping more only. */
    public static final Extensions ALL = new Extensions(true, true, true, true, false);

    public boolean reads(Source source) {
        return switch (source) {
            case CUSTOM_RESOURCE -> customResources;
            case EPHEMERAL_CONTAINERS -> ephemeralContainers;
            case SPEC_TAGS -> specTags;
        };
    }

    public boolean any() {
        return customResources || ephemeralContainers || specTags || annotations;
    }
}
