package io.imageprune.projection;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectionCodecErrorsTest {
    private static final ProjectionCodec CODEC = new ProjectionCodec();
    private static final String KEY = "Image//sha256:a";
    private static final String HEAD = "{\"v\":1,\"kind\":\"Image\",\"name\":\"sha256:a\"";

    private static ProjectionException fails(String key, String value) {
        return assertThrows(ProjectionException.class,
                () -> CODEC.decode(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** value | exact message (after "cannot decode Image//sha256:a: "). Single quotes in the table stand for '"'. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|the value is empty",
            "'   '|the value is empty",
            "[1,2]|expected a JSON object, got an array",
            "'`image`'|expected a JSON object, got the string `image`",
            "42|expected a JSON object, got the number 42",
            "null|expected a JSON object, got null",
            "{`v`:2,`kind`:`Image`,`name`:`sha256:a`}|unsupported projection schema version 2 (this reader understands version 1)",
            "{`kind`:`Image`,`name`:`sha256:a`,`v`:0}|unsupported projection schema version 0 (this reader understands version 1)",
            "{`v`:99999999999999999999,`kind`:`Image`}|unsupported projection schema version 99999999999999999999 (this reader understands version 1)",
            "{`kind`:`Image`,`layers`:{`weird`:1},`v`:2}|unsupported projection schema version 2 (this reader understands version 1)",
            "{`v`:`1`,`kind`:`Image`,`name`:`sha256:a`}|field 'v' must be an integer, got the string `1`",
            "{`v`:1.0,`kind`:`Image`,`name`:`sha256:a`}|field 'v' must be an integer, got the number 1.0",
            "{`kind`:`Image`,`name`:`sha256:a`}|field 'v' is missing",
            "{`v`:1,`name`:`sha256:a`}|field 'kind' is missing",
            "{`v`:1,`kind`:null,`name`:`sha256:a`}|field 'kind' is missing",
            "{`v`:1}|field 'kind' is missing",
            "{}|field 'v' is missing",
            "{`v`:1,`kind`:7}|field 'kind' must be a string, got the number 7",
            "{`v`:1,`kind`:`Secret`,`name`:`sha256:a`}|unknown kind 'Secret'",
            "{`v`:1,`kind`:`Image`}|field 'name' is missing",
            "{`v`:1,`kind`:`Image`,`name`:null}|field 'name' is missing",
            "{`v`:1,`kind`:`Image`,`name`:{`x`:1}}|field 'name' must be a string, got an object",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`size`:`12`}|field 'size' must be an integer, got the string `12`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`size`:1.5}|field 'size' must be an integer, got the number 1.5",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`size`:true}|field 'size' must be an integer, got the boolean true",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`size`:9223372036854775808}|field 'size' is out of range: 9223372036854775808",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`managed`:`true`}|field 'managed' must be a boolean, got the string `true`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`created`:12}|field 'created' must be an RFC 3339 timestamp string or null, got the number 12",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`created`:`yesterday`}|field 'created' is not an RFC 3339 timestamp: `yesterday`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`created`:`2024-02-30T00:00:00Z`}|field 'created' is not an RFC 3339 timestamp: `2024-02-30T00:00:00Z`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`layers`:{}}|field 'layers' must be an array, got an object",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`layers`:[{`name`:`l`},{`size`:3}]}|field 'layers[1].name' is missing",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`layers`:[{`name`:`l`,`size`:`big`}]}|field 'layers[0].size' must be an integer, got the string `big`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`layers`:[null]}|field 'layers[0]' must be an object, got null",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`layers`:[`sha256:l`]}|field 'layers[0]' must be an object, got the string `sha256:l`",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`manifestDigests`:[`a`,null]}|field 'manifestDigests[1]' must be a string, got null",
            "{`v`:1,`kind`:`Image`,`name`:`sha256:a`,`manifestDigests`:`a`}|field 'manifestDigests' must be an array, got the string `a`",
    })
    void malformedImageValues(String value, String message) {
        ProjectionException e = fails(KEY, value.replace('`', '"'));
        assertEquals("cannot decode " + KEY + ": " + message.replace('`', '"'), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ImageStream/ns/s|{`v`:1,`kind`:`ImageStream`,`name`:`s`}|field 'namespace' is missing",
            "ImageStream/ns/s|{`v`:1,`kind`:`ImageStream`,`namespace`:`ns`,`name`:`s`,`tags`:[{`name`:`t`,`items`:[{`image`:`d`},{`created`:null}]}]}|field 'tags[0].items[1].image' is missing",
            "ImageStream/ns/s|{`v`:1,`kind`:`ImageStream`,`namespace`:`ns`,`name`:`s`,`tags`:[{`items`:[]}]}|field 'tags[0].name' is missing",
            "ImageStream/ns/s|{`v`:1,`kind`:`ImageStream`,`namespace`:`ns`,`name`:`s`,`tags`:[{`name`:`t`,`items`:[{`image`:`d`,`created`:`x`}]}]}|field 'tags[0].items[0].created' is not an RFC 3339 timestamp: `x`",
            "Pod/ns/p|{`v`:1,`kind`:`Pod`,`namespace`:`ns`}|field 'name' is missing",
            "Pod/ns/p|{`v`:1,`kind`:`Pod`,`namespace`:`ns`,`name`:`p`,`containers`:[{`init`:`yes`}]}|field 'containers[0].init' must be a boolean, got the string `yes`",
            "Build/ns/b|{`v`:1,`kind`:`Build`,`namespace`:`ns`,`name`:`b`,`buildSource`:`DockerImage`}|field 'buildSource' must be an object or null, got the string `DockerImage`",
            "Build/ns/b|{`v`:1,`kind`:`Build`,`namespace`:`ns`,`name`:`b`,`buildSource`:{`kind`:1}}|field 'buildSource.kind' must be a string, got the number 1",
            "LimitRange/ns/l|{`v`:1,`kind`:`LimitRange`,`namespace`:`ns`,`name`:`l`,`imageMaxStorage`:[1,`2Gi`]}|field 'imageMaxStorage[1]' must be an integer, got the string `2Gi`",
            "LimitRange/ns/l|{`v`:1,`kind`:`LimitRange`,`name`:`l`}|field 'namespace' is missing",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`epoch`:1}|field 'ingestId' is missing",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`ingestId`:`i`}|field 'epoch' is missing",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`ingestId`:`i`,`epoch`:null}|field 'epoch' is missing",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`ingestId`:`i`,`epoch`:1,`objectsPerKind`:{`Pod`:3000000000}}|field 'objectsPerKind.Pod' is out of range: 3000000000",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`ingestId`:`i`,`epoch`:1,`objectsPerKind`:{`Pod`:null}}|field 'objectsPerKind.Pod' must be an integer, got null",
            "SyncMarker//i|{`v`:1,`kind`:`SyncMarker`,`ingestId`:`i`,`epoch`:1,`objectsPerKind`:[]}|field 'objectsPerKind' must be an object, got an array",
    })
    void malformedValuesOfOtherKinds(String key, String value, String message) {
        ProjectionException e = fails(key, value.replace('`', '"'));
        assertEquals("cannot decode " + key + ": " + message.replace('`', '"'), e.getMessage());
    }

    @Test
    void syntaxErrorsAreReportedAsMalformedJson() {
        for (String value : List.of("not json", "{", HEAD, HEAD + ",}", HEAD + "} trailing", "{\"v\":1,\"kind\":",
                "{\"v\":1 \"kind\":\"Image\"}", "{'v':1}", HEAD + ",\"size\":01}", "\u0000", "{\"v\":1,}")) {
            ProjectionException e = fails(KEY, value);
            assertTrue(e.getMessage().startsWith("cannot decode " + KEY + ": malformed JSON: "), value + " -> "
                    + e.getMessage());
            assertTrue(e.getMessage().contains("(line "), e.getMessage());
        }
        assertEquals("cannot decode " + KEY + ": unexpected content after the JSON object",
                fails(KEY, HEAD + "} {}").getMessage());
        byte[] invalidUtf8 = {'{', '"', 'v', '"', ':', '1', ',', '"', 'k', (byte) 0xC3, (byte) 0x28, '"', ':', '1',
                '}'};
        ProjectionException e = assertThrows(ProjectionException.class, () -> CODEC.decode(KEY, invalidUtf8));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    @Test
    void everyMessageIsAProjectionExceptionWithoutRawJacksonText() {
        // truncations of a valid value at every byte
        byte[] valid = CODEC.encode(Fixtures.image());
        for (int n = 0; n < valid.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(valid, n);
            ProjectionException e = assertThrows(ProjectionException.class,
                    () -> CODEC.decode("Image//" + Fixtures.D1, cut), "cut at " + n);
            assertTrue(e.getMessage().startsWith("cannot decode Image//" + Fixtures.D1 + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("Source: "), e.getMessage());
        }
    }

    @Test
    void keyMustMatchTheObject() {
        byte[] pod = CODEC.encode(new Referrer(ReferrerKind.POD, "ns", "p", null, null, null, null));
        assertEquals("key Pod/ns/q does not match object Pod/ns/p",
                assertThrows(ProjectionException.class, () -> CODEC.decode("Pod/ns/q", pod)).getMessage());
        assertEquals("key Pod/other/p does not match object Pod/ns/p",
                assertThrows(ProjectionException.class, () -> CODEC.decode("Pod/other/p", pod)).getMessage());
        assertEquals("key Job/ns/p does not match object Pod/ns/p",
                assertThrows(ProjectionException.class, () -> CODEC.decode("Job/ns/p", pod)).getMessage());
        byte[] image = CODEC.encode(Fixtures.image());
        assertEquals("key Image//sha256:other does not match object Image//" + Fixtures.D1,
                assertThrows(ProjectionException.class, () -> CODEC.decode("Image//sha256:other", image))
                        .getMessage());
        byte[] stream = CODEC.encode(new ImageStream("ns", "s", null, null, null));
        assertEquals("key LimitRange/ns/s does not match object ImageStream/ns/s",
                assertThrows(ProjectionException.class, () -> CODEC.decode("LimitRange/ns/s", stream)).getMessage());
        byte[] marker = CODEC.encode(new SyncMarker("i-1", 1, null, null));
        assertEquals("key SyncMarker//i-2 does not match object SyncMarker//i-1",
                assertThrows(ProjectionException.class, () -> CODEC.decode("SyncMarker//i-2", marker)).getMessage());
        // an object whose identity cannot be a key at all
        byte[] slashed = "{\"v\":1,\"kind\":\"Pod\",\"namespace\":\"ns\",\"name\":\"a/b\"}".getBytes(StandardCharsets.UTF_8);
        ProjectionException e = assertThrows(ProjectionException.class, () -> CODEC.decode("Pod/ns/a", slashed));
        assertTrue(e.getMessage().startsWith("cannot decode Pod/ns/a: cannot make a key"), e.getMessage());
    }

    @Test
    void malformedKeysFailBeforeTheValueIsRead() {
        byte[] image = CODEC.encode(Fixtures.image());
        assertEquals("malformed key: null",
                assertThrows(ProjectionException.class, () -> CODEC.decode(null, image)).getMessage());
        assertEquals("unknown kind 'Secret' in key 'Secret/ns/s'",
                assertThrows(ProjectionException.class, () -> CODEC.decode("Secret/ns/s", null)).getMessage());
        assertThrows(ProjectionException.class, () -> CODEC.decode("Image/sha256:a", image));
    }

    @Test
    void encodeRejectsWhatItCannotProject() {
        assertTrue(assertThrows(ProjectionException.class, () -> CODEC.encode(null)).getMessage()
                .startsWith("cannot encode null"));
        assertEquals("cannot encode a io.imageprune.model.Tag: not a projected model type",
                assertThrows(ProjectionException.class, () -> CODEC.encode(new Tag("t", null))).getMessage());
        assertThrows(ProjectionException.class, () -> CODEC.encode("Image//x"));
        Image noLayerName = new Image("sha256:a", null, false, null, List.of(new Layer("l", 1), new Layer(null, 2)),
                true, null, 0, null, null);
        assertEquals("cannot encode Image sha256:a: layers[1] has no name",
                assertThrows(ProjectionException.class, () -> CODEC.encode(noLayerName)).getMessage());
    }
}
