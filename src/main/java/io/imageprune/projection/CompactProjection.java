package io.imageprune.projection;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schema version 2 of the projections: the fields of version 1 in the same order, in binary. Replay decodes every
 * record of the topic at each start, and the JSON of version 1 cost about 5 µs a record (a parser per value, field
 * names, hex text); this costs a fraction of that and is about half the size. The layout is documented in
 * docs/design.md ("The state topic"):
 *
 * <pre>
 * value   = 0x02 str(kind) body
 * str     = uvarint 0 (null) | uvarint 1, 32 bytes (a canonical sha256:&lt;64 lowercase hex&gt; digest, as its bits)
 *         | uvarint n+2, n bytes of UTF-8
 * time    = uvarint 0 (absent: Times.ZERO) | uvarint nanos+1, zigzag-varint epoch seconds
 * long    = zigzag varint;  bool = 0x00 | 0x01;  list(x) = uvarint count, count × x
 * Image       = str name, time created, bool managed, str mediaType, list(str name, long size) layers,
 *               bool hasMetadata, str configDigest, long size, list(str) manifestDigests, str dockerImageReference
 * ImageStream = str namespace, str name, time created, str dockerImageRepository,
 *               list(str name, list(str image, time created) items) tags
 * referrer    = str namespace, str name, time created, str phase, list(str name, bool init, str image) containers,
 *               (0x00 | 0x01 str kind, str namespace, str name) buildSource
 * LimitRange  = str namespace, str name, list(long) imageMaxStorage
 * SyncMarker  = str ingestId, long epoch, time listedAt, list(str kind, long count) objectsPerKind, str fault
 * </pre>
 *
 * Reading is strict: a truncated value, a length beyond its end, bytes left over, malformed UTF-8, an integer out of
 * range or a missing identity field is a {@link Malformed} naming the field (list elements as {@code layers[].name}). Digests decoded from their bits are
 * shared through {@link DigestStrings}, so a replayed graph holds each distinct digest once.
 *
 * <p>Each type's reader and writer are written out field by field (the duplicates tool pairs their shapes): this is
 * the replay's hot path, and the layout is the topic's documented format.
 */
final class CompactProjection {
    /** The first byte of a version 2 value; a version 1 value is JSON and starts with '{' or whitespace. */
    static final byte VERSION = 2;

    private static final int DIGEST_BYTES = 32;
    private static final String SHA256 = "sha256:";
    private static final Map<String, ReferrerKind> REFERRER_KINDS = new HashMap<>();

    static {
        for (ReferrerKind k : ReferrerKind.values()) {
            REFERRER_KINDS.put(k.kind(), k);
        }
    }

    private CompactProjection() {
    }

    /** A value that is not a valid version 2 projection; the message names the field and the problem. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    // ------------------------------------------------------------------------------------------------------ encode

    /**
     * Whether version 2 holds every field of {@code o}: it predates the extensions beyond oc, so an object carrying
     * one of them (or of a kind only they project) must be written in the JSON version instead.
     */
    static boolean carriesAllOf(Object o) {
        if (o instanceof Image i) {
            return i.annotations() == null || i.annotations().isEmpty();
        } else if (o instanceof ImageStream s) {
            return s.specTags().isEmpty() && (s.annotations() == null || s.annotations().isEmpty());
        } else if (o instanceof Referrer r) {
            return r.ephemeralContainers().isEmpty();
        }
        if (o instanceof SyncMarker m) {
            // version 2 has no field for the ingest's namespace scope; an unknown scope is its absence
            return !m.scope().known();
        }
        return o instanceof LimitRange;
    }

    /** The version 2 value of a model object; null for a type that is not projected. */
    static byte[] encode(Object o) {
        Out out = new Out();
        out.bytes[out.size++] = VERSION;
        if (o instanceof Image i) {
            out.str(ProjectionKeys.IMAGE);
            out.str(i.name());
            out.time(i.created());
            out.bool(i.managed());
            out.str(i.mediaType());
            out.uvarint(i.layers().size());
            for (int n = 0; n < i.layers().size(); n++) {
                Layer layer = i.layers().get(n);
                if (layer.name() == null) {
                    throw new ProjectionException("cannot encode Image " + i.name() + ": layers[" + n
                            + "] has no name");
                }
                out.str(layer.name());
                out.varlong(layer.size());
            }
            out.bool(i.hasMetadata());
            out.str(i.configDigest());
            out.varlong(i.size());
            out.strings(i.manifestDigests());
            out.str(i.dockerImageReference());
        } else if (o instanceof Referrer r) {
            out.str(r.kind().kind());
            out.str(r.namespace());
            out.str(r.name());
            out.time(r.created());
            out.str(r.phase());
            out.uvarint(r.containers().size());
            for (Container c : r.containers()) {
                out.str(c.name());
                out.bool(c.init());
                out.str(c.image());
            }
            BuildSource source = r.buildSource();
            out.bool(source != null);
            if (source != null) {
                out.str(source.kind());
                out.str(source.namespace());
                out.str(source.name());
            }
        } else if (o instanceof ImageStream s) {
            out.str(ProjectionKeys.IMAGE_STREAM);
            out.str(s.namespace());
            out.str(s.name());
            out.time(s.created());
            out.str(s.dockerImageRepository());
            out.uvarint(s.tags().size());
            for (Tag tag : s.tags()) {
                out.str(tag.name());
                out.uvarint(tag.items().size());
                for (TagEvent event : tag.items()) {
                    out.str(event.image());
                    out.time(event.created());
                }
            }
        } else if (o instanceof LimitRange l) {
            out.str(ProjectionKeys.LIMIT_RANGE);
            out.str(l.namespace());
            out.str(l.name());
            out.uvarint(l.imageMaxStorage().size());
            for (Long max : l.imageMaxStorage()) {
                out.varlong(max);
            }
        } else if (o instanceof SyncMarker m) {
            out.str(ProjectionKeys.SYNC_MARKER);
            out.str(m.ingestId());
            out.varlong(m.epoch());
            out.time(m.listedAt());
            out.uvarint(m.objectsPerKind().size());
            for (Map.Entry<String, Integer> e : m.objectsPerKind().entrySet()) {
                out.str(e.getKey());
                out.varlong(e.getValue());
            }
            out.str(m.fault());
        } else {
            return null;
        }
        return Arrays.copyOf(out.bytes, out.size);
    }

