package io.imageprune.config;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stop steps that can hang on an unreachable cluster or broker (a lease release, a client close) run on daemon
 * threads and are waited for at most a bound: shutdown has to end within the pod's grace period whatever the network
 * does. A step still running after its bound is abandoned (the JVM exits under it) and logged.
 */
public final class BoundedStop {
    private static final Logger LOG = Logger.getLogger(BoundedStop.class);

    private BoundedStop() {
    }

    /** @return whether the step ended within the bound */
    public static boolean run(String what, Duration bound, Runnable step) {
        return all(bound, Map.of(what, step));
    }

    /**
     * Runs the steps side by side and waits for all of them together at most {@code bound}.
     *
     * @return whether every step ended within the bound
     */
    public static boolean all(Duration bound, Map<String, Runnable> steps) {
        long deadline = System.nanoTime() + bound.toNanos();
        Map<String, Thread> threads = new LinkedHashMap<>();
        steps.forEach((what, step) -> {
            Thread thread = new Thread(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "stopping %s failed", what);
                }
            }, "imageprune-stop-" + what.replace(' ', '-'));
            thread.setDaemon(true);
            thread.start();
            threads.put(what, thread);
        });
        List<String> abandoned = new ArrayList<>();
        for (Map.Entry<String, Thread> entry : threads.entrySet()) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                TimeUnit.NANOSECONDS.timedJoin(entry.getValue(), Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (entry.getValue().isAlive()) {
                abandoned.add(entry.getKey());
            }
        }
        if (!abandoned.isEmpty()) {
            LOG.warnf("shutdown did not wait longer than %s for: %s", bound, String.join(", ", abandoned));
        }
        return abandoned.isEmpty();
    }
}
