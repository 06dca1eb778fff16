package io.imageprune.service;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.openshift.api.model.Build;
import io.fabric8.openshift.api.model.BuildConfig;
import io.fabric8.openshift.api.model.DeploymentConfig;
import io.fabric8.openshift.api.model.Image;
import io.fabric8.openshift.api.model.ImageStream;
import io.imageprune.execute.PruneStats;
import io.imageprune.prune.PrunerStatus;
import io.imageprune.prune.RunReport;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one list of types that Jackson binds by reflection (data binding, not the streaming generators used for the
 * plan document, the projections and the audit events). A native executable only sees what is registered here;
 * in JVM mode everything works regardless, so a forgotten entry only shows up in the native binary.
 * <p>
 * Add a type here when a REST resource returns it (directly or inside a {@code Response}), or when an
 * {@code ObjectMapper} reads or writes it. Types of the pure-Java core ({@code model}, {@code reference},
 * {@code graph}, {@code policy}, {@code execute}) must be listed here rather than annotated, as the core does not
 * depend on Quarkus. {@code scripts/native-gate.sh} reads these targets from the compiled class and fails when one
 * is missing from the generated reflection configuration.
 */
@RegisterForReflection(targets = {
        // GET/POST /api/v1/runs: handed to Response.ok()/accepted(), which Quarkus REST cannot see through
        RunReport.class,
        PruneStats.class,
        // GET /api/v1/status: inside the status map
        PrunerStatus.Condition.class,
})
public final class NativeReflection {
    private NativeReflection() {
    }

    /**
     * The API kinds {@code ingest.ApiObjects} writes with fabric8's ObjectMapper before projecting them. The
     * kubernetes-client extension registers the whole fabric8 model today; listing them keeps the gate checking
     * that, and the full hierarchy keeps nested specs registered should the extension ever narrow its scope.
     */
    @RegisterForReflection(registerFullHierarchy = true, targets = {
            Image.class, ImageStream.class, Pod.class, ReplicationController.class, DeploymentConfig.class,
            ReplicaSet.class, Deployment.class, DaemonSet.class, StatefulSet.class, Job.class, CronJob.class,
            Build.class, BuildConfig.class, LimitRange.class,
    })
    static final class KubernetesKinds {
        private KubernetesKinds() {
        }
    }
}
