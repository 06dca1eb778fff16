package io.imageprune.execute;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeletionCapsTest {
    private static final DeletionCaps CAPS = new DeletionCaps(10, 0.5, 20, 5, 30);

    @Test
    void withinEveryCapNothingIsRefused() {
        assertNull(CAPS.exceeded(new DeletionCounts(10, 20, 5, 30), 100));
    }

    @Test
    void eachKindIsRefusedAloneAndNamed() {
        assertEquals("the run would delete 11 of 100 images, more than imageprune.prune.max-image-deletions=10 or "
                + "imageprune.prune.max-image-deletion-share=0.5", CAPS.exceeded(new DeletionCounts(11, 0, 0, 0), 100));
        assertTrue(CAPS.exceeded(new DeletionCounts(6, 0, 0, 0), 11).contains("6 of 11 images"), "the share");
        assertEquals("the run would delete 21 layer links, more than imageprune.prune.max-layer-link-deletions=20",
                CAPS.exceeded(new DeletionCounts(0, 21, 0, 0), 100));
        assertEquals("the run would delete 6 manifest links, more than "
                + "imageprune.prune.max-manifest-link-deletions=5", CAPS.exceeded(new DeletionCounts(0, 0, 6, 0), 100));
        assertEquals("the run would delete 31 blobs, more than imageprune.prune.max-blob-deletions=30",
                CAPS.exceeded(new DeletionCounts(0, 0, 0, 31), 100));
    }

    @Test
    void everyExceededCapIsNamed() {
        String refusal = CAPS.exceeded(new DeletionCounts(0, 21, 6, 31), 100);
        assertTrue(refusal.contains("max-layer-link-deletions") && refusal.contains("max-manifest-link-deletions")
                && refusal.contains("max-blob-deletions"), refusal);
    }
}
