package io.imageprune.kafka;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service with a wrong SCRAM password exits non-zero at start and says why, instead of retrying the login in
 * the background while reporting itself alive.
 */
@QuarkusMainTest
@TestProfile(WrongPasswordMainTest.WrongPassword.class)
class WrongPasswordMainTest {
    public static class WrongPassword implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(SecuredKafka.get().scram("not-the-password"));
            config.put("imageprune.state.enabled", "true");
            config.put("quarkus.http.host-enabled", "false");
            return config;
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void exitsAtStartNamingTheRefusal(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("refused this service"), output);
        assertTrue(output.contains("Authentication failed"), output);
    }
}
