package io.imageprune.ingest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TombstoneChoiceTest {
    /**
     * The chaos soak's finding: a pod created by a watch event between the listing and the reading of the topic was on
     * the topic but not in the listing, and was tombstoned — the graph lost a live holder.
     */
    @Test
    void anObjectAWatchAddedAfterTheListingIsNotTombstoned() {
        Set<String> unlisted = Set.of("Pod/shop/created-after-listing", "Pod/shop/deleted-meanwhile");
        Set<String> storesNow = Set.of("Pod/shop/created-after-listing", "Pod/shop/other");
        List<String> tombstoned = new ArrayList<>();

        int count = TombstoneChoice.publishAbsent(unlisted, storesNow, tombstoned::add);

        assertEquals(List.of("Pod/shop/deleted-meanwhile"), tombstoned);
        assertEquals(1, count);
    }

    @Test
    void everyUnlistedKeyNoStoreHoldsIsTombstoned() {
        List<String> tombstoned = new ArrayList<>();
        int count = TombstoneChoice.publishAbsent(Set.of("Image//sha256:a", "Pod/ns/p"), Set.of(), tombstoned::add);
        assertEquals(Set.of("Image//sha256:a", "Pod/ns/p"), Set.copyOf(tombstoned));
        assertEquals(2, count);
    }
}
