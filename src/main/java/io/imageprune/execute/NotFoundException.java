package io.imageprune.execute;

/** The object to change no longer exists: for a deletion that is success, for a stream update it drops the stream. */
public class NotFoundException extends Exception {
    public NotFoundException(String message) {
        super(message);
    }
}
