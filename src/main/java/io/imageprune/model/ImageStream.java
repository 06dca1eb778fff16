package io.imageprune.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The parts of an {@code image.openshift.io/v1 ImageStream} that pruning reads.
 *
 * @param dockerImageRepository status.dockerImageRepository ("" when absent), used to find the registry host
 */
public record ImageStream(String namespace, String name, Instant created, String dockerImageRepository,
                          List<Tag> tags) {
    public ImageStream {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        created = Times.orZero(created);
        dockerImageRepository = dockerImageRepository == null ? "" : dockerImageRepository;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The registry repository of the stream, {@code <namespace>/<name>}; also its key. */
    public String repo() {
        return namespace + "/" + name;
    }
}
