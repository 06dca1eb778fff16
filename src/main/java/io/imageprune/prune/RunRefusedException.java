package io.imageprune.prune;

/** A run that may not start, with the gate that closed (a metric tag) and a reason for the admin. */
public class RunRefusedException extends Exception {
    public enum Gate { IN_PROGRESS, NOT_SYNCED, LAGGING, NOT_LEADER, INVALID_REFERENCES, TOO_MANY_DELETIONS,
        UNTRUSTED_REGISTRY_HOST }

    private final Gate gate;
    private final String runId;

    public RunRefusedException(Gate gate, String message, String runId) {
        super(message);
        this.gate = gate;
        this.runId = runId;
    }

    public Gate gate() {
        return gate;
    }

    /** The id under which the refused run was recorded, or null when none was (a run was in progress). */
    public String runId() {
        return runId;
    }
}
