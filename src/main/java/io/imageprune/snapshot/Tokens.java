package io.imageprune.snapshot;

import com.fasterxml.jackson.core.JsonToken;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;

/**
 * A stream of JSON tokens, as {@link LoadRun} reads it: {@link JsonScanner} for JSON (fast, byte level) and
 * {@link JacksonTokens} for YAML and anything else Jackson parses. The token vocabulary is Jackson's.
 */
interface Tokens extends Closeable {
    /** The next token, null at the end of input. */
    JsonToken nextToken() throws IOException;

    /** Advances; the field name if the new token is a field name, else null (the token is then END_OBJECT). */
    String nextFieldName() throws IOException;

    JsonToken currentToken();

    /** The text of the current scalar token (string content, number as written, true/false/null). */
    String getText() throws IOException;

    /** The current VALUE_STRING interned in the given table. */
    String internText(Interner strings) throws IOException;

    /**
     * Copies the current VALUE_STRING into dst if it is plain ASCII and fits; returns its length, or -1 (then use
     * {@link #getText()}).
     */
    int copyAscii(byte[] dst) throws IOException;

    /** The current VALUE_STRING as an RFC 3339 timestamp, null if it is not one. */
    Instant timestamp() throws IOException;

    /** The current VALUE_NUMBER_INT; NumberFormatException when it does not fit a long. */
    long longValue() throws IOException;

    /**
     * Inside an array, before an element: if the next element is an image layer in exactly the shape oc writes,
     * {@code {"name":"…","size":123,"mediaType":"…"}} with plain ASCII strings and no whitespace, consumes it (as if
     * read up to its END_OBJECT), copies the name into dst and returns its length (the size is then
     * {@link #fastLayerSize()}). Otherwise returns -1 and consumes nothing.
     */
    default int fastLayer(byte[] dst) throws IOException {
        return -1;
    }

    /** The size of the layer matched by the last successful {@link #fastLayer}. */
    default long fastLayerSize() {
        return 0;
    }

    /** At START_OBJECT/START_ARRAY: skips to the matching end token. Otherwise does nothing. */
    void skipChildren() throws IOException;

    /** " at line L, column C" for the current position, or "". */
    String location();

    /** Records field values of the current object to be replayed later. */
    Recorder recorder();

    /** Field values recorded from a {@link Tokens}, replayed as one object. */
    interface Recorder {
        /** Records the field whose value is the current token, consuming the value. */
        void record(String field) throws IOException;

        /** The recorded fields as an object; the returned source is positioned before its START_OBJECT. */
        Tokens replay() throws IOException;
    }
}
