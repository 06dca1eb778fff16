package io.imageprune.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every path segment is percent-encoded: nothing a value carries can become a separator, a query or a fragment. */
class PathSegmentsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void digestsAndOcsOddNamesStayAsTheyAre() {
        assertEquals(DIGEST, PathSegments.encode(DIGEST));
        assertEquals("tarsum.dev+sha256:00ff", PathSegments.encode("tarsum.dev+sha256:00ff"));
        assertEquals("layer1", PathSegments.encode("layer1"));
        assertEquals("a=b~c_d-e.f", PathSegments.encode("a=b~c_d-e.f"));
    }

    @Test
    void separatorsQueriesFragmentsAndEscapesAreEncoded() {
        assertEquals(DIGEST + "%3Fevil", PathSegments.encode(DIGEST + "?evil"));
        assertEquals(DIGEST + "%23x", PathSegments.encode(DIGEST + "#x"));
        assertEquals("sha256:x%2F..%2Fv2", PathSegments.encode("sha256:x/../v2"));
        assertEquals("a%252F%20b%0A", PathSegments.encode("a%2F b\n"));
        assertEquals("%C3%A9%3B%26%40%5C", PathSegments.encode("é;&@\\"));
    }

    @Test
    void aPathKeepsItsSlashesAndEncodesEachSegment() {
        assertEquals("ns/app", PathSegments.encodePath("ns/app"));
        assertEquals("ns/app%3Fx/y%23z", PathSegments.encodePath("ns/app?x/y#z"));
    }
}
