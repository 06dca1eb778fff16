package io.imageprune.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ReferrerReferences}: what each kind of referrer holds and how (docs/algorithm.md §5.3). One method per field or
 * kind, each building one referrer and asserting its references: the methods repeat a shape (the duplicates tool
 * pairs them) so that a failure names the field it breaks.
 */
class ReferrerReferencesTest {

    static final String HEX64 = ReferenceParserTest.HEX64;
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);
    static final String D3 = "sha256:" + "3".repeat(64);

    static Referrer pod(String ns, String name, Container... containers) {
        return new Referrer(ReferrerKind.POD, ns, name, null, "Running", List.of(containers), null);
    }

    static Referrer workload(ReferrerKind kind, String ns, String name, Container... containers) {
        return new Referrer(kind, ns, name, null, "", List.of(containers), null);
    }

    static Referrer build(ReferrerKind kind, String ns, String name, String sourceKind, String sourceNs,
                          String sourceName) {
        return new Referrer(kind, ns, name, null, "", List.of(), new BuildSource(sourceKind, sourceNs, sourceName));
    }

    static Container c(String name, String image) {
        return new Container(name, false, image);
    }

    static Container init(String name, String image) {
        return new Container(name, true, image);
    }

    static List<String> keys(ExtractedReferences x) {
        return x.refs().stream().map(ImageRef::key).toList();
    }

    // ---- containers ----

    @Test
    void hostNamespaceNameWithDigestIsAnImageRef() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "pod1", c("app", "registry.io/foo/bar@" + D1)));
        assertEquals(List.of(ImageRef.image("foo", "bar", D1)), x.refs());
        assertEquals("foo/bar@" + D1, x.refs().get(0).key());
        assertEquals(List.of(), x.errors());
        assertEquals(Set.of(D1), x.pinnedDigests());
    }

    @Test
    void tagPresentWithDigestIsIgnored() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("app", "r.io/foo/bar:v1@" + D1)));
        assertEquals(List.of("foo/bar@" + D1), keys(x));
    }

    @Test
    void hostNamespaceNameWithTagIsATagRef() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p",
                c("a", "external.registry:5000/foo/baz:keepme")));
        assertEquals(List.of(ImageRef.tag("foo", "baz", "keepme")), x.refs());
        assertEquals("foo/baz:keepme", x.refs().get(0).key());
        assertEquals(Set.of(), x.pinnedDigests());
    }

    @Test
    void missingTagDefaultsToLatest() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("a", "docker.io/library/x")));
        assertEquals(List.of("library/x:latest"), keys(x));
    }

    @Test
    void hostIsIgnoredAndReferencesAcrossNamespacesKeepTheirOwnNamespace() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p",
                c("a", "localhost:5000/other/y"), c("b", "quay.io/other/y")));
        assertEquals(List.of("other/y:latest", "other/y:latest"), keys(x));
    }

    @Test
    void wrongShapesAreSilentlyIgnoredButDigestsArePinned() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p",
                c("a", "a/b/c/d/e"),                 // conformance 011: no registry
                c("b", "garbage"),                   // bare name
                c("c", "nginx@" + D1),               // no registry, digest
                c("d", "r.io/a/b/c@" + D2),          // deeper path, digest
                c("e", "r.io/x"),                    // no namespace
                c("f", "example.com@" + D3),         // registry only, digest
                c("g", "foo/bar:latest")));          // "foo" is not registry-looking
        assertEquals(List.of(), x.refs());
        assertEquals(List.of(), x.errors());
        assertEquals(List.of(D1, D2, D3), new ArrayList<>(x.pinnedDigests()));
    }

    @Test
    void pinnedDigestIsLowerCased() {
        String upper = "sha256:" + HEX64.toUpperCase();
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("a", "r.io/foo/bar@" + upper)));
        assertEquals(Set.of(upper.toLowerCase()), x.pinnedDigests(), "pins compare case-insensitively: the same image is pulled");
        assertEquals(List.of(ImageRef.image("foo", "bar", upper)), x.refs());
    }

    @Test
    void initContainersComeFirstAndAreNamedSo() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "pod1",
                init("setup", "Bad Init"),
                init("ok", "r.io/foo/init:1"),
                c("app", "garbage!"),
                c("side", "r.io/foo/side@" + D1)));
        assertEquals(List.of(
                "pod/pod1 namespace=foo: init container setup: invalid image reference \"Bad Init\": "
                        + "invalid reference format",
                "pod/pod1 namespace=foo: container app: invalid image reference \"garbage!\": "
                        + "invalid reference format"), x.errors());
        assertEquals(List.of("foo/init:1", "foo/side@" + D1), keys(x));
    }

    @Test
    void containerErrorWordingForEachParseError() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "pod1",
                c("a", "registry.example:5000/Team/BadName:latest"),
                c("b", "r.io/foo/bar@md5:" + "0".repeat(32)),
                c("c", "r.io/foo/bar@sha256:" + "0".repeat(63)),
                c("d", "a".repeat(256)),
                c("e", "tag with space")));
        assertEquals(List.of(
                "pod/pod1 namespace=foo: container a: invalid image reference "
                        + "\"registry.example:5000/Team/BadName:latest\": repository name must be lowercase",
                "pod/pod1 namespace=foo: container b: invalid image reference \"r.io/foo/bar@md5:"
                        + "0".repeat(32) + "\": unsupported digest algorithm",
                "pod/pod1 namespace=foo: container c: invalid image reference \"r.io/foo/bar@sha256:"
                        + "0".repeat(63) + "\": invalid checksum digest length",
                "pod/pod1 namespace=foo: container d: invalid image reference \"" + "a".repeat(256)
                        + "\": repository name must not be more than 255 characters",
                "pod/pod1 namespace=foo: container e: invalid image reference \"tag with space\": "
                        + "invalid reference format"), x.errors());
        assertEquals(List.of(), x.refs());
        assertEquals(Set.of(), x.pinnedDigests());
    }

    @Test
    void emptyNamespaceOmitsNamespacePart() {
        ExtractedReferences x = ReferrerReferences.of(pod("", "pod1", c("app", "garbage!")));
        assertEquals(List.of("pod/pod1: container app: invalid image reference \"garbage!\": invalid reference format"),
                x.errors());
        ExtractedReferences b = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "", "bc1", "ImageStreamImage",
                "", "bad:isi"));
        assertEquals(List.of("buildconfig/bc1: invalid ImageStreamImage reference \"bad:isi\": "
                + "expected exactly one @ in the isimage name \"bad:isi\""), b.errors());
    }

    @Test
    void referenceStringsAreGoQuotedInMessages() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("app", "bad\"ref\t\u00a0")));
        assertEquals(List.of("pod/p namespace=foo: container app: invalid image reference \"bad\\\"ref\\t\\u00a0\": "
                + "invalid reference format"), x.errors());
    }

    @Test
    void emptyAndWhitespaceImagesAreSkipped() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p",
                c("a", ""), c("b", "   "), c("c", "\t\n\u000b\f\r"), c("d", "\u00a0\u0085\u2003\u3000"),
                init("e", " ")));
        assertSame(ExtractedReferences.EMPTY, x);
        assertTrue(x.isEmpty());
    }

    @Test
    void whitespaceThatGoDoesNotTrimIsParsedAndFails() {
        // U+001C..U+001F are whitespace to Java's Character.isWhitespace but not to Go's unicode.IsSpace;
        // U+200B (zero width space) is not White_Space either
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("a", "\u001c"), c("b", "\u200b")));
        assertEquals(List.of(
                "pod/p namespace=foo: container a: invalid image reference \"\\x1c\": invalid reference format",
                "pod/p namespace=foo: container b: invalid image reference \"\\u200b\": invalid reference format"),
                x.errors());
    }

    @Test
    void imagesWithSurroundingSpacesAreNotTrimmedBeforeParsing() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("a", " r.io/foo/bar ")));
        assertEquals(List.of("pod/p namespace=foo: container a: invalid image reference \" r.io/foo/bar \": "
                + "invalid reference format"), x.errors());
    }

    @Test
    void containerWithEmptyNameStillHasSubreferrer() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("", "garbage!")));
        assertEquals(List.of("pod/p namespace=foo: container : invalid image reference \"garbage!\": "
                + "invalid reference format"), x.errors());
    }

    @ParameterizedTest
    @EnumSource(value = ReferrerKind.class, names = {"BUILD", "BUILD_CONFIG"}, mode = EnumSource.Mode.EXCLUDE)
    void everyWorkloadKindUsesItsResourceWord(ReferrerKind kind) {
        ExtractedReferences x = ReferrerReferences.of(workload(kind, "nm", "obj1",
                c("app", "garbage!"), c("ok", "r.io/nm/app:v2")));
        assertEquals(List.of(kind.resource() + "/obj1 namespace=nm: container app: invalid image reference "
                + "\"garbage!\": invalid reference format"), x.errors());
        assertEquals(List.of("nm/app:v2"), keys(x));
    }

    @Test
    void workloadKindsIgnoreABuildSource() {
        Referrer r = new Referrer(ReferrerKind.DEPLOYMENT, "ns", "d", null, "", List.of(),
                new BuildSource("ImageStreamTag", "", "a:b"));
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(r));
    }

    @Test
    void buildKindsIgnoreContainers() {
        Referrer r = new Referrer(ReferrerKind.BUILD, "ns", "b", null, "", List.of(c("x", "garbage!")), null);
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(r));
    }

    // ---- conformance vectors ----

    @Test
    void conformance011PodWithDeepPathReferencesNothing() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "pod1", c("app", "a/b/c/d/e")));
        assertTrue(x.isEmpty());
    }

    @Test
    void conformance062BuildWithBadDockerImageReference() {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "build1", "DockerImage",
                "foo", "registry.io/foo/bar@sha256:many-zeros-and-3"));
        assertEquals(List.of("build/build1 namespace=foo: invalid image reference "
                + "\"registry.io/foo/bar@sha256:many-zeros-and-3\": invalid reference format"), x.errors());
        assertEquals(List.of(), x.refs());
        assertEquals(Set.of(), x.pinnedDigests());
    }

    @Test
    void conformance064BuildConfigWithBadImageStreamTag() {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "foo", "bc1",
                "ImageStreamTag", "ns", "bad/tag@name"));
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamTag reference \"bad/tag@name\": "
                + "\"bad/tag@name\" is an image stream image, not an image stream tag"), x.errors());
        assertEquals(List.of(), x.refs());
    }

    @Test
    void conformance065MoreParsingErrors() {
        // objects in the vector: bc1 (ImageStreamImage "bad:isi"), dep1 ("garbage", valid but ignored),
        // rs1 ("I am certainly a valid reference"); the aggregate lists replica sets before build configs
        ExtractedReferences bc = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "foo", "bc1",
                "ImageStreamImage", "ns", "bad:isi"));
        ExtractedReferences dep = ReferrerReferences.of(workload(ReferrerKind.DEPLOYMENT, "nm", "dep1",
                c("app", "garbage")));
        ExtractedReferences rs = ReferrerReferences.of(workload(ReferrerKind.REPLICA_SET, "nm", "rs1",
                c("app", "I am certainly a valid reference")));
        assertTrue(dep.isEmpty());
        List<String> all = new ArrayList<>();
        all.addAll(rs.errors());
        all.addAll(bc.errors());
        String expected = "[replicaset/rs1 namespace=nm: container app: invalid image reference \"I am certainly a "
                + "valid reference\": invalid reference format, buildconfig/bc1 namespace=foo: invalid "
                + "ImageStreamImage reference \"bad:isi\": expected exactly one @ in the isimage name \"bad:isi\"]";
        assertEquals(expected, "[" + String.join(", ", all) + "]");
    }

    // ---- build sources ----

    @Test
    void dockerImageSourceBehavesLikeAContainerImageWithoutSubreferrer() {
        assertEquals(List.of(ImageRef.image("foo", "bar", D1)), ReferrerReferences.of(build(ReferrerKind.BUILD,
                "x", "b", "DockerImage", "ignored", "registry.io/foo/bar@" + D1)).refs());
        assertEquals(List.of(ImageRef.tag("foo", "bar", "latest")), ReferrerReferences.of(build(ReferrerKind.BUILD,
                "x", "b", "DockerImage", "", "registry.io/foo/bar")).refs());
        ExtractedReferences deep = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "x", "bc",
                "DockerImage", "", "nginx@" + D2));
        assertEquals(List.of(), deep.refs());
        assertEquals(Set.of(D2), deep.pinnedDigests());
    }

    @Test
    void blankDockerImageSourceIsSkipped() {
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(build(ReferrerKind.BUILD, "x", "b",
                "DockerImage", "", " ")));
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(build(ReferrerKind.BUILD, "x", "b",
                "DockerImage", "", "")));
    }

    @Test
    void imageStreamImageSource() {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "foo", "bc1",
                "ImageStreamImage", "other", "bar@" + D1));
        assertEquals(List.of(ImageRef.image("other", "bar", D1)), x.refs());
        assertEquals(Set.of(D1), x.pinnedDigests());
        // the namespace defaults to the referrer's; the id is not validated
        ExtractedReferences y = ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "b1",
                "ImageStreamImage", "", "bar@not-a-digest"));
        assertEquals(List.of("foo/bar@not-a-digest"), keys(y));
        assertEquals(Set.of("not-a-digest"), y.pinnedDigests());
    }

    @Test
    void imageStreamImageSourceErrors() {
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamImage reference \"bad:isi\": "
                + "expected exactly one @ in the isimage name \"bad:isi\""), isiErrors("bad:isi"));
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamImage reference \"a@b@c\": "
                + "expected exactly one @ in the isimage name \"a@b@c\""), isiErrors("a@b@c"));
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamImage reference \"@" + D1 + "\": "
                + "image stream image name \"@" + D1 + "\" must have a name and ID"), isiErrors("@" + D1));
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamImage reference \"bar@\": "
                + "image stream image name \"bar@\" must have a name and ID"), isiErrors("bar@"));
        assertEquals(List.of("buildconfig/bc1 namespace=foo: invalid ImageStreamImage reference \"\": "
                + "expected exactly one @ in the isimage name \"\""), isiErrors(""));
    }

    private static List<String> isiErrors(String name) {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "foo", "bc1",
                "ImageStreamImage", "ns", name));
        assertEquals(List.of(), x.refs());
        assertEquals(Set.of(), x.pinnedDigests());
        return x.errors();
    }

    @Test
    void imageStreamTagSource() {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "b1",
                "ImageStreamTag", "other", "ruby:3.1"));
        assertEquals(List.of(ImageRef.tag("other", "ruby", "3.1")), x.refs());
        assertEquals("other/ruby:3.1", x.refs().get(0).key());
        assertEquals(Set.of(), x.pinnedDigests());
        ExtractedReferences y = ReferrerReferences.of(build(ReferrerKind.BUILD_CONFIG, "foo", "bc",
                "ImageStreamTag", "", "ruby:latest"));
        assertEquals(List.of("foo/ruby:latest"), keys(y));
    }

    @Test
    void imageStreamTagSourceErrors() {
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"bad/tag@name\": "
                + "\"bad/tag@name\" is an image stream image, not an image stream tag"), istErrors("bad/tag@name"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"a@b:c\": "
                + "\"a@b:c\" is an image stream image, not an image stream tag"), istErrors("a@b:c"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"ruby\": "
                + "expected exactly one : delimiter in the istag \"ruby\""), istErrors("ruby"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"a:b:c\": "
                + "expected exactly one : delimiter in the istag \"a:b:c\""), istErrors("a:b:c"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \":tag\": "
                + "image stream tag name \":tag\" must have a name and a tag"), istErrors(":tag"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"ruby:\": "
                + "image stream tag name \"ruby:\" must have a name and a tag"), istErrors("ruby:"));
        assertEquals(List.of("build/b1 namespace=foo: invalid ImageStreamTag reference \"\": "
                + "expected exactly one : delimiter in the istag \"\""), istErrors(""));
    }

    private static List<String> istErrors(String name) {
        ExtractedReferences x = ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "b1",
                "ImageStreamTag", "ns", name));
        assertEquals(List.of(), x.refs());
        return x.errors();
    }

    @Test
    void otherSourceKindsAndMissingSourceAreIgnored() {
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "b",
                "ImageStream", "", "garbage!")));
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(build(ReferrerKind.BUILD, "foo", "b",
                "", "", "")));
        assertSame(ExtractedReferences.EMPTY, ReferrerReferences.of(
                new Referrer(ReferrerKind.BUILD_CONFIG, "foo", "bc", null, "", List.of(), null)));
    }

    @Test
    void duplicateReferencesAreKeptPerOccurrenceAndDigestsOnce() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p",
                c("a", "r.io/foo/bar@" + D1), c("b", "r.io/foo/bar@" + D1)));
        assertEquals(List.of("foo/bar@" + D1, "foo/bar@" + D1), keys(x));
        assertEquals(Set.of(D1), x.pinnedDigests());
    }

    @Test
    void resultIsImmutable() {
        ExtractedReferences x = ReferrerReferences.of(pod("foo", "p", c("a", "r.io/foo/bar@" + D1),
                c("b", "garbage!")));
        assertThrows(UnsupportedOperationException.class, () -> x.refs().add(ImageRef.tag("a", "b", "c")));
        assertThrows(UnsupportedOperationException.class, () -> x.errors().add("x"));
        assertThrows(UnsupportedOperationException.class, () -> x.pinnedDigests().add("x"));
        List<ImageRef> source = new ArrayList<>(Arrays.asList(ImageRef.tag("a", "b", "c")));
        ExtractedReferences y = new ExtractedReferences(source, List.of(), Set.of());
        source.clear();
        assertEquals(1, y.refs().size());
    }

    @Test
    void goWhitespace() {
        for (char ch : new char[] {'\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0, 0x1680, 0x2000, 0x200a, 0x2028,
                0x2029, 0x202f, 0x205f, 0x3000}) {
            assertTrue(ReferrerReferences.isGoSpace(ch), Integer.toHexString(ch));
        }
        for (char ch : new char[] {'a', 0x1c, 0x1f, 0x200b, 0x180e, 0xfeff, 0x00}) {
            assertFalse(ReferrerReferences.isGoSpace(ch), Integer.toHexString(ch));
        }
    }
}
