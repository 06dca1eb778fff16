package io.imageprune.registry;

import io.imageprune.reference.GoQuote;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * oc's registry ping (algorithm §3 step 4), which fixes the scheme of the registry URL. Asynchronous: {@link #ping}
 * returns a lazy {@link Uni} that emits {@code scheme://host} or fails with a {@link RegistryException} whose message
 * is oc's complete text, starting "failed to ping registry &lt;host&gt;: ".
 */
public final class RegistryPinger {
    static final String HINT_FORCE_INSECURE =
            "\n* Append --force-insecure if you really want to prune the registry using insecure connection.";
    static final String HINT_NO_TLS = "\n* Are you trying to connect to a TLS-enabled registry without TLS?";
    static final String HINT_ROUTE = "\n* Please provide a reachable route to the integrated registry using --registry-url.";

    private static final List<String> PATHS = List.of("/", "/healthz");

    /** One GET; emits the answer whatever its status, fails with a {@link RegistryException} without an answer. */
    @FunctionalInterface
    public interface Probe {
        Uni<Answer> get(String baseUrl, String path);
    }

    /** @param statusLine Go's {@code resp.Status}, e.g. "404 Not Found" */
    public record Answer(int status, String statusLine) {
    }

    private final Probe probe;

    public RegistryPinger(Probe probe) {
        this.probe = probe;
    }

    /**
     * @param registry      the host, optionally with an explicit {@code http://} or {@code https://}, which is then
     *                      the only scheme tried
     * @param insecure      whether http may follow https (algorithm §3 step 2)
     * @param urlConfigured the host came from configuration (oc's --registry-url): no "reachable route" hint then
     */
    public Uni<String> ping(String registry, boolean insecure, boolean urlConfigured) {
        GoUrl url;
        try {
            // oc's marker for "no scheme given"; it also keeps its private-address test from ever matching here
            url = GoUrl.parse(registry.contains("://") ? registry : "unset://" + registry);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(failure(registry, e.getMessage(), false));
        }
        List<String> protocols;
        if (!url.scheme().isEmpty() && !url.scheme().equals("unset")) {
            protocols = List.of(url.scheme());
        } else if (insecure) {
            protocols = List.of("https", "http");
        } else {
            protocols = List.of("https");
        }
        return pingPath(0, url.host(), protocols, insecure).onItem().transformToUni(attempts -> {
            if (attempts.success != null) {
                return Uni.createFrom().item(attempts.success);
            }
            String text = aggregate(attempts.messages);
            boolean unreachable = attempts.transportErrors.stream().anyMatch(TransportErrors::unreachable);
            if (!urlConfigured && unreachable) {
                text += HINT_ROUTE;
            }
            boolean retryable = attempts.transportErrors.stream().anyMatch(RegistryException::retryable);
            return Uni.createFrom().failure(failure(registry, text, retryable));
        });
    }

    private Uni<Attempts> pingPath(int index, String host, List<String> protocols, boolean insecure) {
        return tryProtocols(PATHS.get(index), host, protocols, 0, insecure, new Attempts())
                .onItem().transformToUni(attempts -> {
                    // only a real answer (not 200) suggests the other path could work; transport errors stop here
                    if (attempts.success == null && attempts.anyStatus && index + 1 < PATHS.size()) {
                        return pingPath(index + 1, host, protocols, insecure);
                    }
                    return Uni.createFrom().item(attempts);
                });
    }

    private Uni<Attempts> tryProtocols(String path, String host, List<String> protocols, int index, boolean insecure,
                                       Attempts attempts) {
        if (index == protocols.size()) {
            return Uni.createFrom().item(attempts);
        }
        String proto = protocols.get(index);
        String base = proto + "://" + host;
        return Uni.createFrom().deferred(() -> probe.get(base, path))
                .onFailure().transform(TransportErrors::map)
                .onItemOrFailure().transformToUni((answer, error) -> {
                    if (error == null && answer.status() == 200) {
                        attempts.success = base;
                        return Uni.createFrom().item(attempts);
                    }
                    String message;
                    if (error == null) {
                        message = "unexpected status: " + answer.statusLine();
                        attempts.anyStatus = true;
                    } else {
                        RegistryException failure = (RegistryException) error;
                        message = "Get " + GoQuote.quote(base + path) + ": " + failure.getMessage();
                        attempts.transportErrors.add(failure);
                    }
                    attempts.messages.add(message);
                    if (proto.equals("https") && message.contains(TransportErrors.HTTP_TO_HTTPS) && !insecure) {
                        attempts.messages.add(HINT_FORCE_INSECURE);
                    } else if (proto.equals("http") && message.contains("malformed HTTP response")) {
                        attempts.messages.add(HINT_NO_TLS);
                    }
                    return tryProtocols(path, host, protocols, index + 1, insecure, attempts);
                });
    }

    /** k8s' aggregate error text: duplicates dropped, comma-joined, in brackets when more than one remains. */
    static String aggregate(List<String> messages) {
        Set<String> distinct = new LinkedHashSet<>(messages);
        String joined = String.join(", ", distinct);
        return distinct.size() > 1 ? "[" + joined + "]" : joined;
    }

    private static RegistryException failure(String registry, String text, boolean retryable) {
        return RegistryException.transport("failed to ping registry " + registry + ": " + text, retryable, null);
    }

    /** The failures of the path being tried; a new path starts a new list, so the last path's are reported. */
    private static final class Attempts {
        String success;
        boolean anyStatus;
        final List<String> messages = new ArrayList<>();
        final List<RegistryException> transportErrors = new ArrayList<>();
    }
}
