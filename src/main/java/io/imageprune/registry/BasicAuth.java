package io.imageprune.registry;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * oc's registry credentials: basic auth with a throw-away 5-letter user name and the bearer token as password
 * (the integrated registry ignores the user and checks the token).
 */
final class BasicAuth implements ClientRequestFilter {
    private final String header;

    BasicAuth(String token) {
        String pair = randomUser() + ":" + token;
        this.header = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String randomUser() {
        // Not a static field: Quarkus initialises classes while building the native image, and a SecureRandom
        // seeded then would be frozen into the binary (native-image refuses Random instances in the image heap).
        // One instance per connection set-up costs nothing.
        SecureRandom random = new SecureRandom();
        char[] user = new char[5];
        for (int i = 0; i < user.length; i++) {
            user[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(user);
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, header);
    }

    @Override
    public String toString() {
        return "BasicAuth[****]";
    }
}
