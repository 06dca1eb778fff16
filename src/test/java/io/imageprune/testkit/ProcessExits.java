package io.imageprune.testkit;

import java.util.concurrent.TimeUnit;

/** Waiting for a child process of a test (a broker, a replica) that was told to end. */
public final class ProcessExits {
    private ProcessExits() {
    }

    /** Waits up to 30 s for the process to end, then kills it; an interrupt kills it at once. */
    public static void await(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
