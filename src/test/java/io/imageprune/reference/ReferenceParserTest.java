package io.imageprune.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReferenceParser} against the reference grammar and library-go's split (docs/algorithm.md §4). One method per
 * rule, each a few cases in a row: the methods repeat a shape (the duplicates tool pairs them) so that a failure
 * names the rule it breaks.
 */
class ReferenceParserTest {

    static final String HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String SHA256 = "sha256:" + HEX64;

    static ParsedReference parse(String s) {
        try {
            return ReferenceParser.parse(s);
        } catch (InvalidReferenceException e) {
            throw new AssertionError("unexpected parse failure of " + s + ": " + e.getMessage(), e);
        }
    }

    static String error(String s) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> ReferenceParser.parse(s),
                () -> "expected a parse failure for " + s);
        return e.getMessage();
    }

    static void assertParts(String spec, String registry, String namespace, String name, String tag, String id) {
        assertEquals(new ParsedReference(registry, namespace, name, tag, id), parse(spec), spec);
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    // ---- algorithm §4.2 examples ----

    @Test
    void specExampleRegistryNamespaceNameDigest() {
        assertParts("registry.io/foo/bar@" + SHA256, "registry.io", "foo", "bar", "", SHA256);
    }

    @Test
    void specExampleDeepPathWithoutRegistry() {
        // first component "a" has no '.' or ':' and is not localhost: no registry; namespace = first component
        assertParts("a/b/c/d/e", "", "a", "b/c/d/e", "", "");
    }

    @Test
    void specExampleBareName() {
        assertParts("garbage", "", "", "garbage", "", "");
    }

    @Test
    void specExampleRegistryWithPortAndTag() {
        assertParts("external.registry:5000/foo/baz:keepme", "external.registry:5000", "foo", "baz", "keepme", "");
    }

    @Test
    void localhostWithPort() {
        assertParts("localhost:5000/x/y", "localhost:5000", "x", "y", "", "");
    }

    @Test
    void dockerIoLibrary() {
        assertParts("docker.io/library/x", "docker.io", "library", "x", "", "");
    }

    @Test
    void tagAndDigestTogether() {
        assertParts("registry.io/foo/bar:v1@" + SHA256, "registry.io", "foo", "bar", "v1", SHA256);
    }

    @Test
    void nameWithDigestOnly() {
        assertParts("nginx@" + SHA256, "", "", "nginx", "", SHA256);
    }

    @Test
    void upperCaseHexDigestParsesAndIsKeptAsWritten() {
        String upper = "sha256:" + HEX64.toUpperCase();
        assertParts("registry.io/foo/bar@" + upper, "registry.io", "foo", "bar", "", upper);
        String mixed = "sha256:ABCdef" + HEX64.substring(6);
        assertEquals(mixed, parse("r.io/a/b@" + mixed).id());
    }

    @Test
    void sha384AndSha512() {
        String d384 = "sha384:" + repeat('a', 96);
        String d512 = "sha512:" + repeat('F', 128);
        assertEquals(d384, parse("r.io/a/b@" + d384).id());
        assertEquals(d512, parse("r.io/a/b@" + d512).id());
    }

    // ---- splitting, algorithm §4.2 ----

    @Test
    void localhostAloneAsFirstComponentIsRegistry() {
        assertParts("localhost/x", "localhost", "", "x", "", "");
        assertParts("localhost/x/y:t", "localhost", "x", "y", "t", "");
    }

    @Test
    void firstComponentStartingWithLocalhostIsNotRegistryUnlessExact() {
        // "localhostx" contains neither '.' nor ':' and is not exactly "localhost": it is a name component
        assertParts("localhostx/y", "", "localhostx", "y", "", "");
    }

    @Test
    void upperCaseFirstComponentParsesAsDomainButSplitsAsNamespace() {
        // "REGISTRY" matches the domain grammar (either case), so the name matches; library-go's split then sees no
        // '.' / ':' in it and treats the whole thing as a name
        assertParts("REGISTRY/foo", "", "REGISTRY", "foo", "", "");
        assertParts("Registry.IO/foo/bar:V1", "Registry.IO", "foo", "bar", "V1", "");
    }

    @Test
    void registryOnlyTakesTheWholeReference() {
        // library-go: no '/', and a '.' or a "localhost" prefix → Registry = namedRef.String() (the whole spec),
        // tag dropped, digest still reported as ID
        assertParts("example.com", "example.com", "", "", "", "");
        assertParts("localhost", "localhost", "", "", "", "");
        assertParts("localhostfoo", "localhostfoo", "", "", "", "");
        assertParts("localhost:5000", "localhost:5000", "", "", "", "");
        assertParts("example.com:latest", "example.com:latest", "", "", "", "");
        assertParts("example.com@" + SHA256, "example.com@" + SHA256, "", "", "", SHA256);
        assertParts("example.com:v1@" + SHA256, "example.com:v1@" + SHA256, "", "", "", SHA256);
    }

    @Test
    void shortNameWithTagIsNotRegistry() {
        assertParts("local:host", "", "", "local", "host", "");
        assertParts("nginx:1.25", "", "", "nginx", "1.25", "");
    }

    @Test
    void bareShortDigestWithoutAtIsNameAndTag() {
        // "sha256:deadbeef" has no '@': it is NAME "sha256" with TAG "deadbeef", a valid reference
        assertParts("sha256:deadbeef", "", "", "sha256", "deadbeef", "");
    }

    @Test
    void hostPortDeepPath() {
        assertParts("a.b.c:1/x/y/z", "a.b.c:1", "x", "y/z", "", "");
        assertParts("my-host.example.com:5000/ns/name", "my-host.example.com:5000", "ns", "name", "", "");
        assertParts("host:5000/name:tag", "host:5000", "", "name", "tag", "");
    }

    // ---- name components ----

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "a.b", "a_b", "a__b", "a-b", "a---------b", "a.b_c__d-e--f", "9z", "a1.b2",
            "x/y.z/w_v/u__t/s-r"})
    void validComponents(String s) {
        parse(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a___b", "a._b", "a_.b", "a..b", "a-.b", "a.-b", "-a", "a-", ".a", "a.", "_a", "a_",
            "a__", "a//b", "/a", "a/", "a/-b", "a/b-", "a+b", "a b", "a\nb", "a\u00e9"})
    void invalidComponents(String s) {
        assertEquals("invalid reference format", error(s));
    }

    @Test
    void trailingNewlineIsNotIgnored() {
        // Go's $ (without (?m)) matches only at the end of the text
        assertEquals("invalid reference format", error("nginx\n"));
        assertEquals("invalid reference format", error("r.io/a/b:latest\n"));
    }

    // ---- domains ----

    @ParameterizedTest
    @ValueSource(strings = {"-bad.com/x", "bad-.com/x", "bad..com/x", ".bad.com/x", "host:/x", "host:50a0/x",
            "host:5000:6000/x", "host:5000/", "ho_st:5000/x", "höst.com/x"})
    void invalidDomains(String s) {
        assertEquals("invalid reference format", error(s));
    }

    @Test
    void firstComponentMayBeAPathComponentWithADot() {
        // "ho_st.com" is not a DNS label sequence but is a valid path component; library-go still splits it off as
        // the registry because it contains a '.'
        assertParts("ho_st.com/x", "ho_st.com", "", "x", "", "");
    }

    @Test
    void portWithoutSlashIsATag() {
        // no '/' follows the colon, so it cannot be a port: NAME "host", TAG "5000"
        assertParts("host:5000", "", "", "host", "5000", "");
        assertParts("a.b:5000", "a.b:5000", "", "", "", "");
    }

    // ---- tags ----

    @Test
    void tagLengthLimit() {
        String t128 = "t" + repeat('x', 127);
        assertEquals(t128, parse("nginx:" + t128).tag());
        assertEquals("invalid reference format", error("nginx:" + t128 + "x"));
    }

    @ParameterizedTest
    @CsvSource({"nginx:_t,_t", "nginx:T.1-x,T.1-x", "nginx:9,9"})
    void validTags(String spec, String tag) {
        assertEquals(tag, parse(spec).tag());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx:", "nginx:.t", "nginx:-t", "nginx:t/x", "nginx:t+x", "a:b:c", "nginx::t"})
    void invalidTags(String s) {
        assertEquals("invalid reference format", error(s));
    }

    // ---- errors, algorithm §4.1, in their order ----

    @Test
    void emptyString() {
        assertEquals("repository name must have at least one component", error(""));
    }

    @Test
    void upperCaseInPath() {
        // fails as written (path components are lower case), lower-cased it matches
        assertEquals("repository name must be lowercase", error("registry.example:5000/Team/BadName:latest"));
        assertEquals("repository name must be lowercase", error("Nginx"));
        assertEquals("repository name must be lowercase", error("NGINX:Latest"));
        assertEquals("repository name must be lowercase", error("r.io/Foo/bar@" + SHA256));
    }

    @Test
    void lowerCasingFollowsGoSimpleCaseMapping() {
        // Go's strings.ToLower maps KELVIN SIGN to 'k' and LATIN CAPITAL I WITH DOT ABOVE to 'i'
        assertEquals("repository name must be lowercase", error("\u212Aube"));
        assertEquals("repository name must be lowercase", error("\u0130nfo"));
        // a non-ASCII letter whose lower case is still not ASCII stays a format error
        assertEquals("invalid reference format", error("\u00C9cole"));
    }

    @Test
    void upperCaseThatStaysInvalidWhenLowerCased() {
        // lower-cased, the spaces still do not match
        assertEquals("invalid reference format", error("I am certainly a valid reference"));
        assertEquals("invalid reference format", error("Foo@sha256:short"));
    }

    @Test
    void garbageStrings() {
        assertEquals("invalid reference format", error("::not-a-reference::"));
        assertEquals("invalid reference format", error("tag with space"));
        assertEquals("invalid reference format", error("garbage!"));
        assertEquals("invalid reference format", error(" nginx"));
        assertEquals("invalid reference format", error("@" + SHA256));
        assertEquals("invalid reference format", error("nginx@"));
        assertEquals("invalid reference format", error("a/b@" + SHA256 + "@" + SHA256));
        assertEquals("invalid reference format", error("a/b@" + SHA256 + ":x"));
    }

    @Test
    void shortDigestIsAFormatError() {
        // the grammar's DIGEST needs at least 32 hex digits: "sha256:deadbeef" after '@' does not match, nor does
        // its lower-cased form, so this is "invalid reference format" and digest validation is never reached
        assertEquals("invalid reference format", error("registry.io/foo/bar@sha256:deadbeef"));
        assertEquals("invalid reference format", error("nginx@sha256:" + repeat('a', 31)));
        // conformance vector 062
        assertEquals("invalid reference format", error("registry.io/foo/bar@sha256:many-zeros-and-3"));
    }

    @Test
    void unsupportedAlgorithm() {
        // "md5" is letter-led alphanumerics and 32 hex digits satisfy the grammar's {32,}; validation then finds the
        // form fine ([a-zA-Z0-9-_+.]+:[a-fA-F0-9]+) but md5 is not sha256/384/512 → unsupported
        assertEquals("unsupported digest algorithm", error("registry.io/foo/bar@md5:" + repeat('0', 32)));
        assertEquals("unsupported digest algorithm", error("nginx@SHA256:" + HEX64));
        assertEquals("unsupported digest algorithm", error("nginx@sha256+b64u:" + HEX64));
        assertEquals("unsupported digest algorithm", error("nginx@tarsum.dev+sha256:" + HEX64));
    }

    @Test
    void badDigestAlgorithmSyntaxIsAFormatError() {
        // after a separator the next algorithm component must start with a letter
        assertEquals("invalid reference format", error("nginx@sha-256:" + HEX64));
        assertEquals("invalid reference format", error("nginx@sha256-:" + HEX64));
        assertEquals("invalid reference format", error("nginx@1sha:" + HEX64));
        assertEquals("invalid reference format", error("nginx@:" + HEX64));
    }

    @Test
    void wrongDigestLength() {
        assertEquals("invalid checksum digest length", error("r.io/a/b@sha256:" + HEX64.substring(1)));
        assertEquals("invalid checksum digest length", error("r.io/a/b@sha256:" + HEX64 + "0"));
        assertEquals("invalid checksum digest length", error("r.io/a/b@sha512:" + HEX64));
        assertEquals("invalid checksum digest length", error("r.io/a/b@sha384:" + HEX64));
        assertEquals("invalid checksum digest length", error("r.io/a/b@sha256:" + repeat('a', 32)));
    }

    @Test
    void nameLengthLimit() {
        String n255 = repeat('a', 255);
        assertEquals(n255, parse(n255).name());
        assertEquals("repository name must not be more than 255 characters", error(repeat('a', 256)));
        // the registry counts, the tag does not
        String withHost = "r.io/" + repeat('b', 251);
        assertEquals(256, withHost.length());
        assertEquals("repository name must not be more than 255 characters", error(withHost));
        assertEquals(repeat('a', 255), parse(n255 + ":tag").name());
        // the length check comes before digest validation
        assertEquals("repository name must not be more than 255 characters",
                error(repeat('a', 256) + "@md5:" + repeat('0', 32)));
    }

    @Test
    void lowerCaseCheckComesBeforeDigestValidation() {
        assertEquals("repository name must be lowercase", error("Foo@md5:" + repeat('0', 32)));
    }

    @Test
    void digestValidationDirectly() {
        // unreachable through parse() (the grammar is stricter), checked on the validator itself
        assertNull(ReferenceParser.validateDigest(SHA256));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest("sha256"));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest(":" + HEX64));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest("sha256:"));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest("sha256:xyz"));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest("sha 256:" + HEX64));
        assertEquals("invalid checksum digest format", ReferenceParser.validateDigest("sha256:" + HEX64 + ":0"));
        assertEquals("unsupported digest algorithm", ReferenceParser.validateDigest("md5:0"));
        assertEquals("invalid checksum digest length", ReferenceParser.validateDigest("sha256:0"));
    }

    @Test
    void nullIsTreatedAsEmpty() {
        assertEquals("repository name must have at least one component", error(null));
    }

    // ---- performance ----

    @Test
    void longPathologicalStringsAreLinear() {
        String dashes = "a-".repeat(5000);
        String letters = "a".repeat(10_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertEquals("invalid reference format", error(dashes + "!"));
            assertEquals("invalid reference format", error(letters + "!"));
            assertEquals("invalid reference format", error(letters.substring(1) + "-"));
            assertEquals("repository name must not be more than 255 characters", error(letters));
            assertEquals("repository name must be lowercase", error("A" + dashes + "a"));
            assertEquals("invalid reference format", error("a-".repeat(2500) + "--__..".repeat(800)));
            assertEquals("invalid reference format", error("a/".repeat(5000) + "@"));
        });
    }

    @Test
    void manyParsesAreFast() {
        String[] inputs = {"registry.io/foo/bar@" + SHA256, "nginx", "docker.io/library/x:1.2",
            "garbage!", "image-registry.openshift-image-registry.svc:5000/ns/app:latest", "Upper/Case"};
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            int ok = 0;
            for (int i = 0; i < 300_000; i++) {
                try {
                    ReferenceParser.parse(inputs[i % inputs.length]);
                    ok++;
                } catch (InvalidReferenceException e) {
                    // expected for two inputs
                }
            }
            assertEquals(200_000, ok);
        });
    }

    // ---- differential check against the literal grammar ----

    /** The upstream ReferenceRegexp, written out for java.util.regex (only safe on short inputs). */
    static final Pattern ORACLE;

    static {
        String alnum = "[a-z0-9]+";
        String sep = "(?:[._]|__|[-]*)";
        String comp = alnum + "(?:" + sep + alnum + ")*";
        String hostComp = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        String host = hostComp + "(?:\\." + hostComp + ")*(?::[0-9]+)?";
        String tag = "[\\w][\\w.-]{0,127}";
        String digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}";
        String name = "(?:" + host + "/)?" + comp + "(?:/" + comp + ")*";
        ORACLE = Pattern.compile("(" + name + ")(?::(" + tag + "))?(?:@(" + digest + "))?");
    }

    /** Go's Parse + library-go split, written naively on top of the oracle regex. */
    static String oracle(String s) {
        Matcher m = ORACLE.matcher(s);
        if (!m.matches()) {
            if (s.isEmpty()) {
                return "error: repository name must have at least one component";
            }
            if (ORACLE.matcher(ReferenceParser.goToLower(s)).matches()) {
                return "error: repository name must be lowercase";
            }
            return "error: invalid reference format";
        }
        String name = m.group(1);
        String tag = m.group(2) == null ? "" : m.group(2);
        String digest = m.group(3) == null ? "" : m.group(3);
        if (name.length() > 255) {
            return "error: repository name must not be more than 255 characters";
        }
        if (!digest.isEmpty()) {
            if (!digest.matches("[a-zA-Z0-9_+.-]+:[a-fA-F0-9]+")) {
                return "error: invalid checksum digest format";
            }
            String alg = digest.substring(0, digest.indexOf(':'));
            int hex = digest.length() - alg.length() - 1;
            switch (alg) {
                case "sha256":
                    if (hex != 64) {
                        return "error: invalid checksum digest length";
                    }
                    break;
                case "sha384":
                    if (hex != 96) {
                        return "error: invalid checksum digest length";
                    }
                    break;
                case "sha512":
                    if (hex != 128) {
                        return "error: invalid checksum digest length";
                    }
                    break;
                default:
                    return "error: unsupported digest algorithm";
            }
        }
        String registry = "";
        String rest;
        int i = name.indexOf('/');
        boolean registryOnly = i == -1 && (name.contains(".") || name.startsWith("localhost"));
        boolean nameOnly = (i == -1 && !registryOnly)
                || (i > -1 && !name.substring(0, i).contains(":") && !name.substring(0, i).contains(".")
                && !name.substring(0, i).equals("localhost"));
        if (registryOnly) {
            return new ParsedReference(s, "", "", "", digest).toString();
        } else if (nameOnly) {
            rest = name;
        } else {
            registry = name.substring(0, i);
            rest = name.substring(i + 1);
        }
        String ns = "";
        int j = rest.indexOf('/');
        if (j >= 0) {
            ns = rest.substring(0, j);
            rest = rest.substring(j + 1);
        }
        return new ParsedReference(registry, ns, rest, tag, digest).toString();
    }

    static String actual(String s) {
        try {
            return ReferenceParser.parse(s).toString();
        } catch (InvalidReferenceException e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    void agreesWithTheLiteralGrammarOnRandomInputs() {
        String[] tokens = {"a", "b", "z", "0", "9", "A", "Z", "K", ".", "_", "__", "-", "--", ":", "/", "/", "@",
            "localhost", "x.y", ":5000", "sha256:" + HEX64, "@sha256:" + HEX64, "@md5:" + repeat('e', 32),
            "@sha512:" + HEX64, "@SHA256:" + HEX64.toUpperCase(), "@a+b:" + repeat('F', 40), " ", "!", "\u212A",
            "ab", "io", "latest", "v1.0"};
        Random random = new Random(42);
        int matched = 0;
        for (int n = 0; n < 60_000; n++) {
            StringBuilder b = new StringBuilder();
            int count = 1 + random.nextInt(7);
            for (int k = 0; k < count; k++) {
                b.append(tokens[random.nextInt(tokens.length)]);
            }
            String s = b.toString();
            String expected = oracle(s);
            String got = actual(s);
            if (!expected.equals(got)) {
                fail("input " + GoQuote.quote(s) + ": expected " + expected + " but got " + got);
            }
            if (!expected.startsWith("error")) {
                matched++;
            }
        }
        assertTrue(matched > 3_000, "the generator should produce many valid references, got " + matched);
    }
}
