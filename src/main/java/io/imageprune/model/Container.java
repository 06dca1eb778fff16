package io.imageprune.model;

/** A container of a pod spec (or pod template): its name, whether it is an init container, and its image string. */
public record Container(String name, boolean init, String image) {
    public Container {
        name = name == null ? "" : name;
        image = image == null ? "" : image;
    }
}
