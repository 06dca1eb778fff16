package io.imageprune.registry.testkit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An HTTP proxy in front of a registry that records every request and injects faults on demand: canned error statuses
 * instead of forwarding, and hooks that run just before a request is forwarded (e.g. to stop the registry mid-run).
 * When forwarding fails with a transport error, the client's connection is closed without a response, which is what a
 * client of a dead registry sees.
 *
 * <p>Rules may be added and removed while requests are in flight. Fault rules are checked in the order they were added;
 * the first that applies answers. Delay rules hold a matching request back before it is forwarded (or answered by a
 * fault rule), e.g. to give a loopback registry the round trip of a remote one; their delays add up.
 */
public final class FaultProxy implements AutoCloseable {
    /** What rules match on: the request as the client sent it. */
    public record Request(String method, String path, Headers headers) {
    }

    /**
     * One handled request.
     *
     * @param path          path including the query string, as received
     * @param receivedNanos {@link System#nanoTime()} when the proxy received it
     * @param doneNanos     {@link System#nanoTime()} when the proxy began to answer (or to close the connection), after
     *                      the target's answer had arrived
     * @param status        status returned to the client; {@link #NO_RESPONSE} when the connection was closed instead
     * @param injected      true when a fault rule answered and the target never saw the request
     */
    public record Recorded(String method, String path, long receivedNanos, long doneNanos, int status, boolean injected) {
    }

    /** Status recorded when the proxy closed the connection without answering. */
    public static final int NO_RESPONSE = -1;

    /** A rule that can be removed again. */
    public interface Rule {
        void remove();
    }

