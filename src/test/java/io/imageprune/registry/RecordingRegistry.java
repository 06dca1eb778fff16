package io.imageprune.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A plain-HTTP registry stand-in on loopback that records each request and answers as scripted per raw path. */
final class RecordingRegistry implements AutoCloseable {
    record Request(String method, String rawPath, String authorization) {
        String line() {
            return method + " " + rawPath;
        }
    }

    record Reply(int status, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Reply> replies = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Reply fallback = new Reply(202, "");
    private volatile boolean hang;

    RecordingRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    String url() {
        return "http://" + hostPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    void reply(String rawPath, int status, String body) {
        replies.put(rawPath, new Reply(status, body));
    }

    void replyToAll(int status, String body) {
        replies.clear();
        fallback = new Reply(status, body);
    }

    /** Accept requests but answer none until {@link #close()}. */
    void hang() {
        hang = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            if (hang) {
                release.await(30, TimeUnit.SECONDS);
                return;
            }
            Reply reply = replies.getOrDefault(exchange.getRequestURI().getRawPath(), fallback);
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            if (!reply.body().isEmpty()) {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
            }
            boolean noBody = body.length == 0 || reply.status() == 204 || reply.status() < 200;
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : body.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
