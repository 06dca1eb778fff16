package io.imageprune.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every vector of conformance/extras/registry-url-validation.json (oc's TestValidateRegistryURL). */
class RegistryUrlsTest {

    @TestFactory
    List<DynamicTest> vectors() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/conformance/extras/registry-url-validation.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String input = c.get("input").asText();
            boolean valid = c.get("valid").asBoolean();
            tests.add(DynamicTest.dynamicTest((valid ? "valid " : "invalid ") + input, () -> {
                if (valid) {
                    assertDoesNotThrow(() -> RegistryUrls.validate(input));
                } else {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> RegistryUrls.validate(input));
                    if (c.has("error")) {
                        assertEquals(c.get("error").asText(), e.getMessage());
                    } else {
                        // Go's url.Parse errors: only their presence is specified, but keep the Go shape
                        assertTrue(e.getMessage().startsWith("parse \"https://"), e.getMessage());
                    }
                }
            }));
        }
        assertEquals(31, tests.size(), "vector file changed");
        return tests;
    }

    @org.junit.jupiter.api.Test
    void goParseErrorsKeepGoText() {
        assertEquals("parse \"https://bad url\": invalid character \" \" in host name",
                assertThrows(IllegalArgumentException.class, () -> RegistryUrls.validate("bad url")).getMessage());
        assertEquals("parse \"https://[fd12:3456:789a:1::1\": missing ']' in host",
                assertThrows(IllegalArgumentException.class,
                        () -> RegistryUrls.validate("[fd12:3456:789a:1::1")).getMessage());
        assertEquals("parse \"https://host:5x\": invalid port \":5x\" after host",
                assertThrows(IllegalArgumentException.class, () -> RegistryUrls.validate("host:5x")).getMessage());
        assertFalse(GoUrl.parse("http://registry.org:").host().isEmpty());
    }
}
