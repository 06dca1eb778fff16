package io.imageprune.cli;

/** Prints what {@link Terminal} decides about this process's standard error (run by TerminalTest). */
public final class TerminalProbe {
    private TerminalProbe() {
    }

    public static void main(String[] args) {
        System.out.println("stderr is a terminal: " + Terminal.stderrIsTerminal());
    }
}
