package io.imageprune.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The parts of an {@code image.openshift.io/v1 ImageStream} that pruning reads.
 *
 * @param dockerImageRepository status.dockerImageRepository ("" when absent), used to find the registry host
 * @param specTags    spec.tags entries with a {@code from} (holders oc does not read)
 * @param annotations the admin's imageprune.io annotations on the stream
 */
public record ImageStream(String namespace, String name, Instant created, String dockerImageRepository,
                          List<Tag> tags, List<SpecTag> specTags, AdminAnnotations annotations) {
    public ImageStream {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        created = Times.orZero(created);
        dockerImageRepository = dockerImageRepository == null ? "" : dockerImageRepository;
        tags = tags == null ? List.of() : List.copyOf(tags);
        specTags = specTags == null ? List.of() : List.copyOf(specTags);
        annotations = annotations == null ? AdminAnnotations.NONE : annotations;
    }

    /** A stream as oc reads it: no spec tags, no admin annotations. */
    public ImageStream(String namespace, String name, Instant created, String dockerImageRepository, List<Tag> tags) {
        this(namespace, name, created, dockerImageRepository, tags, List.of(), AdminAnnotations.NONE);
    }

    /** The same stream with other tags (spec tags and annotations kept). */
    public ImageStream withTags(List<Tag> newTags) {
        return new ImageStream(namespace, name, created, dockerImageRepository, newTags, specTags, annotations);
    }

    /** The registry repository of the stream, {@code <namespace>/<name>}; also its key. */
    public String repo() {
        return namespace + "/" + name;
    }
}
