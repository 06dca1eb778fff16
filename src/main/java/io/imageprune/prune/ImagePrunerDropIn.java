package io.imageprune.prune;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.imageprune.options.OptionValues;
import io.imageprune.config.ImagePruneConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * The image registry operator's pruner configuration as imageprune's: while
 * {@code imagepruners.imageregistry.operator.openshift.io/cluster} exists, its schedule, keepTagRevisions,
 * keepYoungerThanDuration (or the older keepYoungerThan in nanoseconds), ignoreInvalidImageReferences and logLevel
 * replace the {@code imageprune.*} values; deleting it restores them. An admin switches pruners by setting the
 * resource's {@code suspend: true} (the operator's CronJob stops) with this drop-in enabled. Its resources, node
 * selector, tolerations and affinity place the CronJob's pods; imageprune's are placed by its Deployment, and the
 * drop-in says which of them it leaves there.
 */
@ApplicationScoped
public class ImagePrunerDropIn {
    private static final Logger LOG = Logger.getLogger(ImagePrunerDropIn.class);
    static final ResourceDefinitionContext IMAGE_PRUNERS = new ResourceDefinitionContext.Builder()
            .withGroup("imageregistry.operator.openshift.io").withVersion("v1").withKind("ImagePruner")
            .withPlural("imagepruners").withNamespaced(false).build();
    /** The operator's defaults for fields the resource leaves out. */
    private static final int DEFAULT_KEEP_TAG_REVISIONS = 3;
    private static final Duration DEFAULT_KEEP_YOUNGER_THAN = Duration.ofMinutes(60);
    private static final String DEFAULT_SCHEDULE = "0 0 * * *";
    /** Fields of the operator's CronJob and its pods, not of pruning: the Deployment has its own. */
    private static final List<String> PLACEMENT = List.of("resources", "nodeSelector", "tolerations", "affinity",
            "successfulJobsHistoryLimit", "failedJobsHistoryLimit");

    /** What the drop-in saw last, for the status conditions. */
    public record Observed(boolean present, boolean operatorSuspended, String error) {
    }

    private final NamedResourceInformer informer;
    private final PruneSettings settings;
    private final String name;
    private volatile Observed observed = new Observed(false, false, null);

    public ImagePrunerDropIn(KubernetesClient client, PruneSettings settings, ImagePruneConfig config) {
        this.informer = new NamedResourceInformer(client, IMAGE_PRUNERS, config.imagePruner().name());
        this.settings = settings;
        this.name = config.imagePruner().name();
    }

    public void start() {
        informer.start(this::apply, () -> {
            observed = new Observed(false, false, null);
            settings.use(null);
            LOG.infof("imagepruner/%s is gone: the imageprune.* configuration applies again", name);
        });
    }

    @PreDestroy
    void stop() {
        informer.stop();
    }

    public Observed observed() {
        return observed;
    }

    void apply(GenericKubernetesResource pruner) {
        Map<String, Object> spec = pruner.get("spec");
        boolean suspended = spec != null && Boolean.TRUE.equals(spec.get("suspend"));
        try {
            PruneSettings.Values values = values(spec == null ? Map.of() : spec, name);
            logLevel(spec == null ? null : (String) spec.get("logLevel"));
            settings.use(values);
            observed = new Observed(true, suspended, null);
            LOG.infof("imagepruner/%s applies: keep-tag-revisions=%d keep-younger-than=%s schedule=%s", name,
                    values.keepTagRevisions(), values.keepYoungerThan(), values.schedule());
            List<String> placement = placement(spec == null ? Map.of() : spec);
            if (!placement.isEmpty()) {
                LOG.infof("imagepruner/%s sets %s: they place the operator's CronJob pods; imageprune's pods are placed"
                        + " and sized by its Deployment (k8s/README.md, \"Placement and resources\")", name,
                        String.join(", ", placement));
            }
        } catch (RuntimeException e) {
            // a resource we cannot read changes nothing: the last good settings stay
            observed = new Observed(true, suspended, "imagepruner/" + name + ": " + e.getMessage());
            LOG.errorf("imagepruner/%s is not applied: %s", name, e.getMessage());
        }
    }

    /**
     * The resource's values, each read by the option parser (the API server checks the CRD's types, but a value it
     * lets through that would wrap, such as keepTagRevisions 1e10, or a negative one, must not weaken a run).
     *
     * @throws IllegalArgumentException naming the field and the value; the last good settings then stay
     */
    static PruneSettings.Values values(Map<String, Object> spec, String name) {
        String field = "imagepruner/" + name + " spec.";
        Object revisions = spec.get("keepTagRevisions");
        int keepTagRevisions = revisions == null ? DEFAULT_KEEP_TAG_REVISIONS
                : OptionValues.integer(field + "keepTagRevisions", number(revisions));
        if (keepTagRevisions < 0) {
            throw new IllegalArgumentException("keepTagRevisions must not be negative");
        }
        Duration keepYoungerThan = DEFAULT_KEEP_YOUNGER_THAN;
        if (spec.get("keepYoungerThanDuration") != null) {
            Object text = spec.get("keepYoungerThanDuration");
            keepYoungerThan = OptionValues.duration(field + "keepYoungerThanDuration",
                    text instanceof String string ? string : String.valueOf(text));
        } else if (spec.get("keepYoungerThan") != null) {
            keepYoungerThan = Duration.ofNanos(OptionValues.longInteger(field + "keepYoungerThan",
                    number(spec.get("keepYoungerThan"))));
        }
        if (keepYoungerThan.isNegative()) {
            throw new IllegalArgumentException("keepYoungerThanDuration must not be negative");
        }
        Object ignore = spec.get("ignoreInvalidImageReferences");
        boolean ignoreInvalid = ignore != null && (ignore instanceof Boolean b ? b
                : OptionValues.bool(field + "ignoreInvalidImageReferences", String.valueOf(ignore)));
        String schedule = spec.get("schedule") instanceof String s && !s.isBlank() ? s : DEFAULT_SCHEDULE;
        return new PruneSettings.Values(keepTagRevisions, keepYoungerThan, ignoreInvalid, schedule,
                "imagepruner/" + name);
    }

    /** The spec's fields of the CronJob's pods that the drop-in leaves to the Deployment, as spec.NAME. */
    static List<String> placement(Map<String, Object> spec) {
        return PLACEMENT.stream().filter(field -> spec.get(field) != null).map(field -> "spec." + field).toList();
    }

    /** A JSON integer as its digits; anything else (a string, 3.5, 1e10) as text the integer parser refuses. */
    private static String number(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger
                ? value.toString() : "(" + value.getClass().getSimpleName() + ") " + value;
    }

    /** The operator's levels: Normal, Debug, Trace, TraceAll. */
    private static void logLevel(String level) {
        Level julLevel = switch (level == null ? "Normal" : level) {
            case "Debug" -> Level.FINE;
            case "Trace" -> Level.FINER;
            case "TraceAll" -> Level.FINEST;
            default -> Level.INFO;
        };
        java.util.logging.Logger.getLogger("io.imageprune").setLevel(julLevel);
    }
}
