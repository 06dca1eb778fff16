package io.imageprune.cluster;

/** The stream changed between reading and writing it (HTTP 409): the read-decide-write cycle starts over. */
public class StreamConflictException extends Exception {
    public StreamConflictException(String message) {
        super(message);
    }
}
