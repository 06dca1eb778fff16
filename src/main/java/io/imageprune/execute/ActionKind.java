package io.imageprune.execute;

/** The five kinds of change a run makes, named as the audit event types name them. */
public enum ActionKind {
    STREAM_UPDATE("stream.updated"),
    LAYER_LINK("layerlink.deleted"),
    MANIFEST_LINK("manifestlink.deleted"),
    BLOB("blob.deleted"),
    IMAGE("image.deleted");

    private final String eventSuffix;

    ActionKind(String eventSuffix) {
        this.eventSuffix = eventSuffix;
    }

    /** The part of the audit event type after {@code io.imageprune.}. */
    public String eventSuffix() {
        return eventSuffix;
    }
}
