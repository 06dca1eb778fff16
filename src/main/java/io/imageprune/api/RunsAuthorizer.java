package io.imageprune.api;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imageprune.config.ImagePruneConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who may {@code POST /api/v1/runs}: nobody unless {@code imageprune.api.runs.enabled}; then, unless
 * {@code imageprune.api.runs.authenticate=false}, a caller whose bearer token a TokenReview authenticates and whose
 * user a SubjectAccessReview allows to {@code delete} {@code images.image.openshift.io} (cluster-scoped) — the
 * permission a run exercises. 403 when disabled or not allowed, 401 (with {@code WWW-Authenticate: Bearer}) without
 * a valid token, 503 when the Kubernetes API cannot answer the reviews.
 * <p>
 * The token is a credential: it is never logged, never put in an answer, and messages of exceptions are stripped of
 * it before they are logged (stack traces are not logged, as their causes' messages could carry it).
 */
@ApplicationScoped
@Startup // its denial counters are on /q/metrics from the first scrape, not after the first request
public class RunsAuthorizer {
    static final String VERB = "delete";
    static final String GROUP = "image.openshift.io";
    static final String RESOURCE = "images";
    static final String PERMISSION = VERB + " " + RESOURCE + "." + GROUP + " (cluster-scoped)";
    static final String DISABLED = "POST /api/v1/runs is disabled (imageprune.api.runs.enabled=false)";
    private static final String CHALLENGE = "Bearer realm=\"imageprune\"";
    private static final Logger LOG = Logger.getLogger(RunsAuthorizer.class);

    /** Why a request was refused; the {@code reason} tag of {@code imageprune.api.denials}. */
    enum Denial { DISABLED, UNAUTHENTICATED, FORBIDDEN, ERROR }

    private final ImagePruneConfig.Api.Runs config;
    private final KubernetesClient client;
    private final Map<Denial, Counter> denials = new EnumMap<>(Denial.class);

    public RunsAuthorizer(ImagePruneConfig config, KubernetesClient client, MeterRegistry registry) {
        this.config = config.api().runs();
        this.client = client;
        for (Denial reason : Denial.values()) {
            denials.put(reason, Counter.builder("imageprune.api.denials")
                    .description("Requests to POST /api/v1/runs refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @return empty when the request may start a run; otherwise the answer that refuses it
     */
    public Optional<Response> check(String authorization) {
        if (!config.enabled()) {
            return Optional.of(deny(Denial.DISABLED, Response.Status.FORBIDDEN, DISABLED));
        }
        if (!config.authenticate()) {
            return Optional.empty();
        }
        String token = bearerToken(authorization);
        if (token == null) {
            LOG.debug("POST /api/v1/runs refused: no bearer token");
            return Optional.of(unauthenticated("POST /api/v1/runs needs an 'Authorization: Bearer <token>' header "
                    + "with a token of a user who may " + PERMISSION, null));
        }

        UserInfo user;
        try {
            TokenReview review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                    .withNewSpec().withToken(token).endSpec().build());
            user = review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                    ? null : review.getStatus().getUser();
        } catch (RuntimeException e) {
            return Optional.of(error("TokenReview", e, token));
        }
        if (user == null || user.getUsername() == null || user.getUsername().isBlank()) {
            LOG.info("POST /api/v1/runs refused: the TokenReview did not authenticate the bearer token");
            return Optional.of(unauthenticated("the bearer token is not valid (the TokenReview did not authenticate it)",
                    "invalid_token"));
        }

        SubjectAccessReviewStatus access;
        try {
            SubjectAccessReview review = client.authorization().v1().subjectAccessReview().create(
                    new SubjectAccessReviewBuilder().withNewSpec()
                            .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                            .withExtra(user.getExtra())
                            .withNewResourceAttributes().withVerb(VERB).withGroup(GROUP).withResource(RESOURCE)
                            .endResourceAttributes()
                            .endSpec().build());
            access = review.getStatus();
        } catch (RuntimeException e) {
            return Optional.of(error("SubjectAccessReview", e, token));
        }
        if (access == null || !Boolean.TRUE.equals(access.getAllowed())) {
            String reason = access == null ? null : firstNonBlank(access.getReason(), access.getEvaluationError());
            LOG.infof("POST /api/v1/runs refused: user %s may not %s%s", user.getUsername(), PERMISSION,
                    reason == null ? "" : " (" + redact(reason, token) + ")");
            return Optional.of(deny(Denial.FORBIDDEN, Response.Status.FORBIDDEN,
                    "user " + user.getUsername() + " may not " + PERMISSION + ", which POST /api/v1/runs requires"));
        }
        LOG.infof("POST /api/v1/runs by user %s (allowed to %s)", user.getUsername(), PERMISSION);
        return Optional.empty();
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive), or null. */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
            return null;
        }
        String token = value.substring(space + 1).strip();
        return token.isEmpty() || token.indexOf(' ') >= 0 ? null : token;
    }

    private Response unauthenticated(String message, String error) {
        String challenge = error == null ? CHALLENGE : CHALLENGE + ", error=\"" + error + "\"";
        return refusal(Denial.UNAUTHENTICATED, Response.Status.UNAUTHORIZED, message)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    private Response error(String review, RuntimeException e, String token) {
        String detail = describe(e, token);
        LOG.errorf("POST /api/v1/runs refused: the %s could not be made: %s", review, detail);
        String message = "cannot authorize POST /api/v1/runs: the " + review + " could not be made";
        if (e instanceof KubernetesClientException k && (k.getCode() == 401 || k.getCode() == 403)) {
            message += " (HTTP " + k.getCode() + " from the Kubernetes API: the service account needs create on "
                    + "tokenreviews.authentication.k8s.io and subjectaccessreviews.authorization.k8s.io, "
                    + "e.g. the ClusterRole system:auth-delegator)";
        } else if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            message += " (HTTP " + k.getCode() + " from the Kubernetes API)";
        } else {
            message += " (the Kubernetes API is not reachable)";
        }
        return deny(Denial.ERROR, Response.Status.SERVICE_UNAVAILABLE, message);
    }

    private Response deny(Denial reason, Response.Status status, String message) {
        return refusal(reason, status, message).build();
    }

    private Response.ResponseBuilder refusal(Denial reason, Response.Status status, String message) {
        denials.get(reason).increment();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ApiError.of(message));
    }

    /** The exception and its causes, one message each, with the token cut out wherever it appears. */
    static String describe(Throwable e, String token) {
        StringBuilder text = new StringBuilder();
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getName());
            if (t instanceof KubernetesClientException k && k.getCode() > 0) {
                text.append(" (HTTP ").append(k.getCode()).append(')');
            }
            if (t.getMessage() != null) {
                text.append(": ").append(redact(t.getMessage(), token));
            }
        }
        return text.toString();
    }

    static String redact(String text, String token) {
        return token == null || token.isEmpty() ? text : text.replace(token, "[redacted]");
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
