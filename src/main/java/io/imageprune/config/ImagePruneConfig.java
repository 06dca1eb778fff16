package io.imageprune.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code imageprune.*} setting; each can be overridden by an environment variable (IMAGEPRUNE_…). Booleans
 * are Go's ParseBool ({@link StrictBooleanConverter}); values that would weaken a safety setting stop the start
 * ({@link io.imageprune.service.SafetySettings}).
 */
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

    Referrers referrers();

    Holders holders();

    Policy policy();

    /**
     * Custom resources that hold images (issue 12): the built-in kinds unless switched off, and the admin's own, each
     * with JSONPath expressions yielding image references. Parsed strictly at start ({@link ReferrerSettings}).
     */
    interface Referrers {
        /** Read custom resources at all; false switches every kind off (the built-in ones included). */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean enabled();

        /** The built-in kinds: Knative, Argo Rollouts, Tekton, KubeVirt, MachineOSBuild. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean builtin();

        /** Kinds switched off, as {@code Kind.group} (e.g. {@code Rollout.argoproj.io}). */
        Optional<List<String>> disabled();

        /** The admin's own kinds. */
        Optional<List<CustomKind>> custom();

        interface CustomKind {
            /** {@code group/version}, e.g. {@code example.com/v1}. */
            String apiVersion();

            String kind();

            /** The resource name; default: the lower-case kind + "s". */
            Optional<String> plural();

            @WithDefault("false")
            @WithConverter(StrictBooleanConverter.class)
            boolean clusterScoped();

            /** JSONPath expressions whose string values are image references. */
            List<String> paths();

            /** For runs: the JSONPath of the completion time (counts while absent, then while young). */
            Optional<String> finished();
        }
    }

    /** Holders oc does not read (issue 12); each keeps more, never less. */
    interface Holders {
        /** Pods' ephemeral containers hold their images. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean ephemeralContainers();

        /** ImageStream spec.tags[].from holds the tag or image it names. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean specTags();
    }

    /** The admin's annotations on Images, ImageStreams and Namespaces (issue 12). */
    interface Policy {
        /** Apply imageprune.io/protect, imageprune.io/keep-tag-revisions and imageprune.io/keep-younger-than. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean annotations();

        /** Let a per-scope keep-* annotation also keep less than the cluster setting. */
        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
        boolean allowRelaxing();
    }

    interface Ingest {
        /** Watch the cluster and publish its objects to the state topic. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean enabled();

        /** Namespaces to watch; empty: all namespaces. Images are cluster-scoped and always watched. */
        Optional<List<String>> namespaces();

        /** Names this ingest in its sync markers. */
        @WithDefault("imageprune")
        String id();

        /**
         * How often the ingest writes a heartbeat sync marker (after flushing every change), and how often it retries
         * a relist after a publish failure or a lost watch. Must be well below the state side's max-marker-age.
         */
        @WithDefault("10s")
        Duration heartbeat();

        /**
         * How often the ingest looks again for a custom resource kind whose CRD was not installed (checked at a
         * heartbeat): once installed, it is watched from then on.
         */
        @WithDefault("30s")
        Duration missingApiCheck();
    }

    interface State {
        /** Consume the state topic into the live reference graph. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean enabled();

        /** How long one poll of the state topic waits for records. */
        @WithDefault("200ms")
        Duration pollTimeout();

        /**
         * The graph stops counting as synced when the consumer has not read the state topic's end offsets (its lag)
         * for this long: the broker is unreachable, or the consumer is stuck.
         */
        @WithDefault("10s")
        Duration maxStaleness();

        /**
         * The graph stops counting as synced when the newest sync marker (listing or heartbeat) of any ingest is older
         * than this (Kafka record time): the ingest is dead, stuck or cannot publish.
         */
        @WithDefault("45s")
        Duration maxMarkerAge();

        /**
         * State-topic keys (e.g. {@code Pod/ns/name}) whose unreadable newest record no longer keeps the graph from
         * being synced: the operator checked the object (the record is in the dead-letter topic) and accepts that the
         * graph does not know it. Remove the key once a readable record was published.
         */
        Optional<Set<String>> acknowledgedUnreadable();
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
        @WithConverter(StrictBooleanConverter.class)
        boolean all();

        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean pruneRegistry();

        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
        boolean ignoreInvalidRefs();

        /**
         * What an invalid reference does to a run: {@code stop} (oc's default: nothing is pruned), {@code contain}
         * (the rest is pruned, what the reference could name is kept) or {@code ignore} (= ignore-invalid-refs=true).
         * Unset: ignore with ignore-invalid-refs=true, else stop. See docs/invalid-references.md.
         */
        Optional<String> invalidRefs();

        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean keepPinnedImages();

        /**
         * oc's exact decisions: every extension beyond oc off (the pinned-image rule, custom resource referrers,
         * ephemeral containers, spec-tag holders, annotations), whatever their own settings say.
         */
        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
        boolean ocExact();

        /**
         * Signatures follow their subject: revisions of cosign's {@code sha256-<hex>.sig|.att|.sbom} tags whose image
         * is absent or deleted in the same run are removed (docs/extensions.md); off with oc-exact.
         */
        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
        boolean pruneOrphanSignatures();
    }

    /** The image registry that runs delete from (algorithm §3); only used by confirmed runs with prune-registry on. */
    interface Registry {
        /**
         * oc's --registry-url; empty: in the ImagePruner drop-in the image config's internal registry, else discovered
         * from the newest managed image or the streams.
         */
        Optional<String> url();

        /**
         * Let a confirmed run send deletions, and the service account token, to a registry host that was only
         * discovered from image references (anyone who can create an image or a stream chooses those); false refuses
         * such runs (gate {@code UNTRUSTED_REGISTRY_HOST}): set {@code url}, or use the ImagePruner drop-in.
         */
        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
        boolean allowDiscoveredHost();

        /** {@code openshift} has /admin/blobs; {@code distribution} (plain CNCF registry) leaves blobs to its GC. */
        @WithDefault("openshift")
        RegistryFlavour flavour();

        /** oc's --force-insecure: plain HTTP or unverified TLS. */
        @WithDefault("false")
        @WithConverter(StrictBooleanConverter.class)
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
        @WithConverter(StrictBooleanConverter.class)
        boolean confirm();

        /** Cron expression (quarkus-scheduler, 6 fields) of full runs; {@code off} disables them. */
        @WithDefault("off")
        String schedule();

        /** Run targeted passes when objects become eligible (event-driven pruning). */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean eventDriven();

        /** Quiet time after an object becomes eligible before the targeted pass starts, to batch bursts. */
        @WithDefault("500ms")
        Duration debounce();

        /**
         * How often the bytes reclaimable now are computed (a dry-run plan of the whole graph) for
         * imageprune_prune_reclaimable_bytes and the reclamation latency; 0 turns it off.
         */
        @WithDefault("5m")
        Duration reclaimableInterval();

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

        /** A run that would delete more layer (and config) links than this is refused. */
        @WithDefault("100000")
        int maxLayerLinkDeletions();

        /** A run that would delete more manifest links than this is refused. */
        @WithDefault("20000")
        int maxManifestLinkDeletions();

        /** A run that would delete more blobs from global storage (manifest blobs included) than this is refused. */
        @WithDefault("100000")
        int maxBlobDeletions();

        /** The rolling window of the per-window budgets below, over all passes of this replica. */
        @WithDefault("1h")
        Duration deletionWindow();

        /** Images deleted within any deletion window at most; more wait for a later pass (deferred, not refused). */
        @WithDefault("20000")
        int maxImageDeletionsPerWindow();

        @WithDefault("200000")
        int maxLayerLinkDeletionsPerWindow();

        @WithDefault("40000")
        int maxManifestLinkDeletionsPerWindow();

        @WithDefault("200000")
        int maxBlobDeletionsPerWindow();

        /** Runs kept for GET /api/v1/runs/{id}. */
        @WithDefault("50")
        int history();
    }

    interface Audit {
        /** Publish one CloudEvent per action to the audit topic. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
        boolean enabled();

        /** The CloudEvents {@code source} of every event. */
        @WithDefault("/imageprune")
        String source();

        /**
         * How long a confirmed run waits for the broker to acknowledge the intent of a request before sending it;
         * an intent not acknowledged in time means the request is not sent and the run stops deleting.
         */
        @WithDefault("10s")
        Duration intentTimeout();

        /** How far back the leading replica reads the audit topic at start to rebuild runs and deletion totals. */
        @WithDefault("24h")
        Duration recoveryWindow();

        /** How long reading that window back may take; recovery tries again after a failure or timeout. */
        @WithDefault("2m")
        Duration recoveryTimeout();
    }

    /** Hot standby: every replica keeps the graph, only the holder of a Lease prunes. */
    interface Leader {
        /** Elect a leader through a coordination.k8s.io Lease; false: this replica always prunes. */
        @WithDefault("true")
        @WithConverter(StrictBooleanConverter.class)
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
        @WithConverter(StrictBooleanConverter.class)
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
            @WithConverter(StrictBooleanConverter.class)
            boolean enabled();

            /**
             * Require a bearer token that a TokenReview authenticates and whose user a SubjectAccessReview allows to
             * {@code delete} {@code images.image.openshift.io}. Only false for tests, or behind a proxy that already
             * authenticates and authorizes every request: then anyone who reaches the port can start a run.
             */
            @WithDefault("true")
            @WithConverter(StrictBooleanConverter.class)
            boolean authenticate();
        }
    }
}
