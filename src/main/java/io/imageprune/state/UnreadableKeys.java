package io.imageprune.state;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state-topic keys whose newest record could not be read (malformed, unknown schema version, untrusted): what
 * that object is now is unknown, so the graph cannot be trusted until a readable record or a tombstone for the key
 * arrives, or an operator acknowledges the key ({@code imageprune.state.acknowledged-unreadable}). Rebuilt by every
 * replay from the beginning, since it holds only what the records say. Thread-safe: the consumer writes, anyone
 * reads.
 */
final class UnreadableKeys {
    private static final Logger LOG = Logger.getLogger(UnreadableKeys.class);
    /** How many keys the status and the not-synced reason name; the count is always complete. */
    static final int NAMED = 10;

    /** Why a key's newest record could not be read, and where that record is. */
    record Entry(String reason, String origin) {
    }

    private final Set<String> acknowledged;
    private final Map<String, Entry> blocking = new TreeMap<>();
    private final Map<String, Entry> acknowledgedSeen = new TreeMap<>();
    /** Whether any key is tracked: every applied record asks, and a replay must not pay for a lock each time. */
    private volatile boolean anyTracked;

    UnreadableKeys(Set<String> acknowledged) {
        this.acknowledged = Set.copyOf(acknowledged);
        if (!this.acknowledged.isEmpty()) {
            LOG.warnf("imageprune.state.acknowledged-unreadable: an unreadable newest record does not stop pruning "
                    + "for these %d keys (acknowledged by the operator): %s", this.acknowledged.size(),
                    new TreeSet<>(this.acknowledged));
        }
    }

    /** The newest record of {@code key} could not be read. */
    synchronized void unreadable(String key, String reason, String origin) {
        Entry entry = new Entry(reason, origin);
        if (acknowledged.contains(key)) {
            acknowledgedSeen.put(key, entry);
            anyTracked = true;
            LOG.warnf("unreadable state record %s at %s does not stop pruning: acknowledged in "
                    + "imageprune.state.acknowledged-unreadable (%s)", key, origin, reason);
            return;
        }
        blocking.put(key, entry);
        anyTracked = true;
    }

    /** A readable record (or a tombstone) of {@code key} was applied: what the key holds is known again. */
    void readable(String key) {
        if (!anyTracked) {
            return;
        }
        synchronized (this) {
            if (blocking.remove(key) != null) {
                LOG.infof("state key %s is readable again", key);
            }
            acknowledgedSeen.remove(key);
            anyTracked = !blocking.isEmpty() || !acknowledgedSeen.isEmpty();
        }
    }

    /** Keys that keep the graph from being synced. */
    synchronized int blockingCount() {
        return blocking.size();
    }

    /** Why the graph is not synced because of unreadable records, or null. */
    synchronized String problem() {
        if (blocking.isEmpty()) {
            return null;
        }
        List<String> named = new ArrayList<>();
        for (Map.Entry<String, Entry> e : blocking.entrySet()) {
            if (named.size() == NAMED) {
                break;
            }
            named.add(e.getKey() + " (" + e.getValue().reason() + ")");
        }
        return blocking.size() + " state key(s) whose newest record cannot be read: " + String.join("; ", named)
                + (blocking.size() > NAMED ? "; and " + (blocking.size() - NAMED) + " more" : "")
                + " — publish a readable record or tombstone for the key, or acknowledge it in "
                + "imageprune.state.acknowledged-unreadable";
    }

    /** For the status API: the count, the first keys with reason and origin, and acknowledged keys met. */
    synchronized Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("count", blocking.size());
        status.put("keys", describe(blocking));
        status.put("acknowledged", describe(acknowledgedSeen));
        return status;
    }

    private static List<Map<String, String>> describe(Map<String, Entry> entries) {
        List<Map<String, String>> described = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (described.size() == NAMED) {
                break;
            }
            described.add(Map.of("key", e.getKey(), "reason", e.getValue().reason(), "origin",
                    e.getValue().origin()));
        }
        return described;
    }

    /** The consumer replays from the beginning: the replay finds the unreadable keys again. */
    synchronized void reset() {
        blocking.clear();
        acknowledgedSeen.clear();
        anyTracked = false;
    }
}
