package io.imageprune.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.imageprune.model.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scanner against Jackson's parser: same tokens, same texts, same accept/reject decisions. */
class JsonScannerTest {
    private static final JsonFactory JACKSON = new JsonFactory();

    /** An input stream that hands out at most {@code chunk} bytes per read, to cross buffer boundaries everywhere. */
    static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    static List<String> jacksonTokens(byte[] json) throws IOException {
        List<String> out = new ArrayList<>();
        try (JsonParser p = JACKSON.createParser(json)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                out.add(describe(t, t.isScalarValue() || t == JsonToken.FIELD_NAME ? p.getText() : null));
            }
        }
        return out;
    }

    static List<String> scannerTokens(JsonScanner s) throws IOException {
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = s.nextToken()) != null) {
            out.add(describe(t, t.isScalarValue() || t == JsonToken.FIELD_NAME ? s.getText() : null));
        }
        return out;
    }

    private static String describe(JsonToken t, String text) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
            return t + " " + text;
        }
        return text == null ? t.toString() : t + " " + text;
    }

    static byte[] randomDocument(Random random, int items) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JACKSON.createGenerator(out)) {
            if (random.nextBoolean()) {
                g.useDefaultPrettyPrinter();
            }
            g.writeStartArray();
            for (int i = 0; i < items; i++) {
                randomValue(random, g, 0);
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    private static final String[] WORDS = {"", "a", "name", "sha256:" + "ab".repeat(32), "é ü ✓ 😀", "quote\"back\\slash",
            "ctl\n\t\r\b\f\u0001\u001f", "/slash/", "x".repeat(300), "Ünïcödé key"};

    private static void randomValue(Random r, JsonGenerator g, int depth) throws IOException {
        int kind = depth > 6 ? r.nextInt(6) : r.nextInt(8);
        switch (kind) {
            case 0 -> g.writeString(WORDS[r.nextInt(WORDS.length)] + (r.nextBoolean() ? r.nextInt() : ""));
            case 1 -> g.writeNumber(r.nextLong() >> r.nextInt(64));
            case 2 -> g.writeNumber(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 3 -> g.writeBoolean(r.nextBoolean());
            case 4 -> g.writeNull();
            case 5 -> g.writeNumber(r.nextInt(3) - 1);
            case 6 -> {
                g.writeStartObject();
                for (int i = r.nextInt(6); i > 0; i--) {
                    g.writeFieldName(WORDS[r.nextInt(WORDS.length)] + i);
                    randomValue(r, g, depth + 1);
                }
                g.writeEndObject();
            }
            default -> {
                g.writeStartArray();
                for (int i = r.nextInt(6); i > 0; i--) {
                    randomValue(r, g, depth + 1);
                }
                g.writeEndArray();
            }
        }
    }

    @Test
    void sameTokensAsJacksonOnRandomDocuments() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            byte[] doc = randomDocument(random, 1 + random.nextInt(200));
            List<String> expected = jacksonTokens(doc);
            assertEquals(expected, scannerTokens(new JsonScanner(doc)), "round " + round);
            assertEquals(expected, scannerTokens(new JsonScanner(trickle(doc, 1 + random.nextInt(7)))),
                    "round " + round);
        }
    }

    @Test
    void bigDocumentAcrossManyRefills() throws IOException {
        Random random = new Random(11);
        byte[] doc = randomDocument(random, 20_000);
        assertTrue(doc.length > 1 << 20, "bigger than the buffer");
        assertEquals(jacksonTokens(doc), scannerTokens(new JsonScanner(trickle(doc, 4093))));
    }

    @Test
    void skipChildrenSkipsWholeValues() throws IOException {
        JsonScanner s = new JsonScanner("{\"a\":{\"b\":[1,{\"c\":\"}\"}],\"d\":null},\"e\":[[],[[\"]\"]]],\"f\":7}"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(JsonToken.START_OBJECT, s.nextToken());
        assertEquals("a", s.nextFieldName());
        assertEquals(JsonToken.START_OBJECT, s.nextToken());
        s.skipChildren();
        assertEquals(JsonToken.END_OBJECT, s.currentToken());
        assertEquals("e", s.nextFieldName());
        s.nextToken();
        s.skipChildren();
        assertEquals(JsonToken.END_ARRAY, s.currentToken());
        assertEquals("f", s.nextFieldName());
        assertEquals(JsonToken.VALUE_NUMBER_INT, s.nextToken());
        assertEquals(7, s.longValue());
        assertNull(s.nextFieldName());
        assertNull(s.nextToken());
    }

    @Test
    void fieldNamesAreCanonicalAndInterned() throws IOException {
        JsonScanner s = new JsonScanner("[{\"metadata\":1},{\"metadata\":2}]".getBytes(StandardCharsets.UTF_8));
        s.nextToken();
        s.nextToken();
        String first = s.nextFieldName();
        s.nextToken();
        s.nextToken();
        s.nextToken();
        assertSame(first, s.nextFieldName());
        assertSame("metadata", first);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0|0", "-0|0", "7|7", "-7|-7", "123456789012345678|123456789012345678",
            "9223372036854775807|9223372036854775807", "-9223372036854775808|-9223372036854775808",
            "1234567890123456789|1234567890123456789"})
    void integers(String text, long value) throws IOException {
        JsonScanner s = new JsonScanner(("[" + text + "]").getBytes(StandardCharsets.UTF_8));
        s.nextToken();
        assertEquals(JsonToken.VALUE_NUMBER_INT, s.nextToken());
        assertEquals(value, s.longValue());
        assertEquals(text, s.getText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "-9223372036854775809", "99999999999999999999"})
    void integersOutOfRange(String text) throws IOException {
        JsonScanner s = new JsonScanner(("[" + text + "]").getBytes(StandardCharsets.UTF_8));
        s.nextToken();
        assertEquals(JsonToken.VALUE_NUMBER_INT, s.nextToken());
        assertThrows(NumberFormatException.class, s::longValue);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "-0.0", "1e5", "1E+5", "2.5e-3", "0e0"})
    void floats(String text) throws IOException {
        JsonScanner s = new JsonScanner(("[" + text + "]").getBytes(StandardCharsets.UTF_8));
        s.nextToken();
        assertEquals(JsonToken.VALUE_NUMBER_FLOAT, s.nextToken());
        assertEquals(text, s.getText());
    }

    /** Everything Jackson rejects, the scanner rejects too, with a syntax error carrying a position. */
    @ParameterizedTest
    @ValueSource(strings = {"{", "[", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "{,}", "[1 2]",
            "{\"a\" 1}", "{a:1}", "['a']", "[01]", "[-]", "[1.]", "[.5]", "[1e]", "[1e+]", "[+1]", "[tru]",
            "[nul]", "[True]", "[\"a]", "[\"\\x\"]", "[\"\\u12\"]", "[\"tab\tinside\"]", "[1]]", "{}}",
            "[\"a\" \"b\"]", "{\"a\":1 \"b\":2}", "[1,,2]", "}", "]", ":", "[\"\\uZZZZ\"]", "{\"a\":1:2}"})
    void rejectsWhatJacksonRejects(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> jacksonTokens(bytes), "Jackson accepts " + json);
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class,
                () -> scannerTokens(new JsonScanner(bytes)), json);
        assertEquals(1, e.line());
        assertTrue(e.column() >= 1 && e.column() <= json.length() + 1, e.getMessage());
    }

    @Test
    void nestingLimit() {
        String deep = "[".repeat(JsonScanner.MAX_DEPTH + 1) + "]".repeat(JsonScanner.MAX_DEPTH + 1);
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class,
                () -> scannerTokens(new JsonScanner(deep.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
        String ok = "[".repeat(JsonScanner.MAX_DEPTH) + "]".repeat(JsonScanner.MAX_DEPTH);
        assertEquals(2 * JsonScanner.MAX_DEPTH, assertDoesNotThrowTokens(ok).size());
    }

    private static List<String> assertDoesNotThrowTokens(String json) {
        try {
            return scannerTokens(new JsonScanner(json.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void linesAndColumns() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> scannerTokens(new JsonScanner(
                "{\n  \"a\": 1,\r\n  \"b\": x\n}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(3, e.line());
        assertEquals(8, e.column());
    }

    @Test
    void byteOrderMarkIsSkipped() throws IOException {
        byte[] json = "\uFEFF{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        JsonScanner s = new JsonScanner(new ByteArrayInputStream(json));
        s.skipByteOrderMark();
        assertEquals(List.of("START_OBJECT", "FIELD_NAME a", "VALUE_NUMBER_INT 1", "END_OBJECT"), scannerTokens(s));
    }

    @Test
    void textAccessors() throws IOException {
        Interner strings = new Interner(16, false);
        JsonScanner s = new JsonScanner(("[\"2024-11-30T03:54:16Z\",\"2024-11-30T05:54:16.5+02:00\",\"caf\\u00e9\","
                + "\"sha256:" + "0f".repeat(32) + "\",\"esc\\\"aped\"]").getBytes(StandardCharsets.UTF_8));
        s.nextToken();
        s.nextToken();
        assertEquals(Instant.parse("2024-11-30T03:54:16Z"), s.timestamp());
        s.nextToken();
        assertEquals(Instant.parse("2024-11-30T03:54:16.5Z"), s.timestamp());
        s.nextToken();
        assertEquals("café", s.getText());
        assertEquals(-1, s.copyAscii(new byte[64]));
        String cafe = s.internText(strings);
        assertSame(cafe, strings.intern("café"));
        s.nextToken();
        String digest = s.internText(strings);
        assertSame(digest, strings.intern("sha256:" + "0f".repeat(32)));
        byte[] dst = new byte[80];
        assertEquals(71, s.copyAscii(dst));
        assertEquals(-1, s.copyAscii(new byte[10]));
        s.nextToken();
        assertEquals("esc\"aped", s.getText());
        assertEquals(-1, s.copyAscii(dst));
    }

    @Test
    void internerAgreesAcrossBytesAndStrings() {
        Interner layers = new Interner(4, true);
        String[] names = {"sha256:" + "ab".repeat(32), "sha256:" + "AB".repeat(32), "tarsum.dev+sha256:x",
                "sha256:" + "ab".repeat(31) + "ag", "sha256:short"};
        for (int round = 0; round < 3; round++) {
            for (String name : names) {
                byte[] b = ("xx" + name).getBytes(StandardCharsets.ISO_8859_1);
                Layer fromBytes = layers.layer(b, 2, name.length(), 5);
                Layer fromString = layers.layer(new String(name), 5);
                assertSame(fromBytes, fromString, name);
                assertEquals(name, fromBytes.name());
                Layer otherSize = layers.layer(b, 2, name.length(), 6);
                assertEquals(new Layer(name, 6), otherSize);
                assertSame(fromBytes.name(), otherSize.name());
            }
        }
        assertEquals(names.length, layers.size());
        // many distinct digests: the tables grow and keep every entry
        Interner strings = new Interner(4, false);
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            first.add(strings.intern(String.format("sha256:%064x", i)));
            first.add(strings.intern("name-" + i));
        }
        for (int i = 0; i < 5000; i++) {
            byte[] d = String.format("sha256:%064x", i).getBytes(StandardCharsets.ISO_8859_1);
            assertSame(first.get(2 * i), strings.intern(d, 0, d.length));
            byte[] n = ("name-" + i).getBytes(StandardCharsets.ISO_8859_1);
            assertSame(first.get(2 * i + 1), strings.intern(n, 0, n.length));
        }
        assertEquals(10_000, strings.size());
    }

    @Test
    void layerBatchesKeepOrder() {
        Interner layers = new Interner(4, true);
        for (int round = 0; round < 2; round++) {
            Layer[] out = new Layer[40];
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < out.length; i++) {
                String name = i % 3 == 0 ? "other-" + (i % 7) : String.format("sha256:%064x", i % 11);
                expected.add(name);
                byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
                if (!layers.queueLayer(b, 0, b.length, i % 11)) {
                    out[i] = layers.layer(b, 0, b.length, i % 11);
                }
            }
            layers.resolveLayers(out, out.length);
            for (int i = 0; i < out.length; i++) {
                assertEquals(expected.get(i), out[i].name());
                assertEquals(i % 11, out[i].size());
            }
        }
    }
}
