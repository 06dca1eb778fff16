package io.imageprune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document at {@code /q/openapi} lists every JAX-RS resource method of the service (found by reflection
 * over the compiled classes, so a new endpoint without a contract fails here), each with its path parameters, the
 * plan options where it reads them, a success answer and error answers with the one {@code Error} body; the
 * framework's own errors have that body too.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OpenApiContractTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final java.nio.file.Path CLASSES = java.nio.file.Path.of("target/classes");
    /** The plan document and explanation come back with 422 when invalid references refuse the plan. */
    private static final Set<String> DOCUMENTS = Set.of("#/components/schemas/PlanDocument",
            "#/components/schemas/Explanation", "#/components/schemas/PlanSummary");

    @Test
    void everyResourceMethodIsInTheDocumentWithItsParametersAndErrors() throws Exception {
        JsonNode document = MAPPER.readTree(given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
        JsonNode error = document.at("/components/schemas/Error");
        assertTrue(error.at("/properties/error").isObject(), error.toString());
        assertTrue(error.get("required").toString().contains("\"error\""), error.toString());

        List<Method> methods = resourceMethods();
        assertTrue(methods.size() >= 7, "the service's resource methods: " + methods);
        for (Method method : methods) {
            String path = path(method);
            String verb = verb(method).toLowerCase(Locale.ROOT);
            JsonNode operation = document.path("paths").path(path).path(verb);
            String where = verb.toUpperCase(Locale.ROOT) + " " + path + " (" + method + ")";
            assertTrue(operation.isObject(),
                    where + " is not in the document: " + iterable(document.get("paths").fieldNames()));
            assertFalse(operation.path("summary").asText().isBlank(), where + " has no summary");

            Set<String> parameters = new HashSet<>();
            operation.path("parameters")
                    .forEach(p -> parameters.add(p.get("in").asText() + ":" + p.get("name").asText()));
            for (Parameter parameter : method.getParameters()) {
                PathParam pathParam = parameter.getAnnotation(PathParam.class);
                if (pathParam != null) {
                    assertTrue(parameters.contains("path:" + pathParam.value()), where + " lacks " + pathParam);
                }
            }
            Set<String> accepted = acceptedQueryParameters(verb, path);
            if (accepted != null) {
                Set<String> documented = new HashSet<>();
                parameters.stream().filter(p -> p.startsWith("query:")).forEach(p -> documented.add(p.substring(6)));
                assertEquals(accepted, documented, where + ": the query parameters it accepts");
                assertTrue(operation.at("/responses/400").isObject(), where + " lacks the 400 of its strict query");
            }

            boolean success = false;
            for (Iterator<String> statuses = operation.path("responses").fieldNames(); statuses.hasNext(); ) {
                String status = statuses.next();
                JsonNode schema = operation.path("responses").path(status).at("/content/application~1json/schema");
                success |= status.startsWith("2");
                if (status.startsWith("4") || status.startsWith("5")) {
                    String ref = schema.path("$ref").asText();
                    assertTrue(ref.equals(OpenApiContract.ERROR_SCHEMA)
                                    || status.equals("422") && DOCUMENTS.contains(ref),
                            where + " answers " + status + " with " + schema + ", not the one error body");
                }
            }
            assertTrue(success, where + " has no success answer");
            assertTrue(operation.at("/responses/500").isObject(), where + " lacks the 500");
        }
    }

    @Test
    void theFrameworksOwnErrorsHaveTheOneErrorBody() throws Exception {
        assertOnlyError(given().get("/api/v1/no-such-thing").then().statusCode(404).extract().asString());
        assertOnlyError(given().delete("/api/v1/plan").then().statusCode(405).extract().asString());
        assertOnlyError(given().accept("text/csv").get("/api/v1/status").then().statusCode(406).extract().asString());
    }

    private static void assertOnlyError(String body) throws IOException {
        JsonNode error = MAPPER.readTree(body);
        assertEquals(List.of("error"), iterable(error.fieldNames()), body);
        assertFalse(error.get("error").asText().isBlank(), body);
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    /** Every method of a {@code @Path} class under target/classes that carries an HTTP method annotation. */
    private static List<Method> resourceMethods() throws Exception {
        List<Method> methods = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(CLASSES)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, OpenApiContractTest.class.getClassLoader());
                // interfaces with @Path are REST clients (the registry's API), not endpoints of the service
                if (type.isAnnotationPresent(Path.class) && !type.isInterface()) {
                    for (Method method : type.getDeclaredMethods()) {
                        if (verb(method) != null) {
                            methods.add(method);
                        }
                    }
                }
            }
        }
        return methods;
    }

    private static String verb(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static String path(Method method) {
        String path = "/" + method.getDeclaringClass().getAnnotation(Path.class).value();
        Path sub = method.getAnnotation(Path.class);
        if (sub != null) {
            path += "/" + sub.value();
        }
        return path.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }

    /**
     * The query parameters a GET endpoint accepts, as its strict parser lists them when given an unknown one; null
     * for an endpoint that reads none that way (or a POST, which is not probed: it could start a run).
     */
    private static Set<String> acceptedQueryParameters(String verb, String path) throws IOException {
        if (!verb.equals("get")) {
            return null;
        }
        String probe = path.replaceAll("\\{[^}]+}", "probe");
        String body = given().queryParam("no-such-parameter", "1").get(probe).then().extract().asString();
        JsonNode answer = body.isBlank() || !body.startsWith("{") ? null : MAPPER.readTree(body);
        if (answer == null || !answer.has("validParameters")) {
            return null;
        }
        Set<String> accepted = new HashSet<>();
        answer.get("validParameters").forEach(p -> accepted.add(p.asText()));
        return accepted;
    }
}
