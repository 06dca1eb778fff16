package io.imageprune.service;

import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The API calls a mock API server received from one client (told apart by its User-Agent), as RBAC sees them, and the
 * check that {@link ApiAccess} grants each: what the manifests test compares the ClusterRole and Role to.
 */
public final class ApiCalls {
    private ApiCalls() {
    }

    /** One call: verb, API group ("" for core), resource (with subresource), whether namespaced. */
    public record Call(String verb, String group, String resource, boolean namespaced, String path) {
    }

    /** Drains the server's recorded requests and returns those sent with the given User-Agent. */
    public static List<Call> drain(DefaultMockServer server, String userAgent) throws InterruptedException {
        List<Call> calls = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.startsWith(userAgent)) {
                calls.add(of(request.getMethod(), request.getPath()));
            }
        }
        return calls;
    }

    static Call of(String method, String pathAndQuery) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        boolean watch = pathAndQuery.contains("watch=true");
        List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
        String group;
        if (parts.get(0).equals("api")) {
            group = "";
            parts = parts.subList(2, parts.size());
        } else {
            group = parts.get(1);
            parts = parts.subList(3, parts.size());
        }
        boolean namespaced = parts.size() >= 2 && parts.get(0).equals("namespaces");
        if (namespaced) {
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0) + (parts.size() > 2 ? "/" + parts.get(2) : "");
        boolean named = parts.size() > 1;
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        return new Call(verb, group, resource, namespaced, method + " " + pathAndQuery);
    }

    /** The calls {@link ApiAccess} does not grant (empty when all are allowed). */
    public static List<Call> notGranted(List<Call> calls) {
        List<Call> missing = new ArrayList<>();
        for (Call call : calls) {
            // a namespaced rule is a Role in imageprune's namespace; a cluster-wide one covers every namespace
            boolean granted = ApiAccess.ALL.stream().anyMatch(rule -> rule.group().equals(call.group())
                    && rule.resource().equals(call.resource()) && rule.verbs().contains(call.verb())
                    && (!rule.namespaced() || call.namespaced()));
            if (!granted) {
                missing.add(call);
            }
        }
        return missing;
    }
}
