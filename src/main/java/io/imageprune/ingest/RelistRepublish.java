package io.imageprune.ingest;

import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What a listing (the first and every relist) publishes from the informers' stores before its marker: each object as
 * its store holds it at the moment of its publish, under the lock every watch publish takes — not the copy in the
 * snapshot the listing iterates. The snapshot goes stale while it is published: an object a watch event deleted
 * meanwhile has its tombstone on the topic already (or queued behind the lock), and publishing the snapshot's copy
 * after it brought the object back into the graph for good (a listing tombstones only what it did not see). The chaos
 * soak found it as a Pod left in the graph after quiescence. An informer removes an object from its store before it
 * tells its handler, so an object the store still holds here has its tombstone published after this.
 */
final class RelistRepublish {
    private RelistRepublish() {
    }

    /**
     * @param snapshot  the store's objects as the relist listed them
     * @param storeNow  the store's current version of an object (by its key), or null once it is gone
     * @param eventLock the lock every watch event's publish holds
     * @param publish   publishes one object
     * @return how many objects were republished
     */
    static <T> int republish(Collection<T> snapshot, UnaryOperator<T> storeNow, Object eventLock, Consumer<T> publish) {
        int published = 0;
        for (T listed : snapshot) {
            synchronized (eventLock) {
                T current = storeNow.apply(listed);
                if (current != null) {
                    publish.accept(current);
                    published++;
                }
            }
        }
        return published;
    }
}
