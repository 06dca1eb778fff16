package io.imageprune.snapshot;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import java.io.IOException;
import java.time.Instant;

/** {@link Tokens} over a Jackson parser (YAML, and replays of buffered YAML fields). */
final class JacksonTokens implements Tokens {
    private final JsonParser parser;

    JacksonTokens(JsonParser parser) {
        this.parser = parser;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        return parser.nextToken();
    }

    @Override
    public String nextFieldName() throws IOException {
        return parser.nextFieldName();
    }

    @Override
    public JsonToken currentToken() {
        return parser.currentToken();
    }

    @Override
    public String getText() throws IOException {
        return parser.getText();
    }

    @Override
    public String internText(Interner strings) throws IOException {
        return strings.intern(parser.getText());
    }

    @Override
    public int copyAscii(byte[] dst) {
        return -1;
    }

    @Override
    public Instant timestamp() throws IOException {
        return Rfc3339.parse(parser.getText());
    }

    @Override
    public long longValue() throws IOException {
        try {
            return parser.getLongValue();
        } catch (JacksonException e) {
            throw new NumberFormatException(e.getOriginalMessage());
        }
    }

    @Override
    public void skipChildren() throws IOException {
        parser.skipChildren();
    }

    @Override
    public String location() {
        JsonLocation loc = parser.currentLocation();
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    @Override
    public Recorder recorder() {
        TokenBuffer buffer = new TokenBuffer(parser);
        return new Recorder() {
            private boolean started;

            @Override
            public void record(String field) throws IOException {
                if (!started) {
                    buffer.writeStartObject();
                    started = true;
                }
                buffer.writeFieldName(field);
                buffer.copyCurrentStructure(parser);
            }

            @Override
            public Tokens replay() throws IOException {
                if (!started) {
                    buffer.writeStartObject();
                    started = true;
                }
                buffer.writeEndObject();
                return new JacksonTokens(buffer.asParser());
            }
        };
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
