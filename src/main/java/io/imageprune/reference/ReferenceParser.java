package io.imageprune.reference;

/**
 * The docker/distribution reference grammar as vendored by library-go ({@code reference.Parse}), with its exact error
 * texts (algorithm §4.1) and library-go's registry / namespace / name split (algorithm §4.2).
 *
 * <p>The grammar, anchored at both ends, is {@code NAME [":" TAG] ["@" DIGEST]} with
 * <pre>
 *   NAME      = [ DOMAIN "/" ] COMPONENT ( "/" COMPONENT )*
 *   COMPONENT = [a-z0-9]+ ( (?:[._]|__|[-]*) [a-z0-9]+ )*
 *   DOMAIN    = LABEL ( "." LABEL )* [ ":" [0-9]+ ]      LABEL = [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   TAG       = [\w][\w.-]{0,127}
 *   DIGEST    = [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,}
 * </pre>
 * The Go implementation uses RE2 regular expressions; the same language written for {@link java.util.regex} backtracks
 * exponentially (the separator {@code [-]*} may be empty, so {@code ([a-z0-9]+)*} nests), so this class recognises
 * it with a hand-written linear scanner instead. The decomposition is unambiguous: {@code @} occurs in no part but the
 * separator before DIGEST; TAG contains neither {@code /} nor {@code :}, and a {@code :} inside NAME (a port) is always
 * followed by a {@code /}; so the tag is the text after the last {@code :} of the part before {@code @} exactly when no
 * {@code /} follows that colon. Only whether NAME matches matters (library-go re-joins domain and path), so the
 * domain/path ambiguity of the first component needs no resolution.
 *
 * <p>Thread-safe and allocation-light: a successful parse allocates the result and its substrings only.
 */
public final class ReferenceParser {

    /** The empty string. */
    public static final String ERR_NAME_EMPTY = "repository name must have at least one component";
    /** Does not match, but its lower-cased form does. */
    public static final String ERR_NAME_UPPERCASE = "repository name must be lowercase";
    /** Does not match, not even lower-cased. */
    public static final String ERR_INVALID_FORMAT = "invalid reference format";
    /** NAME (registry included) longer than {@value #NAME_TOTAL_LENGTH_MAX} characters. */
    public static final String ERR_NAME_TOO_LONG = "repository name must not be more than 255 characters";
    /** The digest does not have the form {@code [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+}. */
    public static final String ERR_DIGEST_FORMAT = "invalid checksum digest format";
    /** The digest algorithm is not sha256, sha384 or sha512. */
    public static final String ERR_DIGEST_UNSUPPORTED = "unsupported digest algorithm";
    /** The hex part is not 64, 96 or 128 characters long for sha256, sha384, sha512. */
    public static final String ERR_DIGEST_LENGTH = "invalid checksum digest length";

    public static final int NAME_TOTAL_LENGTH_MAX = 255;

    private static final int TAG_MAX = 128;
    private static final int DIGEST_HEX_MIN = 32;

