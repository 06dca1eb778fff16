package io.imageprune.execute;

import io.imageprune.policy.StreamPlan;

/**
 * Writes to the cluster API. Both methods throw {@link NotFoundException} when the object is gone, and any other
 * exception for a failure whose message is recorded.
 */
public interface ClusterWriter {
    /** Re-reads the stream, removes the plan's revisions from the fresh copy and writes its status. */
    void updateStreamStatus(StreamPlan plan) throws Exception;

    /** Deletes the Image object with grace period 0. */
    void deleteImage(String name) throws Exception;
}
