package io.imageprune.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.imageprune.document.JsonFields;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.ActionRecord;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Builds the CloudEvents 1.0 audit events: their attributes (stable ids) and their {@code data} object, whose field
 * order is fixed so that the same action always serialises to the same bytes. The Kafka connector writes the envelope
 * (structured mode, {@code application/cloudevents+json}; see {@link AuditPublisher}).
 *
 * <p>Written field by field, as the other documents are (the duplicates tool pairs their shapes): the fields and
 * their order are this document's contract with its readers, kept in one place.
 */
public final class AuditEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    static final String TYPE_PREFIX = "io.imageprune.";
    public static final String FAILED = TYPE_PREFIX + "action.failed";
    public static final String SKIPPED = TYPE_PREFIX + "action.skipped";
    public static final String RUN_COMPLETED = TYPE_PREFIX + "run.completed";
    /** Opens a run: its settings and planned counts, before its first action (key and subject: the run id). */
    public static final String RUN_STARTED = TYPE_PREFIX + "run.started";
    /**
     * A request a confirmed run is about to send, acknowledged by the broker before it is sent; the outcome event of
     * the same action follows (same key, {@code data.actionId} = the outcome's id).
     */
    public static final String ACTION_INTENDED = TYPE_PREFIX + "action.intended";

    private static final JsonFactory JSON = new JsonFactory();

    private final String source;

    /** @param source the CloudEvents {@code source} of every event ({@code imageprune.audit.source}) */
    public AuditEvents(String source) {
        this.source = source;
    }

    /** @param time when the action ended; passed in so that the event does not depend on a clock */
    public AuditEvent action(String runId, boolean dryRun, Instant time, ActionRecord action) {
        String id = actionId(runId, action);
        String type = type(action.kind(), action.outcome());
        String data = data(json -> {
            json.writeStringField("runId", runId);
            json.writeStringField("action", action.kind().eventSuffix());
            json.writeStringField("outcome", action.outcome().name());
            json.writeStringField("target", action.target());
            json.writeStringField("repository", action.repository());
            json.writeStringField("digest", action.digest());
            json.writeNumberField("bytes", action.bytes());
            json.writeStringField("rule", action.rule() == null ? null : action.rule().name());
            json.writeStringField("ruleDescription", action.rule() == null ? null : action.rule().description());
            json.writeBooleanField("dryRun", dryRun);
            // a success carries no error even if the executor left a text from an earlier attempt in the record
            json.writeStringField("error", action.outcome().succeeded() ? null : action.error());
        });
        return new AuditEvent(id, type, action.target(), time, source, data);
    }

    /** The run's opening event, stamped with the time the run started. */
    public AuditEvent started(RunStart run) {
        String id = id(run.runId(), "run.started");
        String data = data(json -> {
            json.writeStringField("runId", run.runId());
            json.writeStringField("trigger", run.trigger());
            json.writeBooleanField("dryRun", run.dryRun());
            json.writeStringField("targets", run.targets());
            json.writeStringField("startedAt", text(run.startedAt()));
            json.writeObjectFieldStart("settings");
            for (var setting : run.settings().entrySet()) {
                json.writeStringField(setting.getKey(), setting.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("planned");
            for (var count : run.planned().entrySet()) {
                json.writeNumberField(count.getKey(), count.getValue());
            }
            json.writeEndObject();
        });
        return new AuditEvent(id, RUN_STARTED, run.runId(), run.startedAt(), source, data);
    }

    /**
     * The intent to send one request, keyed like the action's outcome so that both land in one partition, intent
     * first. One per action and run: retries of the same request share it.
     */
    public AuditEvent intent(String runId, Instant time, Intent intent) {
        return intent(runId, time, intent, PlannedLinks.NONE);
    }

    /**
     * A stream write's intent with the links the run deletes after it ({@code data.links}; absent when none, as in
     * events written before it existed). A write retried with other links (re-decided after a conflict) gets an
     * intent of its own: the links are part of its event id.
     */
    public AuditEvent intent(String runId, Instant time, Intent intent, PlannedLinks links) {
        String actionId = intent.actionId(runId);
        String id = links.isEmpty() ? id(runId, "intent", actionId)
                : id(runId, "intent", actionId, String.join(",", links.layerLinks()),
                String.join(",", links.manifestLinks()));
        String data = data(json -> {
            json.writeStringField("runId", runId);
            json.writeStringField("actionId", actionId);
            json.writeStringField("action", intent.kind().eventSuffix());
            intentFields(json, intent);
            json.writeBooleanField("dryRun", false);
            if (!links.isEmpty()) {
                json.writeObjectFieldStart("links");
                JsonFields.strings(json, "layer", links.layerLinks());
                JsonFields.strings(json, "manifest", links.manifestLinks());
                JsonFields.strings(json, "releasedImages", links.releasedImages());
                json.writeEndObject();
            }
        });
        return new AuditEvent(id, ACTION_INTENDED, intent.target(), time, source, data);
    }

    /** The run's closing event, stamped with the time the run finished. */
    public AuditEvent summary(RunSummary run) {
        String id = id(run.runId(), "run.completed");
        String data = data(json -> {
            json.writeStringField("runId", run.runId());
            json.writeStringField("trigger", run.trigger());
            json.writeBooleanField("dryRun", run.dryRun());
            json.writeStringField("startedAt", text(run.startedAt()));
            json.writeStringField("finishedAt", text(run.finishedAt()));
            json.writeStringField("refused", run.refused());
            PruneStats stats = run.stats() == null ? new PruneStats(0, 0, 0, 0, 0, 0) : run.stats();
            JsonFields.stats(json, stats);
            json.writeStringField("summary", stats.toString());
            json.writeNumberField("bytesReclaimed", run.bytesReclaimed());
            JsonFields.strings(json, "failures", run.failures());
            json.writeNumberField("saved", run.saved());
            json.writeNumberField("leftForGarbageCollection", run.leftForGarbageCollection());
            json.writeStringField("state", run.state());
            json.writeStringField("reason", run.reason());
            json.writeArrayFieldStart("sentWithoutOutcome");
            for (Intent intent : run.sentWithoutOutcome()) {
                json.writeStartObject();
                intentFields(json, intent);
                json.writeEndObject();
            }
            json.writeEndArray();
        });
        return new AuditEvent(id, RUN_COMPLETED, run.runId(), run.finishedAt(), source, data);
    }

    /**
     * The event id of an action: the same for every publication of the same action in the same run, so consumers
     * can drop redeliveries and re-publications by id. The outcome is deliberately not part of it: one action of a
     * run has one outcome.
     */
    public static String actionId(String runId, ActionRecord action) {
        return actionId(runId, action.kind(), action.repository(), action.target(), action.digest());
    }

    static String actionId(String runId, ActionKind kind, String repository, String target, String digest) {
        return id(runId, kind.name(), repository, target, digest);
    }

    /** The action kind whose events carry this {@code data.action}, or null. */
    public static ActionKind kindOf(String eventSuffix) {
        for (ActionKind kind : ActionKind.values()) {
            if (kind.eventSuffix().equals(eventSuffix)) {
                return kind;
            }
        }
        return null;
    }

    /** The event type of an action that ended with the given outcome. */
    public static String type(ActionKind kind, Outcome outcome) {
        return switch (outcome) {
            case DONE, ALREADY_GONE -> TYPE_PREFIX + kind.eventSuffix();
            case FAILED -> FAILED;
            case SAVED, LEFT_FOR_GC, DEFERRED -> SKIPPED;
        };
    }

    /** The {@code data} object of an event: its braces around what {@code fields} writes. */
    private static String data(DataFields fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes fields of an event's {@code data} object. */
    @FunctionalInterface
    private interface DataFields {
        void write(JsonGenerator json) throws IOException;
    }

    /** What identifies a request: in its intent, and in a run's list of requests sent without an outcome. */
    private static void intentFields(JsonGenerator json, Intent intent) throws IOException {
        json.writeStringField("kind", intent.kind().name());
        json.writeStringField("target", intent.target());
        json.writeStringField("repository", intent.repository());
        json.writeStringField("digest", intent.digest());
    }

    /** Instant's ISO-8601 form is UTC with a 'Z' and always has seconds, so it is valid RFC 3339. */
    private static String text(Instant time) {
        return time == null ? null : time.toString();
    }

    /**
     * SHA-256 over the parts, each prefixed with its length, so that no two different part lists (e.g. "a/b"+"c"
     * and "a"+"b/c") hash the same input.
     */
    private static String id(String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String part : parts) {
            byte[] bytes = (part == null ? "" : part).getBytes(StandardCharsets.UTF_8);
            sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(bytes);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
