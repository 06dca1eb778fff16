package io.imageprune.prune;

import io.imageprune.audit.UnfinishedLink;
import io.imageprune.execute.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository links interrupted runs left behind after writing their streams (see {@link UnfinishedLink}), as the
 * latest recovery found them, until a confirmed full run finishes them: a link is forgotten once a run recorded it
 * DONE or ALREADY_GONE (404 = done), or SAVED (still in use: the normal plan owns it again); a FAILED or DEFERRED
 * one stays for the next run. Thread-safe.
 */
@ApplicationScoped
public class UnfinishedLinks {
    private final Map<String, UnfinishedLink> links = new LinkedHashMap<>();

    /** What a recovery found: replaces what an earlier one did (the topic is the truth). */
    public synchronized void replace(List<UnfinishedLink> recovered) {
        links.clear();
        recovered.forEach(link -> links.put(key(link), link));
    }

    public synchronized List<UnfinishedLink> pending() {
        return new ArrayList<>(links.values());
    }

    /** A run's outcome for the link: forgets it unless the job is still to be done. */
    public synchronized void settled(UnfinishedLink link, Outcome outcome) {
        if (outcome.succeeded() || outcome == Outcome.SAVED) {
            links.remove(key(link));
        }
    }

    private static String key(UnfinishedLink link) {
        return link.kind().name() + " " + link.repository() + "@" + link.digest();
    }
}
