package io.imageprune.cli;

import io.imageprune.options.OptionValues;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What {@code -Dimageprune.timings=true} prints for each phase of {@code plan} on standard error: the wall time, the
 * CPU time of the whole process (every thread: the parser, the graph builder, the collector, the JIT) and the time
 * spent in garbage collection. On a shared machine the wall time says little; CPU and GC time say where the work went.
 * The management beans are only touched when the timings are asked for: loading them costs start-up time.
 */
final class PhaseTimings {
    static final String PROPERTY = "imageprune.timings";
    private long wallNanos;
    private long cpuNanos;
    private long gcMillis;

    private PhaseTimings() {
        mark();
    }

    /**
     * The clock of a run, or null when the timings are not asked for.
     *
     * @throws io.imageprune.options.InvalidOptionException when the property is set but is not a boolean
     */
    static PhaseTimings startIfAsked() {
        String asked = System.getProperty(PROPERTY);
        return asked != null && OptionValues.bool("-D" + PROPERTY, asked) ? new PhaseTimings() : null;
    }

    /** "N ms (CPU N ms, GC N ms)" since the last call (or the start), and starts the next phase. */
    String lap() {
        long wall = wallNanos;
        long cpu = cpuNanos;
        long gc = gcMillis;
        mark();
        return String.format("%d ms (CPU %d ms, GC %d ms)", (wallNanos - wall) / 1_000_000,
                (cpuNanos - cpu) / 1_000_000, gcMillis - gc);
    }

    private void mark() {
        wallNanos = System.nanoTime();
        cpuNanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        gcMillis = gc;
    }
}