    /* Character classes, indexed by ASCII code. */
    private static final byte LOWER_ALNUM = 1;   // [a-z0-9]
    private static final byte ALNUM = 2;         // [a-zA-Z0-9]
    private static final byte WORD = 4;          // \w = [0-9A-Za-z_]
    private static final byte HEX = 8;           // [0-9a-fA-F]
    private static final byte LETTER = 16;       // [A-Za-z]
    private static final byte[] CLASS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            byte k = 0;
            boolean lower = c >= 'a' && c <= 'z';
            boolean upper = c >= 'A' && c <= 'Z';
            boolean digit = c >= '0' && c <= '9';
            if (lower || digit) {
                k |= LOWER_ALNUM;
            }
            if (lower || upper || digit) {
                k |= ALNUM;
            }
            if (lower || upper || digit || c == '_') {
                k |= WORD;
            }
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                k |= HEX;
            }
            if (lower || upper) {
                k |= LETTER;
            }
            CLASS[c] = k;
        }
    }

    private ReferenceParser() {
    }

    /**
     * Parses a pull spec exactly like library-go's {@code reference.Parse}.
     *
     * @throws InvalidReferenceException with the Go error text as message
     */
    public static ParsedReference parse(String spec) throws InvalidReferenceException {
        if (spec == null) {
            spec = "";
        }
        long m = match(spec);
        if (m < 0) {
            if (spec.isEmpty()) {
                throw new InvalidReferenceException(ERR_NAME_EMPTY);
            }
            String lower = goToLower(spec);
            if (lower != spec && match(lower) >= 0) {
                throw new InvalidReferenceException(ERR_NAME_UPPERCASE);
            }
            throw new InvalidReferenceException(ERR_INVALID_FORMAT);
        }
        int nameEnd = (int) (m >>> 32);
        int preEnd = (int) m; // end of NAME [":" TAG]; == spec.length() when there is no digest
        if (nameEnd > NAME_TOTAL_LENGTH_MAX) {
            throw new InvalidReferenceException(ERR_NAME_TOO_LONG);
        }
        String tag = nameEnd < preEnd ? spec.substring(nameEnd + 1, preEnd) : "";
        String id = "";
        if (preEnd < spec.length()) {
            id = spec.substring(preEnd + 1);
            String err = validateDigest(id);
            if (err != null) {
                throw new InvalidReferenceException(err);
            }
        }
        return split(spec, nameEnd, tag, id);
    }

    /**
     * The repository part of a pull spec that may not parse as a whole (contain mode): the string is cut where
     * {@link #parse} cuts it (the digest after the first {@code @}, the tag after the last {@code :} not followed by a
     * {@code /}), and the NAME before the cut is matched and split alone, as {@link #parse} would split it. A NAME
     * that matches only lower-cased ({@value #ERR_NAME_UPPERCASE}) is read lower-cased: that is the repository its
     * holder means.
     *
     * @return registry, namespace and name of the NAME part (tag and id empty), or null when the NAME part does not
     *         match the grammar, lower-cased or not, or is longer than {@value #NAME_TOTAL_LENGTH_MAX} characters
     */
    public static ParsedReference parseName(String spec) {
        if (spec == null) {
            return null;
        }
        int at = spec.indexOf('@');
        int preEnd = at < 0 ? spec.length() : at;
        int nameEnd = preEnd;
        int colon = spec.lastIndexOf(':', preEnd - 1);
        if (colon >= 0 && spec.lastIndexOf('/', preEnd - 1) < colon) {
            nameEnd = colon;
        }
        if (nameEnd == 0 || nameEnd > NAME_TOTAL_LENGTH_MAX) {
            return null;
        }
        String name = spec.substring(0, nameEnd);
        if (!isName(name, 0, nameEnd)) {
            name = goToLower(name);
            if (name.length() != nameEnd || !isName(name, 0, nameEnd)) {
                return null;
            }
        }
        return split(name, nameEnd, "", "");
    }

    /**
     * library-go's split of the matched name (algorithm §4.2): registry-only, name-only, or registry + rest; then
     * namespace from the rest.
     */
    private static ParsedReference split(String spec, int nameEnd, String tag, String id) {
        int slash = spec.indexOf('/');
        if (slash >= nameEnd) {
            slash = -1;
        }
        String registry = "";
        String rest;
        if (slash < 0) {
            if (indexOf(spec, '.', 0, nameEnd) >= 0 || (nameEnd >= 9 && spec.startsWith("localhost"))) {
                // registry only: library-go takes the whole reference (namedRef.String(), which for a matching spec
                // is the spec itself) and drops the tag; the digest is still reported as the ID.
                return new ParsedReference(spec, "", "", "", id);
            }
            rest = spec.substring(0, nameEnd);
        } else if (indexOf(spec, ':', 0, slash) < 0 && indexOf(spec, '.', 0, slash) < 0
                && !(slash == 9 && spec.startsWith("localhost"))) {
            rest = spec.substring(0, nameEnd);
        } else {
            registry = spec.substring(0, slash);
            rest = spec.substring(slash + 1, nameEnd);
        }
        String namespace = "";
        int i = rest.indexOf('/');
        if (i >= 0) {
            namespace = rest.substring(0, i);
            rest = rest.substring(i + 1);
        }
        return new ParsedReference(registry, namespace, rest, tag, id);
    }

    private static int indexOf(String s, char c, int from, int to) {
        int i = s.indexOf(c, from);
        return i >= 0 && i < to ? i : -1;
    }

    /**
     * The old go-digest {@code Digest.Validate} used by library-go's internal copy: form, then algorithm, then length.
     * Returns the error text, or null when valid. (After a successful grammar match the form check cannot fail; it is
     * kept for fidelity.)
     */
    static String validateDigest(String d) {
        int colon = d.indexOf(':');
        if (colon <= 0 || colon == d.length() - 1) {
            return ERR_DIGEST_FORMAT;
        }
        for (int i = 0; i < colon; i++) {
            char c = d.charAt(i);
            if (!(c < 128 && (CLASS[c] & ALNUM) != 0) && c != '-' && c != '_' && c != '+' && c != '.') {
                return ERR_DIGEST_FORMAT;
            }
        }
        for (int i = colon + 1; i < d.length(); i++) {
            char c = d.charAt(i);
            if (!(c < 128 && (CLASS[c] & HEX) != 0)) {
                return ERR_DIGEST_FORMAT;
            }
        }
        int hexLength = d.length() - colon - 1;
        int expected;
        if (d.startsWith("sha256:")) {
            expected = 64;
        } else if (d.startsWith("sha384:")) {
            expected = 96;
        } else if (d.startsWith("sha512:")) {
            expected = 128;
        } else {
            return ERR_DIGEST_UNSUPPORTED;
        }
        return hexLength == expected ? null : ERR_DIGEST_LENGTH;
    }

    /**
     * Matches the anchored reference grammar. Returns -1 when the string does not match; otherwise
     * {@code (nameEnd << 32) | preEnd} where NAME is {@code [0, nameEnd)}, a TAG (if {@code nameEnd < preEnd}) is
     * {@code [nameEnd + 1, preEnd)} and a DIGEST (if {@code preEnd < length}) is {@code [preEnd + 1, length)}.
     */
    static long match(String s) {
        int len = s.length();
        int at = s.indexOf('@');
        int preEnd = len;
        if (at >= 0) {
            if (!isDigest(s, at + 1, len)) {
                return -1;
            }
            preEnd = at;
        }
        int nameEnd = preEnd;
        int colon = s.lastIndexOf(':', preEnd - 1);
        if (colon >= 0 && s.lastIndexOf('/', preEnd - 1) < colon) {
            if (!isTag(s, colon + 1, preEnd)) {
                return -1;
            }
            nameEnd = colon;
        }
        if (!isName(s, 0, nameEnd)) {
            return -1;
        }
        return ((long) nameEnd << 32) | preEnd;
    }

    private static boolean is(char c, byte k) {
        return c < 128 && (CLASS[c] & k) != 0;
    }

    /** {@code [ DOMAIN "/" ] COMPONENT ( "/" COMPONENT )*} over {@code [from, to)}. */
    private static boolean isName(String s, int from, int to) {
        int slash = indexOf(s, '/', from, to);
        if (slash < 0) {
            return Identities.component(s, from, to);
        }
        if (!Identities.component(s, from, slash) && !isDomain(s, from, slash)) {
            return false;
        }
        int start = slash + 1;
        while (true) {
            int next = indexOf(s, '/', start, to);
            int end = next < 0 ? to : next;
            if (!Identities.component(s, start, end)) {
                return false;
            }
            if (next < 0) {
                return true;
            }
            start = next + 1;
        }
    }

    /** {@code LABEL ( "." LABEL )* [ ":" [0-9]+ ]} over {@code [from, to)}. */
    private static boolean isDomain(String s, int from, int to) {
        int colon = indexOf(s, ':', from, to);
        int hostEnd = to;
        if (colon >= 0) {
            if (colon + 1 >= to) {
                return false;
            }
            for (int i = colon + 1; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            hostEnd = colon;
        }
        int start = from;
        while (true) {
            int dot = indexOf(s, '.', start, hostEnd);
            int end = dot < 0 ? hostEnd : dot;
            if (!isLabel(s, start, end)) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    /** {@code [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]}. */
    private static boolean isLabel(String s, int from, int to) {
        if (from >= to || !is(s.charAt(from), ALNUM) || !is(s.charAt(to - 1), ALNUM)) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (c != '-' && !is(c, ALNUM)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [\w][\w.-]{0,127}}. */
    private static boolean isTag(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > TAG_MAX || !is(s.charAt(from), WORD)) {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (c != '.' && c != '-' && !is(c, WORD)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9a-fA-F]{32,}}. */
    private static boolean isDigest(String s, int from, int to) {
        int colon = indexOf(s, ':', from, to);
        if (colon < 0 || colon == from || !is(s.charAt(from), LETTER)) {
            return false;
        }
        for (int i = from + 1; i < colon; i++) {
            char c = s.charAt(i);
            if (is(c, ALNUM)) {
                continue;
            }
            if (c == '-' || c == '_' || c == '+' || c == '.') {
                if (i + 1 >= colon || !is(s.charAt(i + 1), LETTER)) {
                    return false;
                }
                i++;
                continue;
            }
            return false;
        }
        if (to - colon - 1 < DIGEST_HEX_MIN) {
            return false;
        }
        for (int i = colon + 1; i < to; i++) {
            if (!is(s.charAt(i), HEX)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Go's {@code strings.ToLower}: per code point simple lower-case mapping ({@code unicode.ToLower}), which
     * {@link Character#toLowerCase(int)} also implements (e.g. KELVIN SIGN → {@code k}, İ → {@code i}; unlike
     * {@link String#toLowerCase()}, which applies full and locale-sensitive mappings). Returns {@code s} itself when
     * nothing changes.
     */
    static String goToLower(String s) {
        int len = s.length();
        int i = 0;
        while (i < len) {
            int cp = s.codePointAt(i);
            if (Character.toLowerCase(cp) != cp) {
                break;
            }
            i += Character.charCount(cp);
        }
        if (i == len) {
            return s;
        }
        StringBuilder b = new StringBuilder(len);
        b.append(s, 0, i);
        while (i < len) {
            int cp = s.codePointAt(i);
            b.appendCodePoint(Character.toLowerCase(cp));
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
