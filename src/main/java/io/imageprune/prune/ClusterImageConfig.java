package io.imageprune.prune;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * The cluster's image config ({@code images.config.openshift.io/cluster}) as the image registry operator's pruner
 * reads it, in the ImagePruner drop-in: {@code status.internalRegistryHostname} is the registry runs delete from, and
 * when it is empty there is no internal registry, so runs prune no registry (the operator's
 * {@code --prune-registry=false}).
 */
@ApplicationScoped
public class ClusterImageConfig {
    private static final Logger LOG = Logger.getLogger(ClusterImageConfig.class);
    static final ResourceDefinitionContext IMAGES = new ResourceDefinitionContext.Builder()
            .withGroup("config.openshift.io").withVersion("v1").withKind("Image").withPlural("images")
            .withNamespaced(false).build();
    static final String NAME = "cluster";
    static final String RESOURCE = "images.config.openshift.io/" + NAME;

    /**
     * What the drop-in saw last.
     *
     * @param seen                     whether the object exists and was read
     * @param internalRegistryHostname its {@code status.internalRegistryHostname}, empty when it names none
     */
    public record Observed(boolean seen, Optional<String> internalRegistryHostname) {
        static final Observed NOTHING = new Observed(false, Optional.empty());

        /** The image config says there is no internal registry (the operator then runs without registry pruning). */
        public boolean noInternalRegistry() {
            return seen && internalRegistryHostname.isEmpty();
        }
    }

    private final NamedResourceInformer informer;
    private final PruneSettings settings;
    private volatile Observed observed = Observed.NOTHING;

    public ClusterImageConfig(KubernetesClient client, PruneSettings settings) {
        this.informer = new NamedResourceInformer(client, IMAGES, NAME);
        this.settings = settings;
    }

    public void start() {
        informer.start(this::apply, () -> use(Observed.NOTHING));
    }

    @PreDestroy
    void stop() {
        informer.stop();
    }

    public Observed observed() {
        return observed;
    }

    void apply(GenericKubernetesResource image) {
        use(observed(image.get("status")));
    }

    static Observed observed(Map<String, Object> status) {
        Object hostname = status == null ? null : status.get("internalRegistryHostname");
        String text = hostname instanceof String s ? s.trim() : "";
        return new Observed(true, text.isEmpty() ? Optional.empty() : Optional.of(text));
    }

    private void use(Observed next) {
        Observed previous = observed;
        observed = next;
        settings.registryPruningOff(next.noInternalRegistry()
                ? RESOURCE + " has no status.internalRegistryHostname (no internal registry)" : null);
        if (!next.equals(previous)) {
            LOG.infof("%s: %s", RESOURCE, !next.seen() ? "gone; runs discover the registry host as oc does"
                    : next.internalRegistryHostname().map(host -> "runs delete from the internal registry " + host)
                    .orElse("no internal registry; runs prune no registry, as the image registry operator's pruner"));
        }
    }
}
