package io.imageprune.registry;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How to talk to one registry (algorithm §3 step 3): TLS trust, credentials and timeouts; opens a {@link RegistryApi}
 * for a base URL that is only known at run time (after discovery and ping). Holds the token, so it has no
 * {@code toString} that could show it.
 */
public final class RegistryTransport {
    private final boolean insecure;
    private final Optional<Path> caBundle;
    private final Optional<BasicAuth> auth;
    private final Duration timeout;
    private final Duration connectTimeout;

    /**
     * @param insecure       trust any certificate and skip the host name check (plain HTTP is the pinger's business)
     * @param caBundle       PEM file of the CAs to trust instead of the JVM's; ignored when insecure, as oc does
     * @param token          the bearer token sent as basic-auth password; empty: no Authorization header
     * @param timeout        per-request limit
     * @param connectTimeout TCP connect limit
     */
    public RegistryTransport(boolean insecure, Optional<Path> caBundle, Optional<String> token, Duration timeout,
                             Duration connectTimeout) {
        this.insecure = insecure;
        this.caBundle = insecure ? Optional.empty() : caBundle;
        this.auth = token.filter(t -> !t.isEmpty()).map(BasicAuth::new);
        this.timeout = timeout;
        this.connectTimeout = connectTimeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean authenticates() {
        return auth.isPresent();
    }

    /** A client for {@code baseUrl} ({@code scheme://host[:port]}); the caller closes it. */
    public RegistryApi open(String baseUrl) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl))
                .disableDefaultMapper(true)
                .followRedirects(false)
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .loggingMaskedHeaders(Set.of("Authorization"));
        if (insecure) {
            builder.trustAll(true).verifyHost(false);
        } else {
            caBundle.ifPresent(pem -> builder.trustStore(PemBundle.trustStore(pem)));
        }
        auth.ifPresent(builder::register);
        return builder.build(RegistryApi.class);
    }
}
