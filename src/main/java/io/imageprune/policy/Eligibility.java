package io.imageprune.policy;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Referrer;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.ImageRef;
import io.imageprune.reference.ReferrerReferences;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * When a change of one object can make something prunable, and what: the input of event-driven pruning. A change
 * never decides anything itself; it names the streams and images a targeted pass should look at, now or at the
 * instant an age threshold passes. Naming too much costs a little planning; naming too little delays reclamation
 * until the next full run, so every object whose decision the change can flip is named.
 */
public final class Eligibility {
    private Eligibility() {
    }

    /** Streams and images to re-plan at an instant. */
    public record Due(Instant at, Set<String> streams, Set<String> images) {
    }

    /**
     * @param before the object before the change, null when it is new
     * @param after  the object after the change, null when it was deleted
     */
    public static List<Due> of(Object before, Object after, Duration keepYoungerThan, Instant now) {
        return of(before, after, keepYoungerThan, now, image -> Set.of());
    }

    /**
     * @param streamsNaming the repositories whose revisions name an image (the graph's index), for a deleted image
     */
    public static List<Due> of(Object before, Object after, Duration keepYoungerThan, Instant now,
                               Function<String, Set<String>> streamsNaming) {
        List<Due> due = new ArrayList<>();
        if (before instanceof ImageStream || after instanceof ImageStream) {
            stream((ImageStream) before, (ImageStream) after, keepYoungerThan, now, due);
        } else if (after instanceof Image image) {
            // a new image is prunable once it is old enough (if nothing references it by then)
            due.add(new Due(later(image.created().plus(keepYoungerThan), now), Set.of(), Set.of(image.name())));
        } else if (before instanceof Image image) {
            // the revisions naming a deleted image are dangling: stage 1 removes them
            Set<String> streams = streamsNaming.apply(image.name());
            if (!streams.isEmpty()) {
                due.add(new Due(now, Set.copyOf(streams), Set.of()));
            }
        } else if (before instanceof Referrer || after instanceof Referrer) {
            referrer((Referrer) before, (Referrer) after, keepYoungerThan, now, due);
        }
        return due;
    }

    private static void stream(ImageStream before, ImageStream after, Duration keepYoungerThan, Instant now,
                               List<Due> due) {
        Set<String> dropped = before == null ? new HashSet<>() : imagesOf(before);
        if (after != null) {
            dropped.removeAll(imagesOf(after));
        }
        // images no longer named by the stream may now be unreferenced
        due.add(new Due(now, after == null ? Set.of() : Set.of(after.repo()), dropped));
        if (after == null) {
            return;
        }
        Set<Instant> ageing = new HashSet<>();
        ageing.add(after.created().plus(keepYoungerThan));
        for (Tag tag : after.tags()) {
            for (TagEvent item : tag.items()) {
                ageing.add(item.created().plus(keepYoungerThan));
            }
        }
        for (Instant at : ageing) {
            if (at.isAfter(now)) {
                due.add(new Due(at, Set.of(after.repo()), Set.of()));
            }
        }
    }

    private static void referrer(Referrer before, Referrer after, Duration keepYoungerThan, Instant now,
                                 List<Due> due) {
        if (before != null) {
            // whatever the old version protected may be unprotected now
            due.add(named(now, ReferrerReferences.of(before)));
        }
        if (after != null && after.created().plus(keepYoungerThan).isAfter(now)) {
            // a finished pod stops protecting once it is older than the threshold
            due.add(named(after.created().plus(keepYoungerThan), ReferrerReferences.of(after)));
        }
    }

    private static Due named(Instant at, ExtractedReferences refs) {
        Set<String> streams = new HashSet<>();
        Set<String> images = new HashSet<>(refs.pinnedDigests());
        for (ImageRef ref : refs.refs()) {
            streams.add(ref.namespace() + "/" + ref.stream());
            if (ref.type() == ImageRef.Type.IMAGE) {
                images.add(ref.value());
            }
        }
        return new Due(at, streams, images);
    }

    private static Set<String> imagesOf(ImageStream stream) {
        Set<String> images = new HashSet<>();
        for (Tag tag : stream.tags()) {
            for (TagEvent item : tag.items()) {
                images.add(item.image());
            }
        }
        return images;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
