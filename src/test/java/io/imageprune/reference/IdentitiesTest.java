package io.imageprune.reference;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentitiesTest {
    private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String DIGEST = "sha256:" + HEX;

    @ParameterizedTest
    @ValueSource(strings = {DIGEST, "sha512:" + HEX + HEX, "tarsum.dev+sha256:" + HEX, HEX, "layer1", "a",
            "sha256:ABCDEF", "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
            "sha256:a.b_c-d=e"})
    void digestsOcAcceptsMayReachAUrl(String value) {
        assertTrue(Identities.safeDigest(value), value);
        Identities.requireDigest("digest", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {DIGEST + "?evil", DIGEST + "#x", "sha256:x/../../v2/ns/app/manifests/" + DIGEST,
            "sha256:x/y", "sha256:..", "..", ".", "sha256:a..b", DIGEST + "%2F", DIGEST + " ", " " + DIGEST,
            "sha256:\u00e9", "sha256:x\ny", "", ":sha256", "-x", "_x", ".x", "+x", "sha256:x;y", "sha256:x&y",
            "sha256:x@y", "sha256:x\\y", "sha256:x~y"})
    void hostileDigestsMayNot(String value) {
        assertFalse(Identities.safeDigest(value), value);
        Identities.UnsafeIdentityException e = assertThrows(Identities.UnsafeIdentityException.class,
                () -> Identities.requireDigest("digest", value));
        assertTrue(e.getMessage().startsWith("digest " + GoQuote.quote(value) + ": "), e.getMessage());
    }

    @Test
    void nullIsNeverSafe() {
        assertFalse(Identities.safeDigest(null));
        assertFalse(Identities.safeRepository(null));
        assertFalse(Identities.safeNamespace(null));
        assertFalse(Identities.safeStreamName(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ns/app", "a/b", "my-ns/my.app", "ns/app_x", "ns/app__x", "ns/a---b", "openshift/ruby-27",
            "a/b/c", "0/9"})
    void repositoriesOfTheDistributionGrammar(String value) {
        assertTrue(Identities.safeRepository(value), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ns/app%2F..", "ns/app x", "ns/ app", "ns/App", "ns//app", "/ns/app", "ns/app/", "ns/..",
            "ns/.", "ns/a..b", "ns/a___b", "ns/a._b", "ns/-a", "ns/a-", "ns/app?x", "ns/app#x", "", "ns/app\n"})
    void repositoriesOutsideIt(String value) {
        assertFalse(Identities.safeRepository(value), value);
    }

    @Test
    void aRepositoryIsAtMost255Characters() {
        assertTrue(Identities.safeRepository("n/" + "a".repeat(253)));
        assertFalse(Identities.safeRepository("n/" + "a".repeat(254)));
    }

    @Test
    void namespacesAreDns1123Labels() {
        for (String ok : List.of("a", "ns1", "my-namespace", "0", "a".repeat(63))) {
            assertTrue(Identities.safeNamespace(ok), ok);
        }
        for (String bad : List.of("", "NS", "a.b", "a_b", "-a", "a-", "a b", "a%20", "a/b", "..", "a".repeat(64))) {
            assertFalse(Identities.safeNamespace(bad), bad);
        }
    }

    @Test
    void streamNamesAreOneRepositoryComponent() {
        for (String ok : List.of("app", "my.app", "my_app", "my__app", "ruby-27", "a")) {
            assertTrue(Identities.safeStreamName(ok), ok);
        }
        for (String bad : List.of("", ".", "..", "a/b", "a%2Fb", "App", "a b", "a..b", ".a", "a.", "a___b")) {
            assertFalse(Identities.safeStreamName(bad), bad);
        }
    }

    @Test
    void anImageProblemNamesTheObjectTheFieldAndTheValue() {
        String hostile = DIGEST + "?evil";
        Image image = image(DIGEST, List.of(DIGEST, hostile), "sha256:x/../y",
                Image.MANIFEST_SCHEMA2, List.of());
        assertEquals(List.of(
                "images/" + DIGEST + ": dockerImageLayers[1].name: invalid digest \"" + hostile + "\": "
                        + Identities.DIGEST_RULE,
                "images/" + DIGEST + ": dockerImageMetadata.Id: invalid digest \"sha256:x/../y\": "
                        + Identities.DIGEST_RULE), Identities.problems(image));
    }

    @Test
    void anImageNameAndManifestChildrenAreCheckedToo() {
        Image list = image("sha256:x/../../v2", List.of(), "", Image.MANIFEST_LIST, List.of(DIGEST, DIGEST + "#x"));
        assertEquals(List.of(
                "images/sha256:x/../../v2: metadata.name: invalid digest \"sha256:x/../../v2\": "
                        + Identities.DIGEST_RULE,
                "images/sha256:x/../../v2: dockerImageManifests[1].digest: invalid digest \"" + DIGEST + "#x\": "
                        + Identities.DIGEST_RULE), Identities.problems(list));
    }

    @Test
    void aNameThatCouldForgeALineIsQuoted() {
        Image image = image("sha256:x\nWARN fake", List.of(), "", Image.MANIFEST_SCHEMA2, List.of());
        String problem = Identities.problems(image).get(0);
        assertTrue(problem.startsWith("images/\"sha256:x\\nWARN fake\": metadata.name: "), problem);
        assertFalse(problem.contains("\n"));
    }

    @Test
    void aSchema1ConfigIdIsNoBlobAndNeverSent() {
        Image schema1 = image(DIGEST, List.of(DIGEST), "not a digest",
                "application/vnd.docker.distribution.manifest.v1+json", List.of());
        assertEquals(List.of(), Identities.problems(schema1));
    }

    @Test
    void safeObjectsHaveNoProblems() {
        assertEquals(List.of(), Identities.problems(image(DIGEST, List.of("tarsum.dev+sha256:" + HEX, "layer1"),
                DIGEST, Image.MANIFEST_OCI, List.of())));
        assertEquals(List.of(), Identities.problems(stream("ns", "app")));
        assertEquals(List.of(), Identities.problems((Object) new LimitRange("NOT checked", "x y", List.of())));
    }

    @Test
    void aStreamProblemNamesItsNamespaceOrName() {
        assertEquals(List.of("imagestreams/app namespace=\"bad ns\": metadata.namespace: invalid namespace "
                        + "\"bad ns\": " + Identities.NAMESPACE_RULE),
                Identities.problems(stream("bad ns", "app")));
        assertEquals(List.of("imagestreams/app%x namespace=ns: metadata.name: invalid image stream name \"app%x\": "
                        + Identities.STREAM_NAME_RULE),
                Identities.problems(stream("ns", "app%x")));
        assertEquals(List.of("imagestreams/" + "a".repeat(250) + " namespace=ns1234: invalid repository \"ns1234/"
                        + "a".repeat(250) + "\": " + Identities.REPOSITORY_RULE),
                Identities.problems(stream("ns1234", "a".repeat(250))));
        assertThrows(Identities.UnsafeIdentityException.class, () -> Identities.requireStream("ns", "a/b"));
        Identities.requireStream("ns", "app");
    }

    private static Image image(String name, List<String> layers, String config, String mediaType,
                               List<String> children) {
        return new Image(name, Instant.EPOCH, true, mediaType, layers.stream().map(l -> new Layer(l, 1)).toList(),
                true, config, 1, children, "");
    }

    private static ImageStream stream(String namespace, String name) {
        return new ImageStream(namespace, name, Instant.EPOCH, "", List.of());
    }
}
