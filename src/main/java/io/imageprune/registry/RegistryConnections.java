package io.imageprune.registry;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.reference.GoQuote;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Opens a pinged {@link RegistryClient} for a confirmed run with registry pruning on (algorithm §3): host from
 * configuration or discovery, oc's insecure rule, credentials from the token file, then the ping that fixes the
 * scheme. A new connection per run re-reads the token, which the kubelet rotates.
 */
@ApplicationScoped
public class RegistryConnections {
    /** A DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port. */
    private static final Pattern HOST_AND_PORT = Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+])"
                    + "(:[0-9]{1,5})?");
    private final ImagePruneConfig.Registry config;

    public RegistryConnections(ImagePruneConfig config) {
        this.config = config.registry();
    }

    /**
     * The configured URL (validated like oc's --registry-url with its option checks), else the image config's internal
     * registry (as the image registry operator's pruner: {@code https://} and the hostname), else the host discovered
     * from the cluster's objects.
     *
     * @param internalRegistryHostname the image config's {@code status.internalRegistryHostname} in the ImagePruner
     *                                 drop-in, empty elsewhere or when the image config names none
     * @throws IllegalArgumentException for an invalid configuration, with oc's text
     * @throws RegistryHostException    when discovery finds nothing usable
     */
    public RegistryHost host(Optional<String> internalRegistryHostname, Collection<Image> images,
                             Collection<ImageStream> streams) {
        Optional<String> url = configuredUrl(config);
        if (url.isPresent()) {
            return new RegistryHost(validated(url.get(), "invalid --registry-url flag: "), RegistryHost.Source.CONFIGURED);
        }
        if (internalRegistryHostname.isPresent()) {
            String hostname = internalRegistryHostname.get();
            if (!HOST_AND_PORT.matcher(hostname).matches()) {
                // the token goes there: a path, credentials or a scheme in the field is refused, not interpreted
                throw new IllegalArgumentException("status.internalRegistryHostname of images.config.openshift.io/cluster"
                        + " is not a host[:port]: " + GoQuote.quote(hostname));
            }
            return new RegistryHost(validated("https://" + hostname,
                    "invalid status.internalRegistryHostname " + hostname + " of images.config.openshift.io/cluster: "),
                    RegistryHost.Source.IMAGE_CONFIG);
        }
        return new RegistryHost(RegistryHosts.discover(images, streams), RegistryHost.Source.DISCOVERED);
    }

    private String validated(String url, String what) {
        try {
            RegistryUrls.validate(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + e.getMessage(), e);
        }
        optionConflict(config, url).ifPresent(conflict -> {
            throw new IllegalArgumentException(conflict);
        });
        return url;
    }

    /** oc's checks of --certificate-authority against --force-insecure and the URL's scheme, in oc's words. */
    private static Optional<String> optionConflict(ImagePruneConfig.Registry config, String url) {
        if (config.forceInsecure() && config.caBundle().isPresent()) {
            return Optional.of("--certificate-authority cannot be specified with --force-insecure");
        }
        if (config.caBundle().isPresent() && url.startsWith("http://")) {
            return Optional.of("--certificate-authority cannot be specified for insecure http protocol");
        }
        return Optional.empty();
    }

    /**
     * What is wrong with the registry settings on their own, checked at start so that a service with an unusable URL
     * or CA bundle does not come up only to fail every confirmed run: the same checks a run makes on the configured
     * URL, and the bundle read as a run reads it. A discovered host is checked when a run finds it.
     */
    public static List<String> configurationProblems(ImagePruneConfig.Registry config) {
        List<String> problems = new ArrayList<>();
        String url = configuredUrl(config).orElse("");
        if (!url.isEmpty()) {
            try {
                RegistryUrls.validate(url);
            } catch (IllegalArgumentException e) {
                problems.add("imageprune.registry.url=" + url + ": invalid --registry-url flag: " + e.getMessage());
            }
        }
        optionConflict(config, url).ifPresent(conflict -> problems.add("imageprune.registry.ca-bundle="
                + config.caBundle().orElse("") + " with imageprune.registry.force-insecure="
                + config.forceInsecure() + (url.isEmpty() ? "" : " and imageprune.registry.url=" + url) + ": "
                + conflict));
        config.caBundle().ifPresent(bundle -> {
            try {
                PemBundle.trustStore(Path.of(bundle));
            } catch (IllegalArgumentException e) {
                problems.add("imageprune.registry.ca-bundle=" + bundle + ": " + e.getMessage());
            }
        });
        return problems;
    }

    /**
     * Pings {@code host} and returns a client for the URL that answered; the caller closes it.
     *
     * @param host what {@link #host} returned
     */
    public Uni<RegistryClient> connect(RegistryHost host) {
        return Uni.createFrom().deferred(() -> {
            // oc's rule decides whether plain HTTP may be tried (a private address may serve it); a certificate is
            // verified whenever TLS is used, unless --force-insecure says otherwise
            boolean insecure = InsecureHosts.insecure(host.url(), config.forceInsecure(),
                    config.caBundle().isPresent());
            RegistryTransport transport = new RegistryTransport(config.forceInsecure(), config.caBundle().map(Path::of),
                    readToken(Path.of(config.tokenFile())), config.timeout(), config.connectTimeout());
            return new RegistryPinger(probe(transport)).ping(host.url(), insecure, host.named())
                    .map(url -> new RegistryClient(transport.open(url), url, config.flavour(), config.timeout()));
        });
    }

    /** GET through the same transport the deletions use, so the ping also proves TLS and credentials. */
    static RegistryPinger.Probe probe(RegistryTransport transport) {
        return (baseUrl, path) -> {
            RegistryApi api = transport.open(baseUrl);
            Uni<Response> get = path.equals("/") ? api.root() : api.healthz();
            return get.ifNoItem().after(transport.timeout()).failWith(() -> RegistryException.transport(
                            "no answer within " + transport.timeout().toMillis() + " ms (operation timed out)", true,
                            new java.util.concurrent.TimeoutException()))
                    .map(response -> {
                        try (response) {
                            return new RegistryPinger.Answer(response.getStatus(), RegistryResponses.statusLine(
                                    response.getStatus(), response.getStatusInfo().getReasonPhrase()));
                        }
                    })
                    .eventually(() -> {
                        try {
                            api.close();
                        } catch (IOException ignored) {
                            // nothing was left open that matters
                        }
                    });
        };
    }

    private static Optional<String> configuredUrl(ImagePruneConfig.Registry config) {
        return config.url().map(String::trim).filter(u -> !u.isEmpty());
    }

    /** The bearer token; a missing file means no authentication. The token is never logged. */
    static Optional<String> readToken(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String token = Files.readString(file).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the registry token file " + file, e);
        }
    }
}
