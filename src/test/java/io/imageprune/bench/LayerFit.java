package io.imageprune.bench;

import io.imageprune.bench.ClusterModel.Image;
import io.imageprune.bench.ClusterModel.Item;
import io.imageprune.bench.ClusterModel.Stream;
import io.imageprune.bench.ClusterModel.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * Brings the drawn layer lists to the profile's three layer totals, one at a time so that each correction leaves the
 * ones before it alone: the layers the tag items reach (changed only on images one item names), all layer references
 * (changed only on images no item names: orphans and manifest-list children), the distinct layers (a layer swapped
 * for a shared one or a new one, lengths unchanged). An image keeps 3 to 15 layers.
 */
final class LayerFit {
    private static final int MIN = 3;
    private static final int MAX = 15;

    private final ClusterModel model;
    private final ClusterProfile profile;
    private final SplittableRandom random;
    private final List<Image> plain;
    private final IntSupplier newLayer;
    private final int[][] shared;
    private final LayerTable layers;

    LayerFit(ClusterModel model, ClusterProfile profile, SplittableRandom random, List<Image> plain,
             IntSupplier newLayer, int[][] bases, int[][] runtimes) {
        this.model = model;
        this.profile = profile;
        this.random = random;
        this.plain = plain;
        this.newLayer = newLayer;
        this.layers = model.layers;
        this.shared = new int[bases.length + runtimes.length][];
        System.arraycopy(bases, 0, shared, 0, bases.length);
        System.arraycopy(runtimes, 0, shared, bases.length, runtimes.length);
    }

    void fit() {
        int missing = 0;
        for (Stream stream : model.streams) {
            for (Tag tag : stream.tags) {
                for (Item item : tag.items) {
                    if (item.image == null) {
                        missing++;
                    } else {
                        item.image.items++;
                    }
                }
            }
        }
        List<Image> once = new ArrayList<>();
        List<Image> twice = new ArrayList<>();
        List<Image> untagged = new ArrayList<>();
        List<Image> free = new ArrayList<>();
        long reached = 0;
        long references = 0;
        for (Image image : plain) {
            for (int layer : image.layers) {
                layers.use(layer, 1);
            }
            reached += (long) image.items * image.layers.length;
            references += image.layers.length;
            if (!image.fixture) {
                free.add(image);
                if (image.items == 1) {
                    once.add(image);
                } else if (image.items == 0) {
                    untagged.add(image);
                } else if (image.items == 2) {
                    twice.add(image);
                }
            }
        }
        ClusterProfile.Layers wanted = profile.layers();
        long wantedReached = wanted.tagItemBlobReferences() - (wanted.tagItems() - missing);
        long change = wantedReached - reached;
        resize(once, change, "layers reached from tag items");
        long left = resize(untagged, wanted.references() - references - change, null);
        // too few untagged images (small sizes): one layer more on an image two items name, one less on two images
        // one item names, and the other way round, change the references by one and the layers reached not at all
        for (long i = Math.abs(left); i > 0; i--) {
            long step = Long.signum(left);
            resize(twice, -step, "layer references (two-item images)");
            resize(once, 2 * step, "layer references (one-item images)");
        }
        distinct(free, wanted.distinct() - layers.distinctInUse());
    }

    /**
     * Adds a shared layer to, or takes the last layer from, images of {@code among} until {@code delta} is met.
     *
     * @param what names the total for the error when it cannot be met; null: returns what is left instead
     */
    private long resize(List<Image> among, long delta, String what) {
        long attempts = 0;
        long limit = 100L * among.size() + 10_000;
        while (delta != 0) {
            if (among.isEmpty() || attempts++ >= limit) {
                ClusterGenerator.require(what == null, what + " still " + delta + " off after " + attempts
                        + " changes on " + among.size() + " images");
                return delta;
            }
            Image image = among.get(random.nextInt(among.size()));
            if (delta > 0 && image.layers.length < MAX) {
                int layer = sharedNotIn(image);
                if (layer >= 0) {
                    image.layers = ClusterGenerator.insert(image.layers, image.layers.length, layer);
                    layers.use(layer, 1);
                    delta--;
                }
            } else if (delta < 0 && image.layers.length > MIN) {
                int last = image.layers[image.layers.length - 1];
                image.layers = java.util.Arrays.copyOf(image.layers, image.layers.length - 1);
                layers.use(last, -1);
                delta++;
            }
        }
        return 0;
    }

    /** swaps a layer held twice or more for a new one (+1 distinct), or one held once for a shared one (-1) */
    private void distinct(List<Image> among, long delta) {
        long attempts = 0;
        long limit = 100L * among.size() + 10_000;
        while (delta != 0) {
            ClusterGenerator.require(!among.isEmpty() && attempts++ < limit,
                    "distinct layers still " + delta + " off after " + attempts + " changes");
            Image image = among.get(random.nextInt(among.size()));
            int at = random.nextInt(image.layers.length);
            int layer = image.layers[at];
            if (layer == LayerTable.EMPTY) {
                continue;
            }
            if (delta > 0 && layers.uses(layer) >= 2) {
                int fresh = newLayer.getAsInt();
                image.layers[at] = fresh;
                layers.use(layer, -1);
                layers.use(fresh, 1);
                delta--;
            } else if (delta < 0 && layers.uses(layer) == 1) {
                int other = sharedNotIn(image);
                if (other >= 0 && layers.uses(other) >= 1) {
                    image.layers[at] = other;
                    layers.use(layer, -1);
                    layers.use(other, 1);
                    delta++;
                }
            }
        }
    }

    private int sharedNotIn(Image image) {
        int[] pool = shared[random.nextInt(shared.length)];
        int layer = pool[random.nextInt(pool.length)];
        for (int held : image.layers) {
            if (held == layer) {
                return -1;
            }
        }
        return layer;
    }
}