    private static final class Out {
        private byte[] bytes = new byte[256];
        private int size;

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
            }
        }

        void uvarint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void varlong(long v) {
            uvarint((v << 1) ^ (v >> 63));
        }

        void bool(boolean b) {
            ensure(1);
            bytes[size++] = (byte) (b ? 1 : 0);
        }

        void time(Instant t) {
            if (t == null || Times.isZero(t)) {
                uvarint(0);
                return;
            }
            uvarint(t.getNano() + 1L);
            varlong(t.getEpochSecond());
        }

        void str(String s) {
            if (s == null) {
                uvarint(0);
                return;
            }
            // a canonical digest is uvarint(1) and its 32 bytes, which go straight into place when it is one
            ensure(1 + DIGEST_BYTES);
            if (DigestStrings.toBits(s, bytes, size + 1)) {
                bytes[size] = 1;
                size += 1 + DIGEST_BYTES;
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            uvarint(utf8.length + 2L);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
        }

        void strings(List<String> values) {
            uvarint(values.size());
            for (String value : values) {
                str(value);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------ decode

    /** The object of a version 2 value (its first byte is {@link #VERSION}). */
    static Object decode(byte[] value) {
        In in = new In(value);
        in.pos = 1;
        String kind = in.str("kind");
        if (kind == null) {
            throw new Malformed("field 'kind' is missing");
        }
        Object decoded = switch (kind) {
            case ProjectionKeys.IMAGE -> readImage(in);
            case ProjectionKeys.IMAGE_STREAM -> readImageStream(in);
            case ProjectionKeys.LIMIT_RANGE -> readLimitRange(in);
            case ProjectionKeys.SYNC_MARKER -> readSyncMarker(in);
            default -> {
                ReferrerKind referrerKind = REFERRER_KINDS.get(kind);
                if (referrerKind == null) {
                    throw new Malformed("unknown kind '" + kind + "'");
                }
                yield readReferrer(in, referrerKind);
            }
        };
        if (in.pos != value.length) {
            throw new Malformed((value.length - in.pos) + " unexpected bytes after the " + kind);
        }
        return decoded;
    }

    private static Image readImage(In in) {
        String name = required(in.str("name"), "name");
        Instant created = in.time("created");
        boolean managed = in.bool("managed");
        String mediaType = in.str("mediaType");
        int count = in.count("layers");
        Layer[] layers = new Layer[count];
        for (int n = 0; n < count; n++) {
            layers[n] = new Layer(required(in.str("layers[].name"), "layers[].name"), in.varlong("layers[].size"));
        }
        boolean hasMetadata = in.bool("hasMetadata");
        String configDigest = in.str("configDigest");
        long size = in.varlong("size");
        List<String> manifestDigests = in.strings("manifestDigests");
        String dockerImageReference = in.str("dockerImageReference");
        return new Image(name, created, managed, mediaType, Arrays.asList(layers), hasMetadata, configDigest, size,
                manifestDigests, dockerImageReference);
    }

    private static ImageStream readImageStream(In in) {
        String namespace = required(in.str("namespace"), "namespace");
        String name = required(in.str("name"), "name");
        Instant created = in.time("created");
        String dockerImageRepository = in.str("dockerImageRepository");
        int tagCount = in.count("tags");
        List<Tag> tags = new ArrayList<>(tagCount);
        for (int t = 0; t < tagCount; t++) {
            String tagName = required(in.str("tags[].name"), "tags[].name");
            int itemCount = in.count("tags[].items");
            List<TagEvent> items = new ArrayList<>(itemCount);
            for (int i = 0; i < itemCount; i++) {
                items.add(new TagEvent(required(in.str("tags[].items[].image"), "tags[].items[].image"),
                        in.time("tags[].items[].created")));
            }
            tags.add(new Tag(tagName, items));
        }
        return new ImageStream(namespace, name, created, dockerImageRepository, tags);
    }

    private static Referrer readReferrer(In in, ReferrerKind kind) {
        String namespace = in.str("namespace");
        String name = required(in.str("name"), "name");
        Instant created = in.time("created");
        String phase = in.str("phase");
        int count = in.count("containers");
        List<Container> containers = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            containers.add(new Container(in.str("containers[].name"), in.bool("containers[].init"),
                    in.str("containers[].image")));
        }
        BuildSource buildSource = null;
        if (in.bool("buildSource")) {
            buildSource = new BuildSource(in.str("buildSource.kind"), in.str("buildSource.namespace"),
                    in.str("buildSource.name"));
        }
        return new Referrer(kind, namespace, name, created, phase, containers, buildSource);
    }

    private static LimitRange readLimitRange(In in) {
        String namespace = required(in.str("namespace"), "namespace");
        String name = required(in.str("name"), "name");
        int count = in.count("imageMaxStorage");
        List<Long> max = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            max.add(in.varlong("imageMaxStorage[]"));
        }
        return new LimitRange(namespace, name, max);
    }

    private static SyncMarker readSyncMarker(In in) {
        String ingestId = required(in.str("ingestId"), "ingestId");
        long epoch = in.varlong("epoch");
        Instant listedAt = in.time("listedAt");
        int count = in.count("objectsPerKind");
        Map<String, Integer> objectsPerKind = new LinkedHashMap<>();
        for (int n = 0; n < count; n++) {
            String kind = required(in.str("objectsPerKind[]"), "objectsPerKind[]");
            long objects = in.varlong("objectsPerKind." + kind);
            if (objects != (int) objects) {
                throw new Malformed("field 'objectsPerKind." + kind + "' is out of range: " + objects);
            }
            objectsPerKind.put(kind, (int) objects);
        }
        return new SyncMarker(ingestId, epoch, listedAt, objectsPerKind, in.str("fault"));
    }

    private static String required(String value, String field) {
        if (value == null) {
            throw new Malformed("field '" + field + "' is missing");
        }
        return value;
    }

    private static final class In {
        private final byte[] bytes;
        private int pos;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        private Malformed truncated(String field) {
            return new Malformed("field '" + field + "' is truncated at byte " + pos + " (the value ends at byte "
                    + bytes.length + ")");
        }

        // field names of list elements read "layers[].name": building the index into them would cost an allocation
        // per element of every record, and the byte offset in the message locates the element

        long uvarint(String field) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= bytes.length) {
                    throw truncated(field);
                }
                byte b = bytes[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new Malformed("field '" + field + "' is not a valid varint");
        }

        long varlong(String field) {
            long v = uvarint(field);
            return (v >>> 1) ^ -(v & 1);
        }

        /** A list's element count, which cannot exceed the bytes left (every element takes at least one). */
        int count(String field) {
            long n = uvarint(field);
            if (n > bytes.length - pos) {
                throw new Malformed("field '" + field + "' claims " + n + " elements, more than the value holds");
            }
            return (int) n;
        }

        boolean bool(String field) {
            if (pos >= bytes.length) {
                throw truncated(field);
            }
            byte b = bytes[pos++];
            if (b != 0 && b != 1) {
                throw new Malformed("field '" + field + "' must be a boolean (0 or 1), got " + b);
            }
            return b == 1;
        }

        Instant time(String field) {
            long nanos = uvarint(field);
            if (nanos == 0) {
                return null;
            }
            long seconds = varlong(field);
            if (nanos > 1_000_000_000L) {
                throw new Malformed("field '" + field + "' has a nanosecond part out of range: " + (nanos - 1));
            }
            try {
                return Instant.ofEpochSecond(seconds, nanos - 1);
            } catch (DateTimeException e) {
                throw new Malformed("field '" + field + "' is out of range: " + seconds + " s");
            }
        }

        String str(String field) {
            long tag = uvarint(field);
            if (tag == 0) {
                return null;
            }
            if (tag == 1) {
                if (bytes.length - pos < DIGEST_BYTES) {
                    throw truncated(field);
                }
                String digest = DigestStrings.fromBits(bytes, pos);
                pos += DIGEST_BYTES;
                return digest;
            }
            long length = tag - 2;
            if (length > bytes.length - pos) {
                throw truncated(field);
            }
            int start = pos;
            int end = start + (int) length;
            pos = end;
            for (int i = start; i < end; i++) {
                if (bytes[i] < 0) {
                    return utf8(field, start, end);
                }
            }
            return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
        }

        private String utf8(String field, int start, int end) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, start, end - start))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new Malformed("field '" + field + "' is not valid UTF-8");
            }
        }

        List<String> strings(String field) {
            int count = count(field);
            if (count == 0) {
                return List.of();
            }
            String[] values = new String[count];
            for (int n = 0; n < count; n++) {
                values[n] = required(str(field), field);
            }
            return Arrays.asList(values);
        }
    }
}
