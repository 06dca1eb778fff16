package io.imageprune.snapshot;

/** A JSON syntax error found by {@link JsonScanner}, with its 1-based line and column (in bytes). */
final class JsonSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final long column;

    JsonSyntaxException(String message, int line, long column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    int line() {
        return line;
    }

    long column() {
        return column;
    }
}
