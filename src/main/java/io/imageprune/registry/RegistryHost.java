package io.imageprune.registry;

/**
 * The registry a confirmed run sends its deletions (and the service account token) to, and where that address came
 * from: the source decides whether the token may go there ({@link Source#DISCOVERED} only when allowed).
 *
 * @param url what {@link RegistryPinger} pings: a URL with a scheme, or a bare host as oc's discovery gives it
 */
public record RegistryHost(String url, Source source) {
    public enum Source {
        /** {@code imageprune.registry.url}, oc's {@code --registry-url}. */
        CONFIGURED("imageprune.registry.url"),
        /** The cluster's image config, as the image registry operator's pruner uses it. */
        IMAGE_CONFIG("images.config.openshift.io/cluster status.internalRegistryHostname"),
        /** oc's discovery from the newest managed image's pull spec or the streams: chosen by whoever wrote them. */
        DISCOVERED("discovered from image references");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** Whether the address was named by the admin or the cluster (the pinger then keeps the scheme it gives). */
    public boolean named() {
        return source != Source.DISCOVERED;
    }
}
