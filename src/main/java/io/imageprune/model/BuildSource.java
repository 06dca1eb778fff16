package io.imageprune.model;

/**
 * The input image of a build strategy ({@code spec.strategy.*Strategy.from}): kind {@code DockerImage},
 * {@code ImageStreamImage} or {@code ImageStreamTag} (other kinds are carried and ignored).
 */
public record BuildSource(String kind, String namespace, String name) {
    public BuildSource {
        kind = kind == null ? "" : kind;
        namespace = namespace == null ? "" : namespace;
        name = name == null ? "" : name;
    }
}
