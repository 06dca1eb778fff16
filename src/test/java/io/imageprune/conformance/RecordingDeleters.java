package io.imageprune.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.imageprune.execute.ClusterWriter;
import io.imageprune.execute.RegistryDeleter;
import io.imageprune.policy.StreamPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * Deleters that record every call and fail as a conformance vector's {@code faults} say, like the fake deleters of
 * oc's unit tests.
 */
final class RecordingDeleters implements RegistryDeleter, ClusterWriter {
    final List<String> calls = new ArrayList<>();
    private final JsonNode faults;

    RecordingDeleters(JsonNode faults) {
        this.faults = faults;
    }

    @Override
    public void deleteLayerLink(String repo, String blob) throws Exception {
        calls.add("layerlink " + repo + " " + blob);
        fail("layerLinkDeleterError");
    }

    @Override
    public void deleteManifestLink(String repo, String manifest) throws Exception {
        calls.add("manifestlink " + repo + " " + manifest);
        fail("manifestDeleterError");
    }

    @Override
    public void deleteBlob(String digest) throws Exception {
        calls.add("blob " + digest);
        JsonNode blobErrors = faults.path("blobDeleterErrors");
        JsonNode error = blobErrors.has(digest) ? blobErrors.get(digest) : blobErrors.get("*");
        if (error != null) {
            throw new Exception(error.asText());
        }
    }

    @Override
    public void updateStreamStatus(StreamPlan plan) throws Exception {
        calls.add("stream " + plan.repo());
        fail("imageStreamDeleterError");
    }

    @Override
    public void deleteImage(String name) throws Exception {
        calls.add("image " + name);
        fail("imageDeleterError");
    }

    private void fail(String fault) throws Exception {
        if (faults.hasNonNull(fault)) {
            throw new Exception(faults.get(fault).asText());
        }
    }
}
