package io.imageprune.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.openshift.api.model.ImageStream;
import io.fabric8.openshift.api.model.NamedTagEventList;
import io.fabric8.openshift.api.model.TagEvent;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.execute.NotFoundException;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.ingest.ApiObjects;
import io.imageprune.policy.RemovedRevision;
import io.imageprune.reference.Identities;
import io.imageprune.policy.StreamPlan;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API calls of a confirmed run (algorithm §6.2, §6.4, §7, §10.1), blocking: read a stream, write its status with
 * the revisions a plan removes, delete an image with grace period 0. Callers run these on worker threads.
 */
@ApplicationScoped
public class ClusterWrites {
    private static final int CONFLICT = 409;
    private static final int NOT_FOUND = 404;

    private final OpenShiftClient client;
    private final ApiObjects apiObjects;

    public ClusterWrites(OpenShiftClient client) {
        this.client = client;
        this.apiObjects = new ApiObjects(client.getKubernetesSerialization());
    }

    /** A stream as the API has it now, with its model view; null when it no longer exists. */
    public record FreshStream(ImageStream api, io.imageprune.model.ImageStream model) {
    }

    /** @throws io.imageprune.reference.Identities.UnsafeIdentityException without a request, for an unsafe name */
    public FreshStream readStream(String repo) {
        int slash = repo.indexOf('/');
        Identities.requireStream(repo.substring(0, slash), repo.substring(slash + 1));
        ImageStream stream = client.imageStreams().inNamespace(repo.substring(0, slash))
                .withName(repo.substring(slash + 1)).get();
        return stream == null ? null
                : new FreshStream(stream, (io.imageprune.model.ImageStream) apiObjects.toModel(stream));
    }

    /**
     * Writes {@code status} of the stream read as {@code fresh} without the plan's revisions; the plan must have been
     * made on that copy (its revision indexes point into it). Tags left empty disappear, as in oc.
     */
    public void writeStatus(FreshStream fresh, StreamPlan plan) throws StreamConflictException, NotFoundException {
        ImageStream stream = fresh.api();
        Identities.requireStream(stream.getMetadata().getNamespace(), stream.getMetadata().getName());
        Map<String, Set<Integer>> removed = new HashMap<>();
        for (RemovedRevision revision : plan.removedRevisions()) {
            removed.computeIfAbsent(revision.tag(), k -> new HashSet<>()).add(revision.index());
        }
        List<NamedTagEventList> tags = new ArrayList<>();
        for (NamedTagEventList tag : stream.getStatus().getTags()) {
            Set<Integer> gone = removed.getOrDefault(tag.getTag(), Set.of());
            List<TagEvent> kept = new ArrayList<>();
            for (int i = 0; i < tag.getItems().size(); i++) {
                if (!gone.contains(i)) {
                    kept.add(tag.getItems().get(i));
                }
            }
            if (!kept.isEmpty()) {
                tag.setItems(kept);
                tags.add(tag);
            }
        }
        stream.getStatus().setTags(tags);
        try {
            client.imageStreams().inNamespace(stream.getMetadata().getNamespace()).resource(stream).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() == CONFLICT) {
                throw new StreamConflictException(e.getMessage());
            }
            if (e.getCode() == NOT_FOUND) {
                throw new NotFoundException(plan.repo());
            }
            throw e;
        }
    }

    /**
     * The text oc records for a failed API call: the API's own status message (e.g. "Operation cannot be fulfilled
     * on imagestreams…"), not the client's wrapper around it.
     */
    public static String failureText(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return PruneExecutor.message(e);
    }

    /**
     * @return false when the image was already gone
     * @throws io.imageprune.reference.Identities.UnsafeIdentityException without a request, for an unsafe name
     */
    public boolean deleteImage(String name) {
        Identities.requireDigest("image name", name);
        return !client.images().withName(name).withGracePeriod(0).delete().isEmpty();
    }
}
