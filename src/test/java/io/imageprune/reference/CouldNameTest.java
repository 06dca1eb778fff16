package io.imageprune.reference;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an invalid reference could name: the repository its NAME part names when that part parses (and has oc's
 * host/namespace/name shape), else the namespace it is resolved in; and the images its hex fragments could start.
 */
class CouldNameTest {
    private static final String HEX20 = "0123456789abcdef0123";

    private static CouldName image(String namespace, String reference) {
        Referrer pod = new Referrer(ReferrerKind.POD, namespace, "p", Instant.EPOCH, "Running",
                List.of(new Container("main", false, reference)), null);
        List<InvalidReference> invalid = ReferrerReferences.of(pod).invalid();
        assertEquals(1, invalid.size(), "the reference must be invalid: " + reference);
        assertEquals(namespace, invalid.get(0).namespace());
        return invalid.get(0).couldName();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            // digest too short / wrong: the NAME parses
            "registry.example:5000/shop/web@sha256:abc|REPOSITORY|shop/web",
            "registry.example:5000/shop/web:v1@sha256:abc|REPOSITORY|shop/web",
            "registry.example:5000/shop/web@md5:0123456789abcdef0123456789abcdef|REPOSITORY|shop/web",
            // a bad tag: the NAME before the last colon not followed by '/' parses
            "registry.example:5000/shop/web:-bad|REPOSITORY|shop/web",
            // upper case: the NAME parses lower-cased, and that is the repository meant
            "registry.example:5000/Shop/Web:latest|REPOSITORY|shop/web",
            // two @: the digest part is everything after the first
            "registry.example:5000/shop/web@sha256:abc@def|REPOSITORY|shop/web",
            // the NAME parses in a shape oc reads as no stream: names none
            "web@sha256:abc|NONE|''",
            "registry.example:5000/a/b/c@sha256:abc|NONE|''",
            "example.com@sha256:abc|NONE|''",
            // the NAME does not parse: every stream of the holder's namespace
            "-bad-/image|NAMESPACE|own",
            "registry.example:5000/shop/we b:latest|NAMESPACE|own",
            "registry.example:5000/shop//web|NAMESPACE|own",
            "' registry.example:5000/shop/web'|NAMESPACE|own",
    })
    void pullSpecs(String reference, CouldName.Streams streams, String scope) {
        CouldName could = image("own", reference);
        assertEquals(streams, could.streams());
        assertEquals(scope, could.scope());
    }

    @Test
    void aClusterScopedHolderWhoseRepositoryDoesNotParseCouldNameEveryStream() {
        ExtractedReferences refs = ReferrerReferences.ofImages("machineosbuild", "", "worker",
                List.of(java.util.Map.entry("status.digestedImagePushSpec", "-bad-/x")));
        CouldName could = refs.invalid().get(0).couldName();
        assertEquals(CouldName.Streams.CLUSTER, could.streams());
        assertTrue(could.names("any", "any/stream"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
    @CsvSource(delimiter = '|', value = {
            "ImageStreamTag|''|web|REPOSITORY|own/web",
            "ImageStreamTag|other|web:v1:v2|REPOSITORY|other/web",
            "ImageStreamTag|''|web@sha256:abc|REPOSITORY|own/web",
            "ImageStreamTag|''|:v1|NAMESPACE|own",
            "ImageStreamTag|other|Web:v1:v2|NAMESPACE|other",
            "ImageStreamImage|''|web|REPOSITORY|own/web",
            "ImageStreamImage|''|web@|REPOSITORY|own/web",
            "ImageStreamImage|other|@sha256:abc|NAMESPACE|other",
    })
    void objectReferences(String kind, String namespace, String name, CouldName.Streams streams, String scope) {
        Referrer build = new Referrer(ReferrerKind.BUILD, "own", "b", Instant.EPOCH, "", List.of(),
                new BuildSource(kind, namespace, name));
        List<InvalidReference> invalid = ReferrerReferences.of(build).invalid();
        assertEquals(1, invalid.size(), "the reference must be invalid: " + name);
        CouldName could = invalid.get(0).couldName();
        assertEquals(streams, could.streams());
        assertEquals(scope, could.scope());
    }

    @Test
    void hexFragmentsOfTwelveOrMoreNameTheImagesTheyStartOrThatStartThem() {
        CouldName could = image("own", "registry.example:5000/shop/web@sha256:" + HEX20.toUpperCase());
        assertEquals(List.of(HEX20), could.hexFragments(), "lower-cased");
        String full = "sha256:" + HEX20 + "4".repeat(44);
        assertTrue(could.namesImage(full), "a truncated digest names the images it starts");
        assertFalse(could.namesImage("sha256:" + "1" + HEX20.substring(1) + "4".repeat(44)));

        String tooLong = full.substring("sha256:".length()) + "9";
        CouldName longer = image("own", "Registry/X@sha256:" + tooLong);
        assertTrue(longer.namesImage(full), "a digest written one character too long names the image it starts with");

        assertEquals(List.of(), image("own", "registry.example:5000/shop/web@sha256:0123456789a").hexFragments(),
                "eleven hex characters are too few");
        assertEquals(List.of("deadbeefcafe", "0123456789ab"),
                CouldName.hexFragments("x/deadbeefcafe-0123456789ab:zz"));
    }

    @Test
    void theNamePartOfAValidReferenceIsWhatTheParserSplits() throws InvalidReferenceException {
        for (String spec : List.of("registry.example:5000/shop/web:v1", "localhost/a/b", "web", "a/b",
                "example.com:443/ns/name@sha256:" + "a".repeat(64))) {
            ParsedReference whole = ReferenceParser.parse(spec);
            ParsedReference name = ReferenceParser.parseName(spec);
            assertEquals(whole.namespace(), name.namespace(), spec);
            assertEquals(whole.name(), name.name(), spec);
        }
        assertNull(ReferenceParser.parseName(""));
        assertNull(ReferenceParser.parseName("a".repeat(256)));
    }
}
