package io.imageprune.prune;

import io.imageprune.pipeline.KafkaProcess;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import java.util.HashMap;
import java.util.Map;

/**
 * The checks of {@link BrokerOutageChecks} with the real broker process stopped (SIGTERM) and started again on the
 * same ports and data, rather than a proxy cut in front of it ({@link KafkaOutageTest}): the clients see the broker
 * close their connections, then refuse new ones, then a restarted broker electing its partition leaders.
 */
// Quarkus starts one application per set of test resources and settings, and a test class states its own: these
// annotations, the settings and the injected beans repeat from class to class (the duplicates tool pairs them);
// what the classes share beyond that lives in fixtures (prune.RegistryTestbed, pipeline.RawRecords, testkit).
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(BrokerStopTest.Settings.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
class BrokerStopTest extends BrokerOutageChecks {
    /**
     * The broker as a process of its own, with the outage checks' settings; the registry calls wait longer than the
     * default 10 s, as the DELETE held back while the broker shuts down must not time out and be sent again.
     */
    public static class Settings extends KafkaProcess {
        @Override
        protected Map<String, String> settings() {
            Map<String, String> settings = new HashMap<>(SETTINGS);
            settings.put("imageprune.registry.timeout", "60s");
            return settings;
        }
    }

    @Override
    void brokerAway() {
        KafkaProcess.stopBroker();
    }

    @Override
    void brokerBack() {
        KafkaProcess.startBroker();
    }
}
