package io.imageprune.properties;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.policy.PruneOptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent, deliberately naive restatement of algorithm §6 and §7 (plus safety rule 1) over a {@link
 * RandomCluster}, using the cluster's own reading of its referrers. It is written from the spec, not from the planner,
 * and computes whole sets at once instead of counting down.
 *
 * <p>Documented choices: children of kept manifest lists are followed to any depth, which is the planner's stated
 * "safest order" outcome of oc's single arbitrary-order pass (algorithm §7.1); and safety rule 1 keeps pinned images
 * together with the children (to any depth) of pinned manifest lists.
 */
final class Oracle {
    /** Removed revision keys are {@code repo|tag|originalIndex|image}; link keys {@code repo|digest}. */
    record Expected(Set<String> removedRevisions, Map<String, ImageStream> pruned, Set<String> images,
                    Set<String> layerLinks, Set<String> manifestLinks, Set<String> blobs) {
    }

    private Oracle() {
    }

    static String revisionKey(String repo, String tag, int index, String image) {
        return repo + "|" + tag + "|" + index + "|" + image;
    }

    static Expected of(RandomCluster c, PruneOptions o) {
        Set<String> usedTags = c.usedTags(o.threshold(), o.namespace());
        Set<String> usedImages = c.usedImages(o.threshold(), o.namespace());
        Set<String> removed = new HashSet<>();
        Map<String, ImageStream> pruned = new HashMap<>();
        Set<String> layerLinks = new HashSet<>();
        Set<String> manifestLinks = new HashSet<>();
        boolean size = o.pruneOverSizeLimit();

        for (ImageStream s : c.streams) {
            if (!o.namespace().isEmpty() && !o.namespace().equals(s.namespace())) {
                continue;
            }
            if (!size && s.created().isAfter(o.threshold())) {
                continue;
            }
            if (c.streamUnreadable(s)) {
                continue; // §6.2: skipped with a warning
            }
            List<Tag> kept = new ArrayList<>();
            List<Image> removedImages = new ArrayList<>();
            List<Image> keptImages = new ArrayList<>();
            boolean any = false;
            for (Tag t : s.tags()) {
                List<TagEvent> items = new ArrayList<>();
                for (int rev = 0; rev < t.items().size(); rev++) {
                    TagEvent e = t.items().get(rev);
                    Image img = c.imageByName.get(e.image());
                    boolean remove;
                    if (!size && e.created().isAfter(o.threshold())) {
                        remove = false;
                    } else if (rev == 0 && usedTags.contains(s.repo() + ":" + t.name())) {
                        remove = false;
                    } else if (img == null) {
                        remove = true;
                    } else if (size ? !exceeds(c, img, s.namespace()) : rev < o.keepTagRevisions()) {
                        remove = false;
                    } else {
                        remove = !usedImages.contains(s.repo() + "@" + img.name());
                    }
                    if (remove) {
                        any = true;
                        removed.add(revisionKey(s.repo(), t.name(), rev, e.image()));
                        if (img != null) {
                            removedImages.add(img);
                        }
                    } else {
                        items.add(e);
                        if (img != null) {
                            keptImages.add(img);
                        }
                    }
                }
                if (!items.isEmpty()) {
                    kept.add(new Tag(t.name(), items));
                }
            }
            if (!any) {
                continue;
            }
            pruned.put(s.repo(), new ImageStream(s.namespace(), s.name(), s.created(), s.dockerImageRepository(),
                    kept));
            if (o.pruneRegistry()) {
                // a kept manifest list is pulled through the repository with its children (and theirs); a child
                // nobody knows may hold any blob
                Set<String> keptBlobs = new HashSet<>();
                Set<String> keptManifests = new HashSet<>();
                boolean unknownChild = false;
                java.util.Deque<Image> pulled = new java.util.ArrayDeque<>(keptImages);
                // safety rule 1 at the repository: an image a counted referrer names by digest through it is
                // pulled there too, revision or not (one the cluster does not hold protects nothing)
                if (o.keepPinnedImages()) {
                    for (String ref : usedImages) {
                        Image image = ref.startsWith(s.repo() + "@")
                                ? c.imageByName.get(ref.substring(s.repo().length() + 1)) : null;
                        if (image != null) {
                            pulled.add(image);
                        }
                    }
                }
                while (!pulled.isEmpty()) {
                    Image i = pulled.pop();
                    if (!keptManifests.add(i.name())) {
                        continue;
                    }
                    keptBlobs.addAll(RandomCluster.blobsOf(i));
                    for (String childName : i.manifestDigests()) {
                        Image child = c.imageByName.get(childName);
                        if (child == null || child.blobs() == null) {
                            unknownChild = true;
                            keptManifests.add(childName);
                        } else {
                            pulled.add(child);
                        }
                    }
                }
                for (Image i : removedImages) {
                    for (String b : RandomCluster.blobsOf(i)) {
                        if (!unknownChild && !keptBlobs.contains(b)) {
                            layerLinks.add(s.repo() + "|" + b);
                        }
                    }
                    if (!keptManifests.contains(i.name())) {
                        manifestLinks.add(s.repo() + "|" + i.name());
                    }
                }
            }
        }

        Set<String> images = new HashSet<>();
        Set<String> blobs = new HashSet<>();
        if (o.namespace().isEmpty() && c.unreadable.isEmpty()) { // §7.2: unreadable metadata aborts stage 2
            Set<String> used = usedAfterStage1(c, pruned);
            Set<String> pins = c.pinnedWithChildren(o.threshold(), "");
            List<Image> keptImages = new ArrayList<>();
            for (Image i : c.images) {
                boolean keep = used.contains(i.name())
                        || (!o.allImages() && !i.managed())
                        || (!size && i.created().isAfter(o.threshold()))
                        || (o.keepPinnedImages() && pins.contains(i.name()));
                if (keep) {
                    keptImages.add(i);
                } else {
                    images.add(i.name());
                }
            }
            if (o.pruneRegistry()) {
                Set<String> keptDigests = new HashSet<>();
                keptImages.forEach(i -> {
                    keptDigests.add(i.name());
                    keptDigests.addAll(RandomCluster.blobsOf(i));
                });
                for (String name : images) {
                    Image i = c.imageByName.get(name);
                    if (!keptDigests.contains(name)) {
                        blobs.add(name);
                    }
                    for (String b : RandomCluster.blobsOf(i)) {
                        if (!keptDigests.contains(b)) {
                            blobs.add(b);
                        }
                    }
                }
            }
        }
        return new Expected(removed, pruned, images, layerLinks, manifestLinks, blobs);
    }

    /** algorithm §7.1: images of remaining revisions of all streams, plus (transitively) children of kept indexes. */
    static Set<String> usedAfterStage1(RandomCluster c, Map<String, ImageStream> pruned) {
        Set<String> used = new HashSet<>();
        for (ImageStream s : c.streams) {
            ImageStream after = pruned.getOrDefault(s.repo(), s);
            after.tags().forEach(t -> t.items().forEach(e -> used.add(e.image())));
        }
        Deque<String> todo = new ArrayDeque<>(used);
        while (!todo.isEmpty()) {
            Image i = c.imageByName.get(todo.pop());
            if (i == null) {
                continue;
            }
            for (String child : i.manifestDigests()) {
                if (used.add(child)) {
                    todo.add(child);
                }
            }
        }
        return used;
    }

    /** algorithm §6.5. */
    private static boolean exceeds(RandomCluster c, Image img, String namespace) {
        if (!img.hasMetadata()) {
            return false;
        }
        for (LimitRange l : c.limitRanges) {
            if (l.namespace().equals(namespace)) {
                for (long max : l.imageMaxStorage()) {
                    if (max < img.size()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
