package io.imageprune.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imageprune.execute.ActionKind;
import io.imageprune.execute.Outcome;
import io.imageprune.execute.PruneStats;
import io.imageprune.reference.Identities;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The audit topic read back, in any order across partitions: every run seen (completed, or interrupted: a start,
 * intents or outcomes but no {@code run.completed}) and the deletions of confirmed runs over time. A redelivered event
 * counts once (events are identified by id). Not thread-safe: one reader fills it, then asks.
 */
public final class AuditLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Trace> runs = new LinkedHashMap<>();
    /** kind, repository and digest of a link → when a confirmed run recorded it DONE, ALREADY_GONE or SAVED. */
    private final Map<String, List<Settled>> settledLinks = new HashMap<>();

    /** A link's outcome as a confirmed run recorded it; SAVED by a run that a run-wide stop held back settles nothing. */
    private record Settled(Instant at, String runId, Outcome outcome) {
    }
    private int unreadable;
    private int unsafeLinks;

    /**
     * Takes one record value of the audit topic.
     *
     * @return false when it is no event of this service (not JSON, no run id, no time): skipped and counted
     */
    public boolean accept(String json) {
        JsonNode event;
        try {
            event = json == null ? null : MAPPER.readTree(json);
        } catch (IOException e) {
            event = null;
        }
        JsonNode data = event == null ? null : event.get("data");
        String type = event == null ? null : text(event, "type");
        Instant time = event == null ? null : instant(text(event, "time"));
        String runId = data == null ? null : text(data, "runId");
        if (type == null || time == null || runId == null || !type.startsWith(AuditEvents.TYPE_PREFIX)) {
            unreadable++;
            return false;
        }
        Trace run = runs.computeIfAbsent(runId, Trace::new);
        run.seen(time, data);
        switch (type) {
            case AuditEvents.RUN_STARTED -> run.started = data;
            case AuditEvents.RUN_COMPLETED -> run.completed(data);
            case AuditEvents.ACTION_INTENDED -> run.intent(data, time);
            default -> {
                if (run.outcome(text(event, "id"), data, time)) {
                    settled(runId, data, time);
                }
            }
        }
        return true;
    }

    private void settled(String runId, JsonNode data, Instant time) {
        ActionKind kind = AuditEvents.kindOf(text(data, "action"));
        Outcome outcome = outcomeOf(text(data, "outcome"));
        if ((kind == ActionKind.LAYER_LINK || kind == ActionKind.MANIFEST_LINK) && outcome != null
                && (outcome.succeeded() || outcome == Outcome.SAVED) && !data.path("dryRun").asBoolean(false)) {
            settledLinks.computeIfAbsent(linkKey(kind, text(data, "repository"), text(data, "digest")),
                    k -> new ArrayList<>()).add(new Settled(time, runId, outcome));
        }
    }

    /**
     * The links interrupted runs planned after a stream write that did not fail (its outcome DONE, or not on the
     * topic: the process may have stopped right after the write) and that no confirmed run recorded DONE,
     * ALREADY_GONE or SAVED since. Runs whose intents carried no links (written before they did) have none.
     */
    public List<UnfinishedLink> unfinishedLinks() {
        List<UnfinishedLink> unfinished = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Trace run : runs.values()) {
            if (!run.interrupted() && !run.stopped()) {
                continue;
            }
            run.links.forEach((actionId, links) -> {
                Outcome write = run.outcomeOf.get(actionId);
                if (write != null && write != Outcome.DONE) {
                    return;
                }
                String repo = run.intents.get(actionId).repository();
                Instant planned = run.intentTimes.get(actionId);
                links.layerLinks().forEach(digest -> add(unfinished, seen, run.runId, ActionKind.LAYER_LINK, repo,
                        digest, planned, links));
                links.manifestLinks().forEach(digest -> add(unfinished, seen, run.runId, ActionKind.MANIFEST_LINK,
                        repo, digest, planned, links));
            });
        }
        return unfinished;
    }

    private void add(List<UnfinishedLink> unfinished, Set<String> seen, String runId, ActionKind kind, String repo,
                     String digest, Instant planned, PlannedLinks links) {
        if (!Identities.safeDigest(digest) || !Identities.safeRepository(repo) || repo.indexOf('/') <= 0) {
            // it would go into a registry URL: an event that names no valid link is skipped, and counted
            unsafeLinks++;
            return;
        }
        String key = linkKey(kind, repo, digest);
        boolean settled = settledLinks.getOrDefault(key, List.of()).stream().anyMatch(s -> !s.at.isBefore(planned)
                && (s.outcome != Outcome.SAVED || !runs.get(s.runId).stopped()));
        if (!settled && seen.add(key)) {
            unfinished.add(new UnfinishedLink(runId, kind, repo, digest, links.releasedImages()));
        }
    }

    private static String linkKey(ActionKind kind, String repo, String digest) {
        return kind.name() + " " + repo + "@" + digest;
    }

    /** Planned links skipped by {@link #unfinishedLinks()} because they name no valid repository or digest. */
    public int unsafeLinks() {
        return unsafeLinks;
    }

    /** Records skipped by {@link #accept}. */
    public int unreadable() {
        return unreadable;
    }

    /** Every run seen, oldest start first. */
    public List<RecoveredRun> runs() {
        List<RecoveredRun> recovered = new ArrayList<>();
        runs.values().forEach(run -> recovered.add(run.recovered()));
        recovered.sort(Comparator.comparing(RecoveredRun::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(RecoveredRun::runId));
        return recovered;
    }

    /** The deletions of confirmed runs, per kind (see {@link DeletionHistory}). */
    public DeletionHistory deletions(Instant since) {
        Map<ActionKind, List<Instant>> byKind = new EnumMap<>(ActionKind.class);
        for (Trace run : runs.values()) {
            run.done.forEach((kind, times) -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(times));
            run.intents.forEach((actionId, intent) -> {
                if (!run.outcomes.contains(actionId)) {
                    byKind.computeIfAbsent(intent.kind(), k -> new ArrayList<>()).add(run.intentTimes.get(actionId));
                }
            });
        }
        byKind.values().forEach(times -> times.removeIf(time -> time.isBefore(since)));
        return new DeletionHistory(since, byKind);
    }

    /** Everything read about one run. */
    private static final class Trace {
        private final String runId;
        private Instant first;
        private Instant last;
        private boolean dryRun;
        private JsonNode started;
        private JsonNode completed;
        private final Map<String, Intent> intents = new LinkedHashMap<>();
        /** stream write's action id → the links planned after it (all its intents' together) */
        private final Map<String, PlannedLinks> links = new LinkedHashMap<>();
        private final Map<String, Outcome> outcomeOf = new HashMap<>();
        private final Map<String, Instant> intentTimes = new HashMap<>();
        private final Set<String> outcomes = new HashSet<>();
        private final Map<String, Map<String, Integer>> actions = new TreeMap<>();
        private final Map<ActionKind, List<Instant>> done = new EnumMap<>(ActionKind.class);
        private final List<String> failures = new ArrayList<>();
        private final int[] succeeded = new int[ActionKind.values().length];
        private int imagesDeleted;
        private long bytes;
        private int saved;
        private int leftForGc;

        Trace(String runId) {
            this.runId = runId;
        }

        void seen(Instant time, JsonNode data) {
            first = first == null || time.isBefore(first) ? time : first;
            last = last == null || time.isAfter(last) ? time : last;
            dryRun |= data.path("dryRun").asBoolean(false);
        }

        void completed(JsonNode data) {
            // a real completion wins over the INTERRUPTED one a recovering replica wrote while the run still ended
            if (completed == null || (RunSummary.INTERRUPTED.equals(text(completed, "state"))
                    && !RunSummary.INTERRUPTED.equals(text(data, "state")))) {
                completed = data;
            }
        }

        void intent(JsonNode data, Instant time) {
            ActionKind kind = kind(text(data, "kind"));
            String actionId = text(data, "actionId");
            if (kind != null && actionId != null && !intents.containsKey(actionId)) {
                intents.put(actionId, new Intent(kind, text(data, "target"), text(data, "repository"),
                        text(data, "digest")));
                intentTimes.put(actionId, time);
            }
            JsonNode planned = data.get("links");
            if (kind == ActionKind.STREAM_UPDATE && actionId != null && planned != null && planned.isObject()) {
                links.merge(actionId, new PlannedLinks(texts(planned.get("layer")), texts(planned.get("manifest")),
                        texts(planned.get("releasedImages"))), PlannedLinks::union);
            }
        }

        /** Whether the run has no closing event, or the one a recovering replica wrote for it. */
        /** Completed, but held back by a run-wide stop (lease, staleness, shutdown): what it saved is not done. */
        boolean stopped() {
            return completed != null && text(completed, "reason") != null
                    && text(completed, "reason").startsWith(RunSummary.STOPPED_PREFIX);
        }

        boolean interrupted() {
            return completed == null || RunSummary.INTERRUPTED.equals(text(completed, "state"));
        }

        /** @return whether the outcome counted (not a redelivery, nor an event of another kind) */
        boolean outcome(String actionId, JsonNode data, Instant time) {
            ActionKind kind = AuditEvents.kindOf(text(data, "action"));
            Outcome outcome = outcomeOf(text(data, "outcome"));
            if (kind == null || outcome == null || actionId == null || !outcomes.add(actionId)) {
                // another kind of event (a later version's), or a redelivery of one already counted
                return false;
            }
            outcomeOf.put(actionId, outcome);
            actions.computeIfAbsent(kind.name(), k -> new TreeMap<>()).merge(outcome.name(), 1, Integer::sum);
            switch (outcome) {
                case FAILED -> failures.add(text(data, "error"));
                case SAVED -> saved++;
                case LEFT_FOR_GC -> leftForGc++;
                default -> {
                }
            }
            if (outcome.succeeded()) {
                succeeded[kind.ordinal()]++;
                if (kind == ActionKind.BLOB) {
                    bytes += data.path("bytes").asLong(0);
                }
            }
            if (outcome == Outcome.DONE) {
                if (kind == ActionKind.IMAGE) {
                    imagesDeleted++;
                }
                if (!data.path("dryRun").asBoolean(false)) {
                    done.computeIfAbsent(kind, k -> new ArrayList<>()).add(time);
                }
            }
            return true;
        }

        RecoveredRun recovered() {
            String trigger = started != null ? text(started, "trigger") : null;
            String targets = started != null ? text(started, "targets") : null;
            Instant startedAt = started != null ? instant(text(started, "startedAt")) : null;
            Map<String, Map<String, Integer>> counts = new TreeMap<>();
            actions.forEach((kind, byOutcome) -> counts.put(kind, Map.copyOf(byOutcome)));
            if (completed != null) {
                PruneStats stats = stats(completed.get("stats"));
                List<String> texts = strings(completed.get("failures"));
                String refused = text(completed, "refused");
                String state = text(completed, "state");
                if (state == null) {
                    // written before completions carried their state
                    state = refused != null ? "REFUSED" : texts.isEmpty() ? "SUCCEEDED" : "FAILED";
                }
                String reason = completed.has("reason") ? text(completed, "reason") : refused;
                List<Intent> unfinished = new ArrayList<>();
                completed.path("sentWithoutOutcome").forEach(i -> unfinished.add(new Intent(kind(text(i, "kind")),
                        text(i, "target"), text(i, "repository"), text(i, "digest"))));
                unfinished.removeIf(i -> i.kind() == null);
                Instant from = instant(text(completed, "startedAt"));
                return new RecoveredRun(runId, text(completed, "trigger"), completed.path("dryRun").asBoolean(dryRun),
                        targets, from != null ? from : startedAt, instant(text(completed, "finishedAt")), state,
                        reason, stats, completed.path("bytesReclaimed").asLong(0), texts,
                        completed.path("saved").asInt(0), completed.path("leftForGarbageCollection").asInt(0),
                        counts, unfinished, true);
            }
            List<Intent> unfinished = new ArrayList<>();
            intents.forEach((actionId, intent) -> {
                if (!outcomes.contains(actionId)) {
                    unfinished.add(intent);
                }
            });
            String reason = "the process running it stopped before it finished (recovered from the audit topic; "
                    + unfinished.size() + " request(s) sent without a recorded outcome, which may or may not have "
                    + "been carried out; the next run redoes what is still due)";
            PruneStats stats = new PruneStats(imagesDeleted, succeeded[ActionKind.STREAM_UPDATE.ordinal()], 0,
                    succeeded[ActionKind.LAYER_LINK.ordinal()], succeeded[ActionKind.MANIFEST_LINK.ordinal()],
                    succeeded[ActionKind.BLOB.ordinal()]);
            return new RecoveredRun(runId, trigger, dryRun, targets, startedAt != null ? startedAt : first, last,
                    RunSummary.INTERRUPTED, reason, stats, bytes, failures, saved, leftForGc, counts, unfinished,
                    false);
        }
    }

    private static PruneStats stats(JsonNode stats) {
        if (stats == null || stats.isNull()) {
            return new PruneStats(0, 0, 0, 0, 0, 0);
        }
        return new PruneStats(stats.path("deletedImages").asInt(0), stats.path("updatedImageStreams").asInt(0),
                stats.path("deletedImageStreamTagItems").asInt(0), stats.path("deletedLayerLinks").asInt(0),
                stats.path("deletedManifestLinks").asInt(0), stats.path("deletedBlobs").asInt(0));
    }

    private static List<String> strings(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null) {
            array.forEach(t -> texts.add(t.isNull() ? null : t.asText()));
        }
        return texts;
    }

    /** The text elements of an array (anything else in it is skipped). */
    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        if (array != null) {
            array.forEach(t -> {
                if (t.isTextual()) {
                    texts.add(t.asText());
                }
            });
        }
        return texts;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ActionKind kind(String name) {
        return constant(ActionKind.class, name);
    }

    private static Outcome outcomeOf(String name) {
        return constant(Outcome.class, name);
    }

    /** The constant of that name, or null: a record from another version, or a damaged one, may name none. */
    private static <E extends Enum<E>> E constant(Class<E> type, String name) {
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
