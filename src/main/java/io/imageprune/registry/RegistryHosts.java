package io.imageprune.registry;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.reference.GoQuote;
import io.imageprune.reference.InvalidReferenceException;
import io.imageprune.reference.ParsedReference;
import io.imageprune.reference.ReferenceParser;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * oc's {@code DetermineRegistryHost}: the registry host when no {@code --registry-url} is given (algorithm §3 step 1).
 */
public final class RegistryHosts {
    static final String PREFIX = "unable to find the remote registry host: ";

    private RegistryHosts() {
    }

    /**
     * The registry part of the newest managed image's {@code dockerImageReference}; without managed images, of the
     * oldest stream's non-empty {@code status.dockerImageRepository} (oc walks the streams newest first and keeps the
     * last value it sees). Go's sort is not stable; here equal timestamps keep the order given.
     *
     * @throws RegistryHostException with oc's text, e.g. "unable to find the remote registry host: no managed image
     *                               found"
     */
    public static String discover(Collection<Image> images, Collection<ImageStream> streams) {
        String pullSpec = "";
        Image newest = null;
        for (Image image : images) {
            if (image.managed() && (newest == null || image.created().isAfter(newest.created()))) {
                newest = image;
            }
        }
        if (newest != null) {
            pullSpec = newest.dockerImageReference();
        } else {
            List<ImageStream> byAge = new ArrayList<>(streams);
            byAge.sort(Comparator.comparing(ImageStream::created).reversed());
            for (ImageStream stream : byAge) {
                if (!stream.dockerImageRepository().isEmpty()) {
                    pullSpec = stream.dockerImageRepository();
                }
            }
        }
        if (pullSpec.isEmpty()) {
            throw new RegistryHostException(PREFIX + "no managed image found");
        }
        ParsedReference ref;
        try {
            ref = ReferenceParser.parse(pullSpec);
        } catch (InvalidReferenceException e) {
            throw new RegistryHostException(PREFIX + "unable to parse " + GoQuote.quote(pullSpec) + ": "
                    + e.getMessage());
        }
        if (ref.registry().isEmpty()) {
            throw new RegistryHostException(PREFIX + pullSpec + " does not include a registry");
        }
        return ref.registry();
    }
}
