package io.imageprune.snapshot;

import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A strict, streaming JSON tokenizer over UTF-8 bytes, made for big snapshots (Jackson's general-purpose parser
 * spends most of a 600 MB load decoding text nobody reads): plain ASCII strings are hashed and interned straight from
 * the byte buffer, field names are canonical String instances (usually found by predicting the next one), oc's image
 * layer objects have a one-pass fast path ({@link #fastLayer}), and the buffer is a sliding window over the input.
 * Validates the whole grammar (RFC 8259) including skipped values; errors are {@link JsonSyntaxException}s with line
 * and column (in bytes). Also: a few methods are deliberately kept larger than the JIT's inlining limit (325 bytes of
 * bytecode) so that they are compiled once instead of into every caller; see the comments where that matters.
 * The code repeats shapes where a general form would cost on the hot path: the escape table is a switch spelled out,
 * the scans of a string, a name and a skipped value are separate loops over the same bytes (each stops for different
 * reasons), and the fast paths check their bytes literally.
 */
final class JsonScanner implements Tokens {
    static final int MAX_DEPTH = 1000;
    private static final int INITIAL_BUFFER = 1 << 16;
    private static final int LOOKAHEAD = 512;

    private static final byte ROOT = 0;
    private static final byte OBJECT = 1;
    private static final byte ARRAY = 2;

    /** For string scanning: 0 = ordinary byte; 1 = quote, backslash or control character; 2 = non-ASCII. */
    private static final byte[] STRING_CODES = new byte[256];

    static {
        for (int i = 0; i < 0x20; i++) {
            STRING_CODES[i] = 1;
        }
        STRING_CODES['"'] = 1;
        STRING_CODES['\\'] = 1;
        for (int i = 0x80; i < 0x100; i++) {
            STRING_CODES[i] = 2;
        }
    }

    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    /** Absolute input offset of buf[0]. */
    private long bufOffset;
    private int line = 1;
    /** Absolute input offset of the first byte of the current line. */
    private long lineStart;

    private JsonToken token;
    /** Index of the first byte of the current token (quote, digit, brace...). */
    private int tokenPos;
    /** For strings: content start (after the quote) and end (the closing quote, when known); for numbers: the text. */
    private int textStart;
    private int textEnd;
    /** The current string has no escapes and only ASCII bytes. */
    private boolean simple;
    /** Start of a value being captured by a recorder, -1 when none. */
    private int captureStart = -1;

    private byte[] ctxType = new byte[32];
    private boolean[] ctxEntries = new boolean[32];
    private int depth;

    private String currentName;
    private final NameTable names = new NameTable();

    JsonScanner(InputStream in) {
        this(in, INITIAL_BUFFER);
    }

    JsonScanner(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** A scanner over bytes in memory (used for replays). */
    JsonScanner(byte[] bytes) {
        this.in = null;
        this.buf = bytes;
        this.limit = bytes.length;
        this.eof = true;
    }

    // ================================================================== tokens

    @Override
    public JsonToken currentToken() {
        return token;
    }

    @Override
    public String nextFieldName() throws IOException {
        return nextToken() == JsonToken.FIELD_NAME ? currentName : null;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        return next(true);
    }

    private JsonToken next(boolean wantNames) throws IOException {
        if (token == JsonToken.FIELD_NAME) {
            return token = value(peek());
        }
        int c = peek();
        switch (ctxType[depth]) {
            case OBJECT:
                if (c == '}') {
                    pos++;
                    depth--;
                    return token = JsonToken.END_OBJECT;
                }
                if (ctxEntries[depth]) {
                    if (c != ',') {
                        throw unexpected(c, "expected ',' or '}' after an object entry");
                    }
                    pos++;
                    c = peek();
                } else {
                    ctxEntries[depth] = true;
                }
                if (c != '"') {
                    throw unexpected(c, "expected a field name (a double-quoted string)");
                }
                currentName = wantNames ? readName() : skipName();
                c = peek();
                if (c != ':') {
                    throw unexpected(c, "expected ':' after a field name");
                }
                pos++;
                return token = JsonToken.FIELD_NAME;
            case ARRAY:
                if (c == ']') {
                    pos++;
                    depth--;
                    return token = JsonToken.END_ARRAY;
                }
                if (ctxEntries[depth]) {
                    if (c != ',') {
                        throw unexpected(c, "expected ',' or ']' after an array element");
                    }
                    pos++;
                    c = peek();
                } else {
                    ctxEntries[depth] = true;
                }
                return token = value(c);
            default:
                if (c < 0) {
                    return token = null;
                }
                return token = value(c);
        }
    }

    private JsonToken value(int c) throws IOException {
        tokenPos = pos;
        switch (c) {
            case '{':
                pos++;
                push(OBJECT);
                return JsonToken.START_OBJECT;
            case '[':
                pos++;
                push(ARRAY);
                return JsonToken.START_ARRAY;
            case '"':
                pos++;
                textStart = pos;
                scanString();
                return JsonToken.VALUE_STRING;
            case 't':
                literal("true");
                return JsonToken.VALUE_TRUE;
            case 'f':
                literal("false");
                return JsonToken.VALUE_FALSE;
            case 'n':
                literal("null");
                return JsonToken.VALUE_NULL;
            case '-':
            case '0':
            case '1':
            case '2':
            case '3':
            case '4':
            case '5':
            case '6':
            case '7':
            case '8':
            case '9':
                return number();
            default:
                throw unexpected(c, "expected a value");
        }
    }

    private void push(byte type) {
        int d = depth + 1;
        if (d >= ctxType.length) {
            growContexts();
        }
        ctxType[d] = type;
        ctxEntries[d] = false;
        depth = d;
    }

    private void growContexts() {
        if (depth >= MAX_DEPTH) {
            throw error(pos - 1, "nesting depth exceeds " + MAX_DEPTH);
        }
        int size = Math.min(ctxType.length * 2, MAX_DEPTH + 1);
        ctxType = Arrays.copyOf(ctxType, size);
        ctxEntries = Arrays.copyOf(ctxEntries, size);
    }

    private static final byte[] LAYER_NAME = "{\"name\":\"".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAYER_SIZE = "\",\"size\":".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAYER_MEDIA_TYPE = ",\"mediaType\":\"".getBytes(StandardCharsets.ISO_8859_1);
    private long fastSize;

    @Override
    public int fastLayer(byte[] dst) throws IOException {
        if (ctxType[depth] != ARRAY) {
            return -1;
        }
        int c = skipWhitespace();
        byte[] b = buf;
        int end = limit;
        int i = pos;
        // the checks are accumulated rather than returned early: fewer rarely-taken branches for the JIT to trip on
        boolean ok = token == JsonToken.START_ARRAY | token == JsonToken.END_OBJECT;
        if (ctxEntries[depth]) {
            ok &= c == ',';
            i++;
        }
        ok &= matches(b, i, end, LAYER_NAME);
        i += LAYER_NAME.length;
        int nameStart = i;
        byte[] codes = STRING_CODES;
        while (i < end && codes[b[i] & 0xff] == 0) { // stops at quotes, escapes, control and non-ASCII bytes
            i++;
        }
        int nameLen = i - nameStart;
        ok &= nameLen > 0 & nameLen <= dst.length & matches(b, i, end, LAYER_SIZE);
        i += LAYER_SIZE.length;
        int digits = i;
        long size = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            size = size * 10 + (b[i] - '0');
            i++;
        }
        int n = i - digits;
        ok &= n > 0 && n <= 18 && (n == 1 || b[digits] != '0') && matches(b, i, end, LAYER_MEDIA_TYPE);
        i += LAYER_MEDIA_TYPE.length;
        while (i < end && codes[b[i] & 0xff] == 0) {
            i++;
        }
        ok &= i + 1 < end && b[i] == '"' & b[i + 1] == '}';
        if (!ok) {
            return -1;
        }
        System.arraycopy(b, nameStart, dst, 0, nameLen);
        fastSize = size;
        pos = i + 2;
        ctxEntries[depth] = true;
        token = JsonToken.END_OBJECT;
        return nameLen;
    }

    @Override
    public long fastLayerSize() {
        return fastSize;
    }

    private static boolean matches(byte[] b, int at, int end, byte[] expected) {
        if (at + expected.length > end) {
            return false;
        }
        for (int j = 0; j < expected.length; j++) {
            if (b[at + j] != expected[j]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void skipChildren() throws IOException {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return;
        }
        int target = depth - 1;
        for (;;) {
            JsonToken t = next(false);
            if ((t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) && depth == target) {
                return;
            }
        }
    }

    /**
     * The next byte (0..255) without consuming it when it is not whitespace and the buffer is well filled, which is
     * nearly always the case in compact JSON; else {@link #skipWhitespace()}. Small enough to be inlined at each use.
     */
    private int peek() throws IOException {
        int p = pos;
        if (limit - p >= LOOKAHEAD) {
            int b = buf[p] & 0xff;
            if (b > ' ') {
                return b;
            }
        }
        return skipWhitespace();
    }

    /**
     * The next non-whitespace byte (0..255) without consuming it, or -1 at the end of input. Also refills the buffer
     * ahead of time, so that short tokens (literals, numbers, field names) never straddle a refill: those rare paths
     * would otherwise only show up deep into a big file.
     */
    private int skipWhitespace() throws IOException {
        for (;;) {
            if (limit - pos < LOOKAHEAD && !eof) {
                // the refill of loadMore(), written out: this method then stays above the JIT's inlining size and
                // is compiled once instead of into every peek() of next()
                int keep = captureStart >= 0 && captureStart < pos ? captureStart : pos;
                if (keep > 0 && limit > buf.length / 2) {
                    int remaining = limit - keep;
                    System.arraycopy(buf, keep, buf, 0, remaining);
                    limit = remaining;
                    pos -= keep;
                    tokenPos -= keep;
                    textStart -= keep;
                    textEnd -= keep;
                    if (captureStart >= 0) {
                        captureStart -= keep;
                    }
                    bufOffset += keep;
                }
                if (limit == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    eof = true;
                } else {
                    limit += n;
                }
                continue;
            }
            if (pos >= limit) {
                return -1;
            }
            int b = buf[pos] & 0xff;
            if (b > ' ') {
                return b;
            }
            if (b == ' ' || b == '\t' || b == '\r') {
                pos++;
            } else if (b == '\n') {
                pos++;
                line++;
                lineStart = bufOffset + pos;
            } else {
                return b;
            }
        }
    }

    private void literal(String word) throws IOException {
        int n = word.length();
        while (limit - pos < n && loadMore()) {
            // keep loading
        }
        for (int i = 0; i < n; i++) {
            if (pos + i >= limit || buf[pos + i] != word.charAt(i)) {
                throw error(pos, "unrecognized token: expected a value (such as \"" + word + "\")");
            }
        }
        pos += n;
    }

    /** The value of the current VALUE_NUMBER_INT when {@link #longValid}. */
    private long longVal;
    private boolean longValid;

    private JsonToken number() throws IOException {
        // fast path: an integer of at most 18 digits that ends inside the buffer
        byte[] b = buf;
        int end = limit;
        int i = pos;
        boolean negative = b[i] == '-';
        i += negative ? 1 : 0;
        int digits = i;
        long v = 0;
        while (i < end) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            v = v * 10 + d;
            i++;
        }
        int n = i - digits;
        // conditions combined without short-circuits: a one-digit number or a negative one first met late in a big
        // document then does not hit a never-taken (trapping) branch of the compiled scanner
        if (i < end) {
            int c = b[i];
            boolean integer = n > 0 & n <= 18 & (n == 1 | b[digits] != '0') & c != '.' & c != 'e' & c != 'E';
            if (integer) {
                textStart = pos;
                textEnd = i;
                pos = i;
                longVal = negative ? -v : v;
                longValid = true;
                return JsonToken.VALUE_NUMBER_INT;
            }
        }
        longValid = false;
        return numberSlow();
    }

    private JsonToken numberSlow() throws IOException {
        // pos stays at the number's start while scanning, so a refill keeps it in the buffer
        int rel = 0;
        boolean integral = true;
        int state = 0; // 0 start, 1 after '-', 2 int digits, 3 after leading 0, 4 after '.', 5 frac digits,
        // 6 after e, 7 after e sign, 8 exp digits
        for (;;) {
            if (pos + rel >= limit && !loadMore()) {
                break;
            }
            int b = buf[pos + rel];
            int next;
            switch (state) {
                case 0:
                    next = b == '-' ? 1 : b == '0' ? 3 : isDigit(b) ? 2 : -1;
                    break;
                case 1:
                    next = b == '0' ? 3 : isDigit(b) ? 2 : -1;
                    break;
                case 2:
                    next = isDigit(b) ? 2 : b == '.' ? 4 : (b == 'e' || b == 'E') ? 6 : 99;
                    break;
                case 3:
                    next = b == '.' ? 4 : (b == 'e' || b == 'E') ? 6 : isDigit(b) ? -2 : 99;
                    break;
                case 4:
                    next = isDigit(b) ? 5 : -1;
                    break;
                case 5:
                    next = isDigit(b) ? 5 : (b == 'e' || b == 'E') ? 6 : 99;
                    break;
                case 6:
                    next = (b == '+' || b == '-') ? 7 : isDigit(b) ? 8 : -1;
                    break;
                case 7:
                    next = isDigit(b) ? 8 : -1;
                    break;
                default:
                    next = isDigit(b) ? 8 : 99;
            }
            if (next == 99) {
                break;
            }
            if (next == -2) {
                throw error(pos, "invalid number: leading zeroes are not allowed");
            }
            if (next < 0) {
                throw error(pos + rel, "invalid number: unexpected " + describe(b & 0xff));
            }
            if (next >= 4) {
                integral = false;
            }
            state = next;
            rel++;
        }
        if (state != 2 && state != 3 && state != 5 && state != 8) {
            throw error(pos + rel, "invalid number: unexpected end-of-input");
        }
        textStart = pos;
        textEnd = pos + rel;
        pos += rel;
        return integral ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
    }

    private static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    // ================================================================== names

    /** pos at the opening quote; returns the canonical name and leaves pos after the closing quote. */
    private String readName() throws IOException {
        String predicted = names.predicted(buf, pos + 1, limit);
        if (predicted != null) {
            pos += predicted.length() + 2;
            return predicted;
        }
        for (;;) {
            int start = pos + 1;
            int h = 0;
            for (int i = start; i < limit; i++) {
                int b = buf[i];
                if (b == '"') {
                    pos = i + 1;
                    return names.get(buf, start, i - start, h);
                }
                if (b < 0x20 || b == '\\') { // also every non-ASCII byte (negative)
                    return decodeName();
                }
                h = 31 * h + b;
            }
            if (!loadMore()) {
                throw error(limit, "unexpected end-of-input in a field name");
            }
        }
    }

    /** A name with escapes or non-ASCII characters: decoded, not canonicalized. */
    private String decodeName() throws IOException {
        pos++;
        textStart = pos;
        scanString();
        return simple ? new String(buf, textStart, textEnd - textStart, StandardCharsets.ISO_8859_1) : decode();
    }

    private String skipName() throws IOException {
        pos++;
        textStart = pos;
        scanString();
        return null;
    }

    // ================================================================== strings

    /**
     * Scans a string whose content starts at {@link #textStart} (= pos) to its closing quote: sets {@link #textEnd}
     * and {@link #simple} and leaves pos after the quote. Strings are scanned when met (the end has to be found
     * anyway), which keeps every accessor trivial.
     */
    private void scanString() throws IOException {
        boolean plain = true;
        int i = textStart;
        for (;;) {
            byte[] b = buf;
            int end = limit;
            while (i < end) {
                int c = b[i] & 0xff;
                int code = STRING_CODES[c];
                if (code == 0) {
                    i++;
                    continue;
                }
                if (c == '"') {
                    textEnd = i;
                    pos = i + 1;
                    simple = plain;
                    return;
                }
                plain = false;
                if (c == '\\') {
                    i += 2;
                } else if (code == 2) {
                    i++;
                } else {
                    throw error(i, "invalid control character " + describe(c) + " in a string: it must be escaped");
                }
            }
            int rel = i - textStart;
            // pos is still at textStart, so a refill keeps the string
            if (!loadMore()) {
                throw error(limit, "unexpected end-of-input in a string");
            }
            i = textStart + rel;
        }
    }

    /** The current finished string, decoding escapes and UTF-8. */
    private String decode() {
        StringBuilder sb = new StringBuilder(textEnd - textStart);
        int segment = textStart;
        int i = textStart;
        while (i < textEnd) {
            if (buf[i] != '\\') {
                i++;
                continue;
            }
            if (i > segment) {
                sb.append(new String(buf, segment, i - segment, StandardCharsets.UTF_8));
            }
            int c = buf[i + 1];
            i += 2;
            switch (c) {
                case '"':
                    sb.append('"');
                    break;
                case '\\':
                    sb.append('\\');
                    break;
                case '/':
                    sb.append('/');
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u':
                    int value = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = i + k < textEnd ? Character.digit(buf[i + k], 16) : -1;
                        if (d < 0) {
                            throw error(i - 2, "invalid \\u escape in a string");
                        }
                        value = value * 16 + d;
                    }
                    i += 4;
                    sb.append((char) value);
                    break;
                default:
                    throw error(i - 2, "invalid escape " + describe(c & 0xff) + " in a string");
            }
            segment = i;
        }
        if (textEnd > segment) {
            sb.append(new String(buf, segment, textEnd - segment, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Override
    public String getText() throws IOException {
        if (token == null) {
            return null;
        }
        switch (token) {
            case VALUE_STRING:
                return simple ? new String(buf, textStart, textEnd - textStart, StandardCharsets.ISO_8859_1)
                        : decode();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new String(buf, textStart, textEnd - textStart, StandardCharsets.ISO_8859_1);
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case VALUE_NULL:
                return "null";
            case FIELD_NAME:
                return currentName;
            default:
                return token.asString();
        }
    }

    @Override
    public String internText(Interner strings) throws IOException {
        if (simple) {
            return strings.intern(buf, textStart, textEnd - textStart);
        }
        return strings.intern(decode());
    }

    @Override
    public int copyAscii(byte[] dst) throws IOException {
        int len = textEnd - textStart;
        if (!simple || len > dst.length) {
            return -1;
        }
        System.arraycopy(buf, textStart, dst, 0, len);
        return len;
    }

    @Override
    public Instant timestamp() throws IOException {
        if (simple) {
            Instant fast = Rfc3339.parseFast(buf, textStart, textEnd - textStart);
            if (fast != null) {
                return fast;
            }
        }
        return Rfc3339.parse(getText());
    }

    @Override
    public long longValue() {
        if (longValid) {
            return longVal;
        }
        int i = textStart;
        boolean negative = buf[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        for (; i < textEnd; i++) {
            int d = buf[i] - '0';
            // accumulate negatively so that Long.MIN_VALUE fits
            if (value < (Long.MIN_VALUE + d) / 10) {
                throw new NumberFormatException("out of range");
            }
            value = value * 10 - d;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                throw new NumberFormatException("out of range");
            }
            value = -value;
        }
        return value;
    }

    // ================================================================== buffer

    /**
     * Reads more input, first moving the bytes still needed (from the current position, or from a capture) to the
     * front when the buffer is filling up. Returns false at the end of input.
     */
    private boolean loadMore() throws IOException {
        if (eof) {
            return false;
        }
        int keep = pos;
        if (captureStart >= 0 && captureStart < keep) {
            keep = captureStart;
        }
        // move the kept bytes to the front only when the buffer is at least half used: reads that return little
        // (pipes, decompression) then cost no repeated copying
        if (keep > 0 && limit > buf.length / 2) {
            int remaining = limit - keep;
            System.arraycopy(buf, keep, buf, 0, remaining);
            limit = remaining;
            pos -= keep;
            tokenPos -= keep;
            textStart -= keep;
            textEnd -= keep;
            if (captureStart >= 0) {
                captureStart -= keep;
            }
            bufOffset += keep;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** Skips a UTF-8 byte order mark at the very start. */
    void skipByteOrderMark() throws IOException {
        while (limit - pos < 3 && loadMore()) {
            // fill
        }
        if (limit - pos >= 3 && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB
                && (buf[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
            lineStart = 3; // columns count from after the mark
        }
    }

    // ================================================================== recording

    @Override
    public Recorder recorder() {
        return new Recorder() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();
            private boolean first = true;

            @Override
            public void record(String field) throws IOException {
                out.write(first ? '{' : ',');
                first = false;
                writeQuoted(out, field);
                out.write(':');
                captureStart = tokenPos;
                try {
                    skipChildren();
                    out.write(buf, captureStart, pos - captureStart);
                } finally {
                    captureStart = -1;
                }
            }

            @Override
            public Tokens replay() {
                if (first) {
                    out.write('{');
                }
                out.write('}');
                return new JsonScanner(out.toByteArray());
            }
        };
    }

    private static void writeQuoted(ByteArrayOutputStream out, String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        byte[] bytes = sb.append('"').toString().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
    }

    // ================================================================== errors

    @Override
    public String location() {
        long offset = bufOffset + pos;
        return " at line " + line + ", column " + (offset - lineStart + 1);
    }

    private JsonSyntaxException unexpected(int c, String expectation) {
        if (c < 0) {
            String context = depth == 0 ? "" : ctxType[depth] == OBJECT ? " (an object is not closed)"
                    : " (an array is not closed)";
            return error(pos, "unexpected end-of-input" + context + ": " + expectation);
        }
        return error(pos, "unexpected character " + describe(c) + ": " + expectation);
    }

    private JsonSyntaxException error(int at, String message) {
        long offset = bufOffset + at;
        return new JsonSyntaxException(message, line, offset - lineStart + 1);
    }

    private static String describe(int c) {
        if (c >= 0x20 && c < 0x7f) {
            return "'" + (char) c + "' (code " + c + ")";
        }
        return "(code " + c + ")";
    }

    @Override
    public void close() throws IOException {
        // the input stream belongs to the caller
    }

    /** Canonical field-name Strings keyed by their bytes; bounded, so hostile input cannot grow it forever. */
    private static final class NameTable {
        private static final int MAX_ENTRIES = 4096;
        private byte[][] keys = new byte[256][];
        private String[] values = new String[256];
        private int[] hashes = new int[256];
        /**
         * For each name, the slot of the name read after it last time (-1: none). Objects of one type list their
         * fields in the same order, so the next name is nearly always the predicted one and is found by one compare.
         */
        private int[] successors = new int[256];
        private int last = -1;
        private int size;

        NameTable() {
            Arrays.fill(successors, -1);
        }

        /** The predicted next name if the bytes at off are exactly it and its closing quote, else null. */
        String predicted(byte[] buf, int off, int limit) {
            int p = last < 0 ? -1 : successors[last];
            if (p < 0) {
                return null;
            }
            byte[] k = keys[p];
            int len = k.length;
            if (off + len >= limit || buf[off + len] != '"' || !same(k, buf, off, len)) {
                return null;
            }
            last = p;
            return values[p];
        }

        private static boolean same(byte[] k, byte[] buf, int off, int len) {
            for (int j = 0; j < len; j++) {
                if (k[j] != buf[off + j]) {
                    return false;
                }
            }
            return true;
        }

        private String follow(int slot) {
            if (last >= 0) {
                successors[last] = slot;
            }
            last = slot;
            return values[slot];
        }

        String get(byte[] buf, int off, int len, int h) {
            int mask = keys.length - 1;
            int i = (h ^ (h >>> 15)) & mask;
            for (;;) {
                byte[] k = keys[i];
                if (k == null) {
                    String s = new String(buf, off, len, StandardCharsets.ISO_8859_1);
                    if (size >= MAX_ENTRIES) {
                        last = -1;
                        return s;
                    }
                    keys[i] = Arrays.copyOfRange(buf, off, off + len);
                    // the JVM's instance, so that switch/equals against literals hit the identity check
                    values[i] = s.intern();
                    hashes[i] = h;
                    if (++size * 2 > keys.length) {
                        grow();
                        return follow(find(buf, off, len, h));
                    }
                    return follow(i);
                }
                if (hashes[i] == h && k.length == len && same(k, buf, off, len)) {
                    return follow(i);
                }
                i = (i + 1) & mask;
            }
        }

        private int find(byte[] buf, int off, int len, int h) {
            int mask = keys.length - 1;
            int i = (h ^ (h >>> 15)) & mask;
            while (keys[i].length != len || hashes[i] != h || !same(keys[i], buf, off, len)) {
                i = (i + 1) & mask;
            }
            return i;
        }

        /** Doubles the table; predictions start over. */
        private void grow() {
            byte[][] oldKeys = keys;
            String[] oldValues = values;
            int[] oldHashes = hashes;
            int cap = oldKeys.length * 2;
            keys = new byte[cap][];
            values = new String[cap];
            hashes = new int[cap];
            successors = new int[cap];
            Arrays.fill(successors, -1);
            last = -1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != null) {
                    int h = oldHashes[j];
                    int i = (h ^ (h >>> 15)) & (cap - 1);
                    while (keys[i] != null) {
                        i = (i + 1) & (cap - 1);
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                    hashes[i] = h;
                }
            }
        }
    }
}
