package io.imageprune.model;

/** One entry of an image's {@code dockerImageLayers}: a blob digest and its size in bytes (0 when unknown). */
public record Layer(String name, long size) {
}
