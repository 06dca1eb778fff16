package io.imageprune.prune;

/** What started a run. */
public enum RunTrigger {
    /** The cron of imageprune.prune.schedule. */
    SCHEDULE,
    /** Objects became eligible (event-driven, targeted). */
    EVENT,
    /** POST /api/v1/runs. */
    API;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
