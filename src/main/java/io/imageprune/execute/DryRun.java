package io.imageprune.execute;

import io.imageprune.policy.StreamPlan;

/** Deleters that change nothing and always succeed: what a run without --confirm does (algorithm §10). */
public final class DryRun implements RegistryDeleter, ClusterWriter {
    @Override
    public void deleteLayerLink(String repo, String blob) {
    }

    @Override
    public void deleteManifestLink(String repo, String manifest) {
    }

    @Override
    public void deleteBlob(String digest) {
    }

    @Override
    public void updateStreamStatus(StreamPlan plan) {
    }

    @Override
    public void deleteImage(String name) {
    }
}
