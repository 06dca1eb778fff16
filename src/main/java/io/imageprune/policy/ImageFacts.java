package io.imageprune.policy;

import java.util.Set;

/**
 * What stage 2 needs to know of an image beyond the image itself, each fact closed over manifest lists (a list's fact
 * holds for everything it names, and theirs): an unsafe identity, use by a remaining revision (algorithm §7.1), a pin
 * by a counted referrer (safety rule 1), the protect annotation. A full pass answers from whole-graph sets; a targeted
 * pass asks image by image ({@link ImageFactsOnDemand}), so both decide through the one {@code decideImage}.
 */
interface ImageFacts {
    /** The image's identity, or that of a manifest list naming it, must not reach a URL. */
    boolean unsafe(String image);

    /** A revision of a stream as stage 1 leaves it names the image, or a manifest list so named names it. */
    boolean used(String image);

    /** A counted referrer pins the image by digest, or a pinned manifest list names it (only when pins keep). */
    boolean pinned(String image);

    /** The image, or a manifest list naming it, carries the protect annotation the run applies. */
    boolean protectedImage(String image);

    /** Facts read from sets that already hold the manifest lists' children. */
    static ImageFacts of(Set<String> unsafe, Set<String> used, Set<String> pinned, Set<String> protectedImages) {
        return new ImageFacts() {
            @Override
            public boolean unsafe(String image) {
                return unsafe.contains(image);
            }

            @Override
            public boolean used(String image) {
                return used.contains(image);
            }

            @Override
            public boolean pinned(String image) {
                return pinned.contains(image);
            }

            @Override
            public boolean protectedImage(String image) {
                return protectedImages.contains(image);
            }
        };
    }
}
