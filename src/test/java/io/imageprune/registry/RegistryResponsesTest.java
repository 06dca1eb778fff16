package io.imageprune.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryResponsesTest {

    @ParameterizedTest
    @ValueSource(ints = {202, 204, 404})
    void successes(int status) {
        assertNull(RegistryResponses.failureOf(status, "", "{\"errors\":[{\"code\":\"X\"}]}"));
    }

    @Test
    void serverErrorsAreRetryableStatusLines() {
        RegistryException e = RegistryResponses.failureOf(503, "Service Unavailable", "ignored");
        assertEquals("503 Service Unavailable", e.getMessage());
        assertTrue(e.retryable());
        assertEquals(503, e.status());
        assertEquals("500 Internal Server Error", RegistryResponses.failureOf(500, null, "").getMessage());
        assertEquals("502 Custom Reason", RegistryResponses.failureOf(502, "Custom Reason", "").getMessage());
    }

    @Test
    void clientErrorsAreFinal() {
        RegistryException e = RegistryResponses.failureOf(400, "Bad Request", "");
        assertEquals("400 Bad Request", e.getMessage());
        assertFalse(e.retryable());
        assertFalse(RegistryResponses.failureOf(405, "", "").retryable());
        assertFalse(RegistryResponses.failureOf(101, "Switching Protocols", "").retryable());
    }

    @Test
    void otherSuccessCarriesTheErrorList() {
        RegistryException one = RegistryResponses.failureOf(200, "OK",
                "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\",\"detail\":\"x\"}]}");
        assertNotNull(one);
        assertEquals("blob unknown: blob unknown to registry", one.getMessage());
        assertEquals("BLOB_UNKNOWN", one.errors().get(0).code());
        assertFalse(one.retryable());

        RegistryException two = RegistryResponses.failureOf(301, "", "{\"errors\":[{\"code\":\"DENIED\"},"
                + "{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}");
        assertEquals("errors:\ndenied\nname unknown: repository name not known to registry\n", two.getMessage());
        assertEquals(2, two.errors().size());

        assertEquals("<nil>", RegistryResponses.failureOf(200, "", "{}").getMessage());
    }

    @Test
    void undecodableBodyIsTheDecodeError() {
        assertEquals("EOF", RegistryResponses.failureOf(201, "", "").getMessage());
        RegistryException e = RegistryResponses.failureOf(200, "", "<html>");
        assertTrue(e.getMessage().startsWith("Unexpected character ('<'"), e.getMessage());
        assertTrue(e.errors().isEmpty());
    }
}
