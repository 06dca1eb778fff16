package io.imageprune.projection;

import io.imageprune.model.NamespaceScope;
import io.imageprune.options.InvalidOptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A sync marker records the namespaces its ingest watches. Markers of ingests that did not record it (both schema
 * versions) read as an unknown scope, never as "all": {@code imageprune.ingest.namespaces} is as old as the ingest, so
 * such an ingest may have been scoped.
 */
class SyncMarkerScopeTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();
    private static final String KEY = "SyncMarker//i";
    private static final SyncMarker UNSCOPED = new SyncMarker("i", 7, Fixtures.T1, Map.of("Pod", 1));

    @Test
    void anOldJsonMarkerReadsAsAnUnknownScope() {
        SyncMarker old = decode("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":7,"
                + "\"listedAt\":\"2024-05-01T10:00:00Z\",\"objectsPerKind\":{\"Pod\":1}}");
        assertEquals(NamespaceScope.UNKNOWN, old.scope());
        assertEquals(UNSCOPED, old);
    }

    @Test
    void anOldCompactMarkerIsWrittenAndReadAsBefore() {
        // a marker without a scope is what ingests wrote before they recorded it, in version 2
        byte[] old = CODEC.encode(UNSCOPED);
        assertEquals(2, old[0]);
        SyncMarker read = (SyncMarker) CODEC.decode(KEY, old);
        assertEquals(NamespaceScope.UNKNOWN, read.scope());
        assertEquals(-1, read.scope().metricValue());
    }

    @Test
    void aScopedMarkerIsWrittenInJsonWithItsSortedNamespaces() {
        SyncMarker scoped = UNSCOPED.withScope(NamespaceScope.of("namespaces", List.of("shop", "ci")));
        byte[] value = CODEC.encode(scoped);
        assertEquals("{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":7,\"listedAt\":"
                + "\"2024-05-01T10:00:00Z\",\"objectsPerKind\":{\"Pod\":1},\"scope\":[\"ci\",\"shop\"]}",
                new String(value, StandardCharsets.UTF_8));
        assertEquals(scoped, CODEC.decode(KEY, value));
        assertEquals(2, ((SyncMarker) CODEC.decode(KEY, value)).scope().metricValue());
    }

    @Test
    void aMarkerOfAllNamespacesRoundTrips() {
        SyncMarker all = UNSCOPED.withScope(NamespaceScope.ALL);
        byte[] value = CODEC.encode(all);
        assertEquals(all, CODEC.decode(KEY, value));
        assertEquals(0, ((SyncMarker) CODEC.decode(KEY, value)).scope().metricValue());
    }

    @Test
    void faultAndHeartbeatMarkersKeepTheScope() {
        NamespaceScope shop = NamespaceScope.of("imageprune.ingest.namespaces", List.of("shop"));
        SyncMarker fault = UNSCOPED.withScope(shop).withFault("watch lost");
        assertEquals(shop, ((SyncMarker) CODEC.decode(KEY, CODEC.encode(fault))).scope());
        assertEquals(shop, fault.withFault(null).scope());
    }

    /** scope value | the message after "field 'scope' ". Backquotes stand for '"'. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "`some`|must be `all` or a list of namespaces, got the string `some`",
            "[]|must be `all` or a list of namespaces, got an empty list",
            "[`Shop`]|`Shop` is not a namespace name (lower-case letters, digits and '-', starting and ending with a "
                    + "letter or digit, at most 63 characters)",
            "[`a/b`]|`a/b` is not a namespace name (lower-case letters, digits and '-', starting and ending with a "
                    + "letter or digit, at most 63 characters)",
            "7|must be an array, got the number 7",
    })
    void aMalformedScopeIsRefusedNamingTheField(String scope, String problem) {
        String json = "{\"v\":1,\"kind\":\"SyncMarker\",\"ingestId\":\"i\",\"epoch\":7,\"scope\":"
                + scope.replace('`', '"') + "}";
        ProjectionException e = assertThrows(ProjectionException.class,
                () -> CODEC.decode(KEY, json.getBytes(StandardCharsets.UTF_8)));
        assertEquals("cannot decode " + KEY + ": field 'scope' " + problem.replace('`', '"'), e.getMessage());
    }

    @Test
    void aWatchedNamespaceMustBeANamespaceName() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> NamespaceScope.of("imageprune.ingest.namespaces", List.of("shop", "-bad")));
        assertEquals("imageprune.ingest.namespaces", e.parameter());
        assertEquals("-bad", e.value());
        assertEquals(NamespaceScope.ALL, NamespaceScope.of("imageprune.ingest.namespaces", List.of()));
        assertEquals(NamespaceScope.of("p", List.of("b", "a", "b")).namespaces().toString(), "[a, b]");
    }

    private static SyncMarker decode(String json) {
        return (SyncMarker) CODEC.decode(KEY, json.getBytes(StandardCharsets.UTF_8));
    }
}
