package io.imageprune.prune;

import io.imageprune.pipeline.InProcessKafka;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The deletion throughput of {@link PruneBenchTest} at 16 workers: a top-level class, so that its smoke form runs in
 * every build (the build's test scan leaves nested classes out); the 1-worker configuration is benchmark-only.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(InProcessKafka.class)
@WithTestResource(value = RealRegistry.class, initArgs = @ResourceArg(name = "flavour", value = "distribution"))
@TestProfile(PruneBenchTest.SixteenWorkersProfile.class)
class PruneBenchThroughputTest extends PruneBenchTest.Throughput {
    @Override
    int workers() {
        return 16;
    }
}
