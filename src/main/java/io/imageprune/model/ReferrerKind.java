package io.imageprune.model;

/**
 * The kinds of objects whose image references protect stream revisions. The declaration order is the order in which
 * oc collects invalid-reference errors (algorithm §4.4), so it decides the text of the aggregate error.
 */
public enum ReferrerKind {
    POD("Pod", "pod"),
    REPLICATION_CONTROLLER("ReplicationController", "replicationcontroller"),
    DEPLOYMENT_CONFIG("DeploymentConfig", "deploymentconfig"),
    REPLICA_SET("ReplicaSet", "replicaset"),
    DEPLOYMENT("Deployment", "deployment"),
    DAEMON_SET("DaemonSet", "daemonset"),
    BUILD("Build", "build"),
    BUILD_CONFIG("BuildConfig", "buildconfig"),
    STATEFUL_SET("StatefulSet", "statefulset"),
    JOB("Job", "job"),
    CRON_JOB("CronJob", "cronjob");

    private final String kind;
    private final String resource;

    ReferrerKind(String kind, String resource) {
        this.kind = kind;
        this.resource = resource;
    }

    /** The API kind, e.g. {@code ReplicaSet}. */
    public String kind() {
        return kind;
    }

    /** The lower-case resource word used in error messages, e.g. {@code replicaset}. */
    public String resource() {
        return resource;
    }

    public boolean isBuild() {
        return this == BUILD || this == BUILD_CONFIG;
    }

    public static ReferrerKind ofKind(String kind) {
        for (ReferrerKind k : values()) {
            if (k.kind.equals(kind)) {
                return k;
            }
        }
        return null;
    }
}
