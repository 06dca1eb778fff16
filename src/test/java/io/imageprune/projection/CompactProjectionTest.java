package io.imageprune.projection;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schema version 2 (binary): the documented layout, strict reading, shared digests. */
class CompactProjectionTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();

    static List<Object> fixtures() {
        return Fixtures.all();
    }

    /** The bytes of a string as the README's layout spells it: uvarint length + 2, then UTF-8. */
    private static void str(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.write(utf8.length + 2);
        out.writeBytes(utf8);
    }

    @Test
    void layoutOfALimitRangeFollowsTheDocumentation() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(2);                    // schema version
        str(expected, "LimitRange");          // kind
        str(expected, "ns");
        str(expected, "l");
        expected.write(3);                    // three limits
        expected.write(2);                    // zigzag(1)
        expected.write(3);                    // zigzag(-2)
        expected.writeBytes(new byte[] {(byte) 0x80, 0x01}); // zigzag(64) = 128 as a varint
        LimitRange range = new LimitRange("ns", "l", List.of(1L, -2L, 64L));
        assertArrayEquals(expected.toByteArray(), CODEC.encode(range));
        assertEquals(range, CODEC.decode("LimitRange/ns/l", expected.toByteArray()));
    }

    @Test
    void aCanonicalDigestIsItsThirtyTwoBytesAndAbsentTimesAreOneByte() {
        String digest = "sha256:00ff" + "1".repeat(60);
        Image image = new Image(digest, null, false, "", List.of(), false, "", 0, List.of(), "");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(2);
        str(expected, "Image");
        expected.write(1);                    // a digest follows, as bits
        expected.writeBytes(new byte[] {0x00, (byte) 0xff});
        for (int i = 0; i < 30; i++) {
            expected.write(0x11);
        }
        expected.write(0);                    // created: absent
        expected.write(0);                    // managed
        str(expected, "");                    // mediaType
        expected.write(0);                    // no layers
        expected.write(0);                    // hasMetadata
        str(expected, "");                    // configDigest
        expected.write(0);                    // size
        expected.write(0);                    // no manifest digests
        str(expected, "");                    // dockerImageReference
        assertArrayEquals(expected.toByteArray(), CODEC.encode(image));
        assertEquals(image, CODEC.decode("Image//" + digest, expected.toByteArray()));
    }

    @Test
    void aDigestThatIsNotCanonicalIsWrittenAsText() {
        String upper = "sha256:" + "A".repeat(64);
        Referrer pod = new Referrer(ReferrerKind.POD, "ns", "p", null, "Running", List.of(), null);
        ImageStream stream = new ImageStream("ns", "s", null, "",
                List.of(new Tag("t", List.of(new TagEvent(upper, null)))));
        byte[] bytes = CODEC.encode(stream);
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains(upper), "kept as the text it was");
        assertEquals(stream, CODEC.decode("ImageStream/ns/s", bytes));
        assertEquals(pod, CODEC.decode("Pod/ns/p", CODEC.encode(pod)));
    }

    @Test
    void everyAlmostCanonicalDigestIsWrittenAsTextAndReadBackAsItWas() {
        String hex = "0123456789abcdef".repeat(4);
        List<String> almost = List.of(
                "sha256:" + hex.substring(0, 63) + "g",        // the last digit is no hex digit
                "sha256:" + "G" + hex.substring(1),            // nor the first
                "sha256:" + hex.substring(0, 63) + "\u00e9",   // Latin-1, not hex
                "sha256:" + hex.substring(0, 63) + "\u0101",   // beyond Latin-1 (it would encode as '?')
                "sha256:" + hex.substring(0, 63),              // one digit short
                "sha257:" + hex);                             // another algorithm
        for (String digest : almost) {
            ImageStream stream = new ImageStream("ns", "s", null, "",
                    List.of(new Tag("t", List.of(new TagEvent(digest, null)))));
            byte[] bytes = CODEC.encode(stream);
            assertTrue(new String(bytes, StandardCharsets.UTF_8).contains(digest), digest + " kept as its text");
            assertEquals(stream, CODEC.decode("ImageStream/ns/s", bytes), digest);
        }
    }

    @Test
    void theSameDigestDecodesToTheSameString() {
        String layer = "sha256:" + "ab".repeat(32);
        Image a = new Image("sha256:" + "01".repeat(32), null, false, "", List.of(new Layer(layer, 1)), true, "", 0,
                List.of(), "");
        Image b = new Image("sha256:" + "02".repeat(32), null, false, "", List.of(new Layer(layer, 1)), true, "", 0,
                List.of(), "");
        Image decodedA = (Image) CODEC.decode(ProjectionKeys.of(a), CODEC.encode(a));
        Image decodedB = (Image) CODEC.decode(ProjectionKeys.of(b), CODEC.encode(b));
        assertEquals(layer, decodedA.layers().get(0).name());
        assertSame(decodedA.layers().get(0).name(), decodedB.layers().get(0).name());
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyTruncationAndTrailingByteIsACleanError(Object original) {
        String key = ProjectionKeys.of(original);
        byte[] bytes = CODEC.encode(original);
        for (int length = 1; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            ProjectionException e = assertThrows(ProjectionException.class, () -> CODEC.decode(key, cut),
                    "cut at " + cut.length);
            assertTrue(e.getMessage().startsWith("cannot decode " + key + ": "), e.getMessage());
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        ProjectionException e = assertThrows(ProjectionException.class, () -> CODEC.decode(key, longer));
        assertTrue(e.getMessage().contains("1 unexpected bytes after the"), e.getMessage());
    }

    @Test
    void badValuesNameTheProblem() {
        LimitRange range = new LimitRange("ns", "l", List.of(1L));
        byte[] bytes = CODEC.encode(range);
        byte[] newer = bytes.clone();
        newer[0] = 3;
        assertMessage("unsupported projection schema version 3", newer, "LimitRange/ns/l");

        Referrer pod = new Referrer(ReferrerKind.POD, "ns", "p", null, "", List.of(), null);
        byte[] podBytes = CODEC.encode(pod);
        byte[] badBool = podBytes.clone();
        badBool[badBool.length - 1] = 7; // buildSource present?
        assertMessage("field 'buildSource' must be a boolean (0 or 1), got 7", badBool, "Pod/ns/p");

        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(2);
        str(huge, "LimitRange");
        str(huge, "ns");
        str(huge, "l");
        huge.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        assertMessage("field 'imageMaxStorage' claims 4294967295 elements, more than the value holds",
                huge.toByteArray(), "LimitRange/ns/l");

        ByteArrayOutputStream badText = new ByteArrayOutputStream();
        badText.write(2);
        str(badText, "LimitRange");
        badText.writeBytes(new byte[] {4, (byte) 0xc3, 0x28}); // an invalid two-byte sequence
        assertMessage("field 'namespace' is not valid UTF-8", badText.toByteArray(), "LimitRange/ns/l");

        ByteArrayOutputStream noName = new ByteArrayOutputStream();
        noName.write(2);
        str(noName, "LimitRange");
        str(noName, "ns");
        noName.write(0);                      // name: null
        noName.write(0);
        assertMessage("field 'name' is missing", noName.toByteArray(), "LimitRange/ns/l");

        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        unknown.write(2);
        str(unknown, "Secret");
        assertMessage("unknown kind 'Secret'", unknown.toByteArray(), "Pod/ns/p");

        assertMessage("does not match object", bytes, "LimitRange/ns/other");
    }

    private static void assertMessage(String expected, byte[] value, String key) {
        ProjectionException e = assertThrows(ProjectionException.class, () -> CODEC.decode(key, value));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
