package io.imageprune.architecture.violations.model;

import com.fasterxml.jackson.core.JsonFactory;
import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.Counter;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.clients.producer.Producer;

/**
 * A core class that uses one class of each framework the core must not import: ArchitectureTest checks that its rule
 * names every one of them.
 */
public class FrameworkUser {
    StartupEvent quarkus;
    Instance<String> cdi;
    Producer<String, String> kafka;
    Pod fabric8;
    JsonFactory jackson;
    Counter micrometer;
    Uni<String> mutiny;
    Vertx vertx;
}
