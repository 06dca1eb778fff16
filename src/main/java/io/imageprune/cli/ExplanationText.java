package io.imageprune.cli;

import io.imageprune.policy.ImageExplanation;
import io.imageprune.policy.ImageExplanation.BlobShare;
import io.imageprune.policy.ImageExplanation.ManifestList;
import io.imageprune.policy.ImageExplanation.Protection;
import io.imageprune.policy.ImageExplanation.ReferrerUse;
import io.imageprune.policy.ImageExplanation.Revision;
import io.imageprune.policy.Rule;

import java.io.PrintWriter;

/** The readable form of an explanation, for {@code plan --explain} in table mode. */
final class ExplanationText {
    private ExplanationText() {
    }

    static void write(ImageExplanation e, PrintWriter out) {
        out.println("image " + e.image());
        String verdict = switch (e.verdict()) {
            case PRUNABLE -> "PRUNABLE";
            case KEPT -> "KEPT";
            case UNKNOWN_IMAGE -> "UNKNOWN IMAGE";
        };
        out.println("  verdict: " + verdict + (e.rule() == null ? "" : " (" + e.rule().name() + ")") + ": "
                + e.reason());
        if (e.created() != null) {
            out.println("  created: " + e.created() + (e.managed() ? ", managed by OpenShift" : ", not managed"));
        }

        out.println();
        out.println("referrers naming it (" + e.referrers().size() + "):");
        for (ReferrerUse r : e.referrers()) {
            out.println("  " + r.kind().kind() + " " + (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name()
                    + ", " + r.field() + ": " + r.reference() + (r.counts() ? "" : "  [does not count in this run]"));
            for (Protection p : r.protections()) {
                out.println("    " + switch (p.how()) {
                    case PINS_DIGEST -> "pins the digest";
                    case USES_TAG -> "uses the tag " + p.target();
                    case USES_IMAGE_IN_STREAM -> "uses the image in stream " + p.target();
                });
            }
        }

        if (!e.beyondOc().isEmpty()) {
            out.println();
            out.println("beyond oc (" + e.beyondOc().size() + "):");
            e.beyondOc().forEach(line -> out.println("  " + line));
        }

        out.println();
        out.println("stream revisions (" + e.revisions().size() + "):");
        for (Revision r : e.revisions()) {
            out.println("  " + r.repository() + ":" + r.tag() + " #" + r.index() + " (" + r.created() + "): "
                    + (r.removed() ? "removed" : "kept") + ", " + rule(r.rule(), "outside the run's namespace"));
        }

        if (!e.manifestLists().isEmpty()) {
            out.println();
            out.println("manifest lists holding it (" + e.manifestLists().size() + "):");
            for (ManifestList m : e.manifestLists()) {
                out.println("  " + m.name() + ": " + (m.kept() ? "kept" : "deleted") + ", "
                        + rule(m.rule(), "stage 2 does not decide"));
            }
        }

        out.println();
        out.println("blobs (" + e.sharedBlobs().size() + "), shared with " + e.imagesSharingBlobs()
                + " other image(s):");
        for (BlobShare b : e.sharedBlobs()) {
            out.println("  " + b.kind() + " " + b.digest() + " " + Bytes.human(b.size()) + ", held by "
                    + b.otherImages() + " other image(s)");
        }
        out.println("  reclaimable (held by no other image): " + Bytes.human(e.bytes()));
    }

    private static String rule(Rule rule, String absent) {
        return rule == null ? absent : rule.name() + ": " + rule.description();
    }
}
