package io.imageprune.registry;

/** The registry host could not be derived from the cluster's images and streams; the message is oc's. */
public final class RegistryHostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryHostException(String message) {
        super(message);
    }
}
