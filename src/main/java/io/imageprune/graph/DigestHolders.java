package io.imageprune.graph;

import io.imageprune.model.Image;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Digest → the images holding it: as a layer or config blob, or as their own manifest (the digests whose global
 * count {@link ReferenceGraph#globalCount} is). A targeted stage 2 starts from its target images and follows only the
 * digests they hold, instead of walking every image of the graph.
 *
 * <p>Most digests have one holder, kept as the image itself; a shared one keeps an array. An image holding a digest
 * twice is listed once. Images whose blobs cannot be read are not indexed (stage 2 does not run while there are any).
 */
final class DigestHolders {
    private final Map<String, Object> byDigest;

    private DigestHolders(int expectedDigests) {
        byDigest = new HashMap<>(Math.max(16, expectedDigests * 4 / 3 + 1));
    }

    static DigestHolders of(Collection<Image> images, int expectedDigests) {
        DigestHolders holders = new DigestHolders(expectedDigests);
        for (Image image : images) {
            holders.add(image);
        }
        return holders;
    }

    void add(Image image) {
        List<String> blobs = image.blobs();
        if (blobs == null) {
            return;
        }
        link(image.name(), image);
        for (String blob : blobs) {
            link(blob, image);
        }
    }

    void remove(Image image) {
        List<String> blobs = image.blobs();
        if (blobs == null) {
            return;
        }
        unlink(image.name(), image);
        for (String blob : blobs) {
            unlink(blob, image);
        }
    }

    /** The images holding the digest, each once; empty when none does. */
    List<Image> holders(String digest) {
        Object held = byDigest.get(digest);
        if (held == null) {
            return List.of();
        }
        if (held instanceof Image image) {
            return List.of(image);
        }
        Shared shared = (Shared) held;
        return Arrays.asList(shared.images).subList(0, shared.size);
    }

    private void link(String digest, Image image) {
        Object held = byDigest.get(digest);
        if (held == null) {
            byDigest.put(digest, image);
        } else if (held instanceof Image single) {
            if (single != image) {
                byDigest.put(digest, new Shared(single, image));
            }
        } else {
            ((Shared) held).add(image);
        }
    }

    private void unlink(String digest, Image image) {
        Object held = byDigest.get(digest);
        if (held == image) {
            byDigest.remove(digest);
        } else if (held instanceof Shared shared && shared.remove(image)) {
            if (shared.size == 1) {
                byDigest.put(digest, shared.images[0]);
            }
        }
    }

    /** The holders of a digest held by two or more images; order is not kept (removal swaps in the last one). */
    private static final class Shared {
        Image[] images;
        int size;

        Shared(Image first, Image second) {
            images = new Image[] {first, second};
            size = 2;
        }

        void add(Image image) {
            for (int i = 0; i < size; i++) {
                if (images[i] == image) {
                    return;
                }
            }
            if (size == images.length) {
                images = Arrays.copyOf(images, size * 2);
            }
            images[size++] = image;
        }

        boolean remove(Image image) {
            for (int i = 0; i < size; i++) {
                if (images[i] == image) {
                    images[i] = images[--size];
                    images[size] = null;
                    return true;
                }
            }
            return false;
        }
    }
}
