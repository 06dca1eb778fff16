package io.imageprune.policy;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Signatures follow their subject (issue 12 item 5, opt-in with {@code --prune-orphan-signatures}). cosign stores the
 * signature, attestations and SBOM of image {@code sha256:<hex>} under the tags {@code sha256-<hex>.sig}, {@code .att}
 * and {@code .sbom} of the image's repository; oc sees ordinary tags. With the option on:
 * <ul>
 *     <li>a revision of such a tag whose subject is orphaned — absent from the graph and named by no counted referrer,
 *     or deleted by stage 2 of the same run — is removed even where keep-tag-revisions alone would keep it, as long as
 *     nothing else keeps it (young, tag or image in use, protected, unsafe: those rules come first);</li>
 *     <li>the current revision of such a tag whose subject the run keeps is kept whatever the count says, so a kept
 *     image keeps the signature cosign reads (the tag resolves to that revision only).</li>
 * </ul>
 * Stage 2 then treats the signature images as any other: they go when no remaining revision uses them.
 *
 * <p>Which subjects stage 2 deletes depends on stage 1, which this rule changes; a signature can itself be the subject
 * of another signature. {@link #settle} finds the consistent answer from the side that keeps most: it starts with
 * every present subject kept and adds the subjects each trial plan deletes until none is added. Each round only
 * removes revisions, so the deleted set only grows and the loop ends (see docs/extensions.md).
 */
public final class OrphanSignatures {
    private static final String PREFIX = "sha256-";
    private static final int HEX = 64;
    /** The rule's switch is off, or the graph has no signature tag: every revision keeps oc's rule. */
    static final OrphanSignatures OFF = new OrphanSignatures(null, Set.of(), name -> false);

    private final ReferenceGraph graph;
    private final Set<String> deletedSubjects;
    private final Predicate<String> pinned;

    private OrphanSignatures(ReferenceGraph graph, Set<String> deletedSubjects, Predicate<String> pinned) {
        this.graph = graph;
        this.deletedSubjects = deletedSubjects;
        this.pinned = pinned;
    }

    /**
     * The image a cosign tag name refers to: {@code sha256-<64 lowercase hex>.sig|.att|.sbom} names
     * {@code sha256:<hex>}; any other name (upper case, short, another suffix) is an ordinary tag and gives null.
     */
    public static String subject(String tagName) {
        if (tagName == null || !tagName.startsWith(PREFIX) || tagName.length() < PREFIX.length() + HEX + 4) {
            return null;
        }
        String suffix = tagName.substring(PREFIX.length() + HEX);
        if (!suffix.equals(".sig") && !suffix.equals(".att") && !suffix.equals(".sbom")) {
            return null;
        }
        for (int i = PREFIX.length(); i < PREFIX.length() + HEX; i++) {
            char c = tagName.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
        }
        return "sha256:" + tagName.substring(PREFIX.length(), PREFIX.length() + HEX);
    }

    /**
     * The consistent state of the rule for a graph: the subjects stage 2 deletes when stage 1 applies the rule with
     * exactly those subjects deleted.
     *
     * @param pinned        whether a counted referrer names a digest (an absent subject some workload names is kept)
     * @param deletedImages the images a whole trial run deletes in stage 2 with stage 1 applying the given state
     */
    static OrphanSignatures settle(ReferenceGraph graph, Predicate<String> pinned,
                                   Function<OrphanSignatures, Set<String>> deletedImages) {
        Set<String> presentSubjects = new HashSet<>();
        boolean anyTag = false;
        for (String repo : graph.streamRepos()) {
            ImageStream stream = graph.stream(repo);
            for (Tag tag : stream.tags()) {
                String subject = subject(tag.name());
                if (subject != null) {
                    anyTag = true;
                    if (graph.image(subject) != null) {
                        presentSubjects.add(subject);
                    }
                }
            }
        }
        if (!anyTag) {
            return OFF;
        }
        Set<String> deleted = new HashSet<>();
        while (true) {
            OrphanSignatures trial = new OrphanSignatures(graph, Set.copyOf(deleted), pinned);
            if (presentSubjects.isEmpty()) {
                return trial;
            }
            Set<String> next = new HashSet<>(deletedImages.apply(trial));
            next.retainAll(presentSubjects);
            if (!deleted.addAll(next)) {
                return trial;
            }
        }
    }

    /**
     * The rule for one revision given the rule oc's stage 1 gives it.
     *
     * @param imageUsed whether a counted referrer uses the revision's image in its stream (oc checks this after the
     *                  count, so it is not part of {@code ocRule} when the count keeps the revision)
     */
    Rule adjust(String tagName, int rev, TagEvent item, Rule ocRule, boolean sizeMode, Predicate<TagEvent> imageUsed) {
        String subject = graph == null ? null : subject(tagName);
        if (subject == null) {
            return ocRule;
        }
        boolean orphaned = orphaned(subject);
        if (orphaned && !sizeMode && (ocRule == Rule.RECENT_REVISION || ocRule == Rule.RECENT_REVISION_IN_SCOPE)
                && !imageUsed.test(item)) {
            return Rule.ORPHAN_SIGNATURE;
        }
        if (!orphaned && rev == 0 && (ocRule == Rule.OLD_REVISION || ocRule == Rule.EXCEEDS_LIMITS)) {
            return Rule.SIGNATURE_OF_KEPT_IMAGE;
        }
        return ocRule;
    }

    /** Absent and named by no counted referrer, or deleted by stage 2 of this run. */
    boolean orphaned(String subject) {
        return graph.image(subject) == null ? !pinned.test(subject) : deletedSubjects.contains(subject);
    }

    /** How explain names the subject of a signature revision with this rule ("absent image sha256:..."). */
    String describeSubject(String tagName) {
        String subject = subject(tagName);
        if (subject == null || graph == null) {
            return null;
        }
        if (!orphaned(subject)) {
            return "kept image " + subject;
        }
        return graph.image(subject) == null ? "absent image " + subject : "image " + subject + " deleted in this run";
    }
}
