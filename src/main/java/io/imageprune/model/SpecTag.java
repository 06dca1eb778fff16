package io.imageprune.model;

/**
 * An ImageStream {@code spec.tags[]} entry that imports or aliases an image: {@code from} names an ImageStreamTag,
 * ImageStreamImage or DockerImage (the same object reference shape as a build's input image).
 */
public record SpecTag(String name, BuildSource from) {
    public SpecTag {
        name = name == null ? "" : name;
        from = from == null ? new BuildSource("", "", "") : from;
    }
}
