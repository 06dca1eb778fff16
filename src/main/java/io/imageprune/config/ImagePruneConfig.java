package io.imageprune.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code imageprune.*} setting; each can be overridden by an environment variable (IMAGEPRUNE_…). */
@ConfigMapping(prefix = "imageprune")
public interface ImagePruneConfig {
    Ingest ingest();

    State state();

    Kafka kafka();

    Plan plan();

    Registry registry();

    Prune prune();

    Audit audit();

    Leader leader();

    ImagePruner imagePruner();

    Api api();

    interface Ingest {
        /** Watch the cluster and publish its objects to the state topic. */
        @WithDefault("true")
        boolean enabled();

        /** Namespaces to watch; empty: all namespaces. Images are cluster-scoped and always watched. */
        Optional<List<String>> namespaces();

        /** Names this ingest in its sync markers. */
        @WithDefault("imageprune")
        String id();
    }

    interface State {
        /** Consume the state topic into the live reference graph. */
        @WithDefault("true")
        boolean enabled();

        /** How long one poll of the state topic waits for records. */
        @WithDefault("200ms")
        Duration pollTimeout();
    }

    interface Kafka {
        Topic topic();

        Signing signing();

        /** How long the start-up check waits for the cluster; credentials or TLS refused fail the start at once. */
        @WithDefault("15s")
        Duration startupCheckTimeout();

        /** HMAC-SHA256 of every state record (header imageprune.signature); see RecordSignature. */
        interface Signing {
            /**
             * Base64 keys of at least 32 bytes, from a Secret: the first signs what the ingest and publish write,
             * every one verifies (rotation: new key first, old key second, until every record is re-signed). Set:
             * the state side rejects unsigned and badly signed records; empty: nothing is signed or checked.
             */
            Optional<List<String>> keys();
        }

        interface Topic {
            @WithDefault("imageprune.cluster-state")
            String state();

            @WithDefault("imageprune.cluster-state.dlq")
            String dlq();

            /** The audit topic: one CloudEvent per action of a run, and one summary per run. */
            @WithDefault("imageprune.deletions")
            String deletions();

            @WithDefault("3")
            int partitions();

            @WithDefault("1")
            short replicationFactor();
        }
    }

    /** Defaults of GET /api/v1/plan; query parameters override them per request. */
    interface Plan {
        @WithDefault("3")
        int keepTagRevisions();

        @WithDefault("60m")
        String keepYoungerThan();

        @WithDefault("true")
        boolean all();

        @WithDefault("true")
        boolean pruneRegistry();

        @WithDefault("false")
        boolean ignoreInvalidRefs();

        @WithDefault("true")
        boolean keepPinnedImages();
    }

    /** The image registry that runs delete from (spec §3); only used by confirmed runs with prune-registry on. */
    interface Registry {
        /** oc's --registry-url; empty: discovered from the newest managed image or the streams. */
        Optional<String> url();

        /** {@code openshift} has /admin/blobs; {@code distribution} (plain CNCF registry) leaves blobs to its GC. */
        @WithDefault("openshift")
        RegistryFlavour flavour();

        /** oc's --force-insecure: plain HTTP or unverified TLS. */
        @WithDefault("false")
        boolean forceInsecure();

        /** oc's --certificate-authority: a PEM bundle trusted for the registry's TLS certificate. */
        Optional<String> caBundle();

        /** Bearer token sent as the basic-auth password, as oc does; a missing file means no authentication. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        String tokenFile();

        /** Per-request timeout of a registry call. */
        @WithDefault("10s")
        Duration timeout();

        @WithDefault("5s")
        Duration connectTimeout();
    }

    enum RegistryFlavour { OPENSHIFT, DISTRIBUTION }

    /** Prune runs: when they happen, how they are bounded, and when they are refused. */
    interface Prune {
        /** oc's --confirm: false means every run is a dry run that changes nothing. */
        @WithDefault("false")
        boolean confirm();

        /** Cron expression (quarkus-scheduler, 6 fields) of full runs; {@code off} disables them. */
        @WithDefault("off")
        String schedule();

        /** Run targeted passes when objects become eligible (event-driven pruning). */
        @WithDefault("true")
        boolean eventDriven();

        /** Quiet time after an object becomes eligible before the targeted pass starts, to batch bursts. */
        @WithDefault("500ms")
        Duration debounce();

        /** oc's --num-workers: streams (stage 1) or images (stage 2) in flight at once. */
        @WithDefault("5")
        int numWorkers();

        /** Attempts of a registry call that failed with a 5xx answer, a timeout or a transport error. */
        @WithDefault("4")
        int maxAttempts();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();

        /** Safety rule 3: no run while the state consumer is more than this many records behind. */
        @WithDefault("1000")
        long maxLag();

        /** A run that would delete more images than this is refused. */
        @WithDefault("10000")
        int maxImageDeletions();

        /** A run that would delete more than this share of all images is refused (0..1). */
        @WithDefault("0.5")
        double maxImageDeletionShare();

        /** Runs kept for GET /api/v1/runs/{id}. */
        @WithDefault("50")
        int history();
    }

    interface Audit {
        /** Publish one CloudEvent per action to the audit topic. */
        @WithDefault("true")
        boolean enabled();

        /** The CloudEvents {@code source} of every event. */
        @WithDefault("/imageprune")
        String source();
    }

    /** Hot standby: every replica keeps the graph, only the holder of a Lease prunes. */
    interface Leader {
        /** Elect a leader through a coordination.k8s.io Lease; false: this replica always prunes. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("imageprune")
        String leaseName();

        /** Namespace of the Lease; empty: the pod's own namespace (or the kubeconfig's). */
        Optional<String> namespace();

        /** How long a lease is valid without renewal: a standby takes over no sooner. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** The leader stops pruning if it could not renew within this time (less than the lease duration). */
        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    /** Drop-in for the image registry operator's pruner: its ImagePruner resource is the configuration. */
    interface ImagePruner {
        /**
         * Read imagepruners.imageregistry.operator.openshift.io: schedule, keepTagRevisions, keepYoungerThanDuration,
         * ignoreInvalidImageReferences and logLevel replace the imageprune.* values while the resource exists.
         */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("cluster")
        String name();
    }

    /** The REST API. */
    interface Api {
        Runs runs();

        /** {@code POST /api/v1/runs}, the one endpoint that changes things (a confirmed run deletes images). */
        interface Runs {
            /** Accept {@code POST /api/v1/runs} at all; false answers 403 to every request. */
            @WithDefault("false")
            boolean enabled();

            /**
             * Require a bearer token that a TokenReview authenticates and whose user a SubjectAccessReview allows to
             * {@code delete} {@code images.image.openshift.io}. Only false for tests, or behind a proxy that already
             * authenticates and authorizes every request: then anyone who reaches the port can start a run.
             */
            @WithDefault("true")
            boolean authenticate();
        }
    }
}
