package io.imageprune.registry;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * One entry of a registry's {@code {"errors": [...]}} body (docker/distribution {@code errcode.Error}).
 *
 * @param code    e.g. {@code MANIFEST_UNKNOWN}
 * @param message human text, may be empty
 * @param detail  free-form detail, null when absent
 */
public record RegistryError(String code, String message, JsonNode detail) {
    public RegistryError {
        code = code == null ? "" : code;
        message = message == null ? "" : message;
    }

    /**
     * errcode's text: the code lower-cased with spaces for underscores, then ": message" when there is one. (errcode
     * maps codes it does not know to "unknown"; the code is kept here because it says more.)
     */
    @Override
    public String toString() {
        String text = code.replace('_', ' ').toLowerCase(Locale.ROOT);
        return message.isEmpty() && detail == null ? text : text + ": " + message;
    }
}
