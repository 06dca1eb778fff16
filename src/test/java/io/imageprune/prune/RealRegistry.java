package io.imageprune.prune;

import io.imageprune.registry.testkit.DistributionRegistry;
import io.imageprune.registry.testkit.FaultProxy;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * The real distribution registry (Debian's docker-registry) behind a fault-injecting proxy; the service is pointed
 * at the proxy. Init arg {@code flavour} sets imageprune.registry.flavour. One per test class, reached statically.
 */
public class RealRegistry implements QuarkusTestResourceLifecycleManager {
    private static DistributionRegistry registry;
    private static FaultProxy proxy;
    private String flavour = "distribution";

    @Override
    public void init(Map<String, String> initArgs) {
        flavour = initArgs.getOrDefault("flavour", flavour);
    }

    @Override
    public Map<String, String> start() {
        registry = DistributionRegistry.launch();
        proxy = new FaultProxy(registry.url());
        return Map.of("imageprune.registry.url", proxy.url(), "imageprune.registry.flavour", flavour);
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static DistributionRegistry registry() {
        return registry;
    }

    static FaultProxy proxy() {
        return proxy;
    }
}
