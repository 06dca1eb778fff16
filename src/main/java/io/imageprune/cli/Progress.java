package io.imageprune.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One line of progress on standard error for long work, rewritten in place about once a second: items so far and
 * their rate (with bytes and MB/s when the work reads a file). Only when standard error is a terminal and the work
 * has gone on for a while; otherwise (a pipe, a file, a log collector, short work) it writes nothing at all, so
 * scripts and logs see the same output as before.
 */
final class Progress {
    /** How long work goes on silently before the first line, and between lines. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int CHECK_EVERY = 1024;

    /** Where progress goes and whether it is shown; the command's defaults, replaced in tests. */
    record Target(PrintWriter err, BooleanSupplier terminal, Duration interval, LongSupplier nanoClock) {
        static Target stderr(PrintWriter err) {
            return new Target(err, Terminal::stderrIsTerminal, INTERVAL, System::nanoTime);
        }
    }

    private final PrintWriter err;
    private final boolean shown;
    private final String what;
    private final String unit;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final long start;
    private final AtomicLong bytes = new AtomicLong();
    private long items;
    private long nextLine;
    private boolean wrote;

    /**
     * @param what the work, e.g. {@code reading snapshot}
     * @param unit what one item is, e.g. {@code objects}
     */
    Progress(Target target, String what, String unit) {
        this.err = target.err();
        this.shown = target.terminal().getAsBoolean();
        this.what = what;
        this.unit = unit;
        this.clock = target.nanoClock();
        this.intervalNanos = target.interval().toNanos();
        this.start = clock.getAsLong();
        this.nextLine = start + intervalNanos;
    }

    /** Bytes read so far grew by {@code n}; callable from another thread than {@link #item()}. */
    void bytes(long n) {
        bytes.addAndGet(n);
    }

    /** One more item done; looks at the clock only every so many items. */
    void item() {
        items++;
        if (shown && (items % CHECK_EVERY == 0 || intervalNanos == 0)) {
            long now = clock.getAsLong();
            if (now - nextLine >= 0) {
                write(now, '\r');
                nextLine = now + intervalNanos;
            }
        }
    }

    /** The final count, on its own line, when a line was written at all. */
    void done() {
        if (wrote) {
            write(clock.getAsLong(), '\r');
            err.println();
            err.flush();
        }
    }

    private void write(long now, char start) {
        double seconds = Math.max(1e-9, (now - this.start) / 1e9);
        long read = bytes.get();
        StringBuilder line = new StringBuilder().append(start).append(what).append(": ")
                .append(String.format("%,d %s (%,.0f/s)", items, unit, items / seconds));
        if (read > 0) {
            line.append(String.format(", %,.1f MB (%,.1f MB/s)", read / 1e6, read / 1e6 / seconds));
        }
        err.print(line.append("\u001b[K"));
        err.flush();
        wrote = true;
    }
}