    // hop-by-hop headers (RFC 9110 7.6.1) plus those the JDK client sets itself and refuses to take from us
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "date");
    private static final int THREADS = 32;

    private final URI target;
    private final String targetBase;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private final List<FaultRule> faults = new CopyOnWriteArrayList<>();
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final List<DelayRule> delays = new CopyOnWriteArrayList<>();

    /** Starts a proxy on a free loopback port forwarding to {@code targetBaseUrl} (e.g. {@link DistributionRegistry#url()}). */
    public FaultProxy(String targetBaseUrl) {
        this.targetBase = targetBaseUrl.endsWith("/") ? targetBaseUrl.substring(0, targetBaseUrl.length() - 1) : targetBaseUrl;
        this.target = URI.create(targetBase);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(executor)
                .build();
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy port", e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** "http://127.0.0.1:port" */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A predicate on method (null or "*" for any) and a regex that must match the whole path including query. */
    public static Predicate<Request> matching(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return r -> (method == null || "*".equals(method) || method.equalsIgnoreCase(r.method()))
                && p.matcher(r.path()).matches();
    }

    /** Answers {@code status} without forwarding for the first {@code count} matching requests, then forwards again. */
    public Rule failFirst(int count, int status, Predicate<Request> predicate) {
        return add(new FaultRule(predicate, status, new AtomicInteger(count), false));
    }

    public Rule failFirst(int count, int status, String method, String pathRegex) {
        return failFirst(count, status, matching(method, pathRegex));
    }

    /** Answers {@code status} without forwarding for every matching request until the rule is removed. */
    public Rule failAlways(int status, Predicate<Request> predicate) {
        return add(new FaultRule(predicate, status, null, false));
    }

    public Rule failAlways(int status, String method, String pathRegex) {
        return failAlways(status, matching(method, pathRegex));
    }

    /**
     * Answers {@code status} with an empty body itself for every matching request, like a fault rule (checked in the
     * same order): for an API the target lacks, e.g. the OpenShift registry's {@code DELETE /admin/blobs/<digest>}
     * in front of a plain distribution registry.
     */
    public Rule answerAlways(int status, String method, String pathRegex) {
        return add(new FaultRule(matching(method, pathRegex), status, null, true));
    }

    /**
     * Runs {@code action} once, on the proxy thread, before the first matching request is forwarded (requests answered
     * by a fault rule do not count); that request is forwarded only after the action returns.
     */
    public Rule onRequest(Predicate<Request> predicate, Runnable action) {
        Hook h = new Hook(predicate, action, new AtomicBoolean());
        hooks.add(h);
        return () -> hooks.remove(h);
    }

    /**
     * Holds every matching request for {@code delay} on its proxy thread before anything else happens to it, until the
     * rule is removed. Requests are still recorded as received when they arrived, so the delay shows in the client's
     * pacing and in {@link Recorded#doneNanos()}, not in {@link Recorded#receivedNanos()}.
     */
    public Rule delay(Duration delay, Predicate<Request> predicate) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + delay);
        }
        DelayRule rule = new DelayRule(predicate, delay);
        delays.add(rule);
        return () -> delays.remove(rule);
    }

    public Rule delay(Duration delay, String method, String pathRegex) {
        return delay(delay, matching(method, pathRegex));
    }

    /** Removes all fault rules, delay rules and hooks. */
    public void clearRules() {
        faults.clear();
        hooks.clear();
        delays.clear();
    }

    /** Every request handled so far, in the order received. */
    public List<Recorded> requests() {
        List<Recorded> copy = new ArrayList<>(recorded);
        copy.sort(Comparator.comparingLong(Recorded::receivedNanos));
        return copy;
    }

    /** The handled requests matching method (null or "*" for any) and path regex, in the order received. */
    public List<Recorded> requests(String method, String pathRegex) {
        Predicate<Request> p = matching(method, pathRegex);
        return requests().stream().filter(r -> p.test(new Request(r.method(), r.path(), new Headers()))).toList();
    }

    public void clearRequests() {
        recorded.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Rule add(FaultRule rule) {
        faults.add(rule);
        return () -> faults.remove(rule);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long received = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Request request = new Request(method, path, exchange.getRequestHeaders());
        // recorded before the client can see the answer (or the closed connection), so a test that got its response
        // always finds the request in requests()
        AtomicBoolean done = new AtomicBoolean();
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!holdBack(request)) {
                return;
            }
            FaultRule fault = firstApplicable(request);
            if (fault != null) {
                byte[] error = fault.answer ? new byte[0] : ("{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":"
                        + "\"injected by FaultProxy\",\"detail\":{\"status\":" + fault.status + "}}]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                record(done, method, path, received, fault.status, true);
                respond(exchange, method, fault.status, error);
                return;
            }
            for (Hook h : hooks) {
                if (h.predicate.test(request) && h.fired.compareAndSet(false, true)) {
                    h.action.run();
                }
            }
            HttpResponse<byte[]> upstream;
            try {
                upstream = client.send(forward(exchange, method, path, body), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException transport) {
                // leave without sendResponseHeaders: closing the exchange then drops the connection, as a dead
                // registry would (the finally block records NO_RESPONSE first)
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Headers out = exchange.getResponseHeaders();
            for (Map.Entry<String, List<String>> h : upstream.headers().map().entrySet()) {
                String name = h.getKey().toLowerCase(Locale.ROOT);
                if (name.startsWith(":") || (NOT_FORWARDED.contains(name) && !keepForHead(method, name))) {
                    continue;
                }
                for (String v : h.getValue()) {
                    out.add(h.getKey(), "location".equals(name) ? throughProxy(v) : v);
                }
            }
            record(done, method, path, received, upstream.statusCode(), false);
            respond(exchange, method, upstream.statusCode(), upstream.body());
        } finally {
            record(done, method, path, received, NO_RESPONSE, false);
            exchange.close();
        }
    }

    /** Only the first call per exchange counts: the finally block's NO_RESPONSE applies when nothing was answered. */
    private void record(AtomicBoolean done, String method, String path, long received, int status, boolean injected) {
        if (done.compareAndSet(false, true)) {
            recorded.add(new Recorded(method, path, received, System.nanoTime(), status, injected));
        }
    }

    /** Sleeps for every delay rule that matches; false when interrupted (the proxy is closing). */
    private boolean holdBack(Request request) {
        long nanos = 0;
        for (DelayRule d : delays) {
            if (d.predicate.test(request)) {
                nanos += d.delay.toNanos();
            }
        }
        if (nanos == 0) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private FaultRule firstApplicable(Request request) {
        for (FaultRule f : faults) {
            if (!f.predicate.test(request)) {
                continue;
            }
            if (f.remaining == null) {
                return f;
            }
            // decrement only while positive, so concurrent requests never take more than `count` faults
            if (f.remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return f;
            }
        }
        return null;
    }

    private HttpRequest forward(HttpExchange exchange, String method, String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(targetBase + path)).timeout(Duration.ofSeconds(60));
        for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
            if (NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        HttpRequest.BodyPublisher publisher = body.length == 0 && !"PUT".equals(method) && !"POST".equals(method)
                && !"PATCH".equals(method) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return b.method(method, publisher).build();
    }

    /** HEAD answers carry the size of what a GET would return; keep it rather than let the server invent one. */
    private static boolean keepForHead(String method, String header) {
        return "HEAD".equals(method) && "content-length".equals(header);
    }

    /** The registry builds absolute upload URLs from the Host it saw (the target), so point them back at the proxy. */
    private String throughProxy(String location) {
        if (location.startsWith(targetBase)) {
            return url() + location.substring(targetBase.length());
        }
        String hostOnly = target.getScheme() + "://" + target.getRawAuthority();
        return location.startsWith(hostOnly) ? url() + location.substring(hostOnly.length()) : location;
    }

    private static void respond(HttpExchange exchange, String method, int status, byte[] body) throws IOException {
        boolean noBody = "HEAD".equals(method) || status == 204 || status == 304 || (status >= 100 && status < 200);
        if (noBody || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    private record FaultRule(Predicate<Request> predicate, int status, AtomicInteger remaining, boolean answer) {
    }

    private record DelayRule(Predicate<Request> predicate, Duration delay) {
    }

    private record Hook(Predicate<Request> predicate, Runnable action, AtomicBoolean fired) {
    }
}
