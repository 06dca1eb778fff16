package io.imageprune.prune;

import io.smallrye.mutiny.Uni;

/** Opens the registry connection of a confirmed run: the configured URL or the discovered host, pinged (spec §3). */
public interface RegistryConnector {
    /**
     * @param discoveredHost the host found from the graph's images and streams, used when no URL is configured; null
     *                       when discovery failed
     * @param discoveryError why discovery failed, or null
     */
    Uni<RegistryCalls> connect(String discoveredHost, String discoveryError);
}
