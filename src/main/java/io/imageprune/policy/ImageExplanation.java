package io.imageprune.policy;

import io.imageprune.model.ReferrerKind;

import java.time.Instant;
import java.util.List;

/**
 * Why one image is kept or prunable under one run's options, in the planner's own terms (see {@link Explainer}).
 *
 * @param image              the image name (its manifest digest)
 * @param verdict            what a dry run with these options does to the image
 * @param rule               the stage-2 rule that decided, or null when stage 2 does not decide (see {@code stage2})
 * @param reason             the rule's description, or why stage 2 does not decide
 * @param stage2             whether stage 2 decided the image, and if not, why
 * @param created            the image's creation time (null for an unknown image)
 * @param managed            annotated {@code openshift.io/image.managed=true}
 * @param referrers          every part of a referrer that names the image, by kind, namespace, name, field
 * @param revisions          every stream revision naming the image, by repository, tag, index
 * @param manifestLists      the manifest lists / OCI indexes naming the image as a child, by name
 * @param sharedBlobs        each distinct blob of the image (layers, then the config) with its other holders
 * @param imagesSharingBlobs other images holding at least one of the image's blobs
 * @param bytes              layer bytes held by no other image: what pruning this image frees in the registry
 * @param beyondOc           every holder and rule beyond oc that keeps the image or one of its revisions in this run
 *                           ("pinned by Rollout shop/web", "protected by annotation on namespace shop"), plus the
 *                           admin annotations the run reports instead of applying
 */
public record ImageExplanation(String image, Verdict verdict, Rule rule, String reason, Stage2 stage2,
                               Instant created, boolean managed, List<ReferrerUse> referrers,
                               List<Revision> revisions, List<ManifestList> manifestLists,
                               List<BlobShare> sharedBlobs, int imagesSharingBlobs, long bytes,
                               List<String> beyondOc) {

    public ImageExplanation {
        beyondOc = List.copyOf(beyondOc);
        referrers = List.copyOf(referrers);
        revisions = List.copyOf(revisions);
        manifestLists = List.copyOf(manifestLists);
        sharedBlobs = List.copyOf(sharedBlobs);
    }

    public enum Verdict { PRUNABLE, KEPT, UNKNOWN_IMAGE }

    /** The outcomes of stage 2 for the image; every value but DECIDED keeps it. */
    public enum Stage2 {
        DECIDED,
        /**
         * oc deletes no image in a namespaced run (algorithm §9), nor does a run on a graph of some namespaces only.
         */
        NAMESPACED,
        /** Some image has unreadable metadata, so stage 2 deletes nothing. */
        ABORTED,
        /** A counted referrer has an invalid reference and they are not ignored: nothing is pruned. */
        REFUSED,
        /** The graph holds no such image. */
        UNKNOWN
    }

    /** How a referrer's reference protects the image. */
    public enum How {
        /** Names the digest (safety rule 1, when keep-pinned-images is on). */
        PINS_DIGEST,
        /** Names a tag whose current revision is the image (stage 1 rule TAG_IN_USE). */
        USES_TAG,
        /** Names the image in a stream by digest (stage 1 rule IMAGE_IN_USE). */
        USES_IMAGE_IN_STREAM
    }

    /**
     * @param target the tag ({@code ns/stream:tag}) or the stream ({@code ns/stream}); null for a pinned digest
     */
    public record Protection(How how, String target) {
    }

    /**
     * @param field     {@code container <name>}, {@code init container <name>} or {@code spec.strategy.from <Kind>}
     * @param reference the image string as written
     * @param counts    whether the run reads this referrer at all (age and phase of pods, the run's namespace)
     */
    public record ReferrerUse(ReferrerKind kind, String namespace, String name, String field, String reference,
                              boolean counts, List<Protection> protections) {
        public ReferrerUse {
            protections = List.copyOf(protections);
        }
    }

    /**
     * @param rule    the stage-1 rule for this revision, or null when the stream is outside the run's namespace
     * @param removed whether the run removes the revision (never when it refuses)
     */
    public record Revision(String repository, String tag, int index, Instant created, Rule rule, boolean removed) {
    }

    /**
     * @param rule the list's own stage-2 rule, or null when stage 2 does not decide
     * @param kept whether the list survives the run (a kept list keeps its children in use)
     */
    public record ManifestList(String name, Rule rule, boolean kept) {
    }

    /**
     * @param kind        {@code layer} or {@code config}
     * @param size        the layer size in bytes (0 for the config and unknown sizes)
     * @param otherImages how many other images hold the blob
     */
    public record BlobShare(String digest, String kind, long size, int otherImages) {
    }
}
