package io.imageprune.projection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.NamespaceScope;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.SpecTag;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;
import io.imageprune.model.Times;
import io.imageprune.options.InvalidOptionException;

import java.io.IOException;
import java.io.OutputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The value format of {@code imageprune.cluster-state}. Values are written in schema version 2, a compact binary form
 * of the same fields ({@link CompactProjection}, whose first byte is 0x02); version 1, UTF-8 JSON carrying exactly the
 * fields of a model record after the schema version and the kind, is what earlier releases wrote, and is still read
 * (a topic keeps old records until their objects change) and still written by {@link #encodeJson} for tools and
 * tests. A value is version 1 when it starts with '{' or JSON whitespace; any other first byte is the schema version.
 *
 * <p>Version 1:
 * <pre>
 * {"v":1,"kind":"Image","name":"sha256:…","created":"2024-05-01T10:00:00Z","managed":true,"mediaType":"…",
 *  "layers":[{"name":"sha256:…","size":123}],"hasMetadata":true,"configDigest":"sha256:…","size":456,
 *  "manifestDigests":[],"dockerImageReference":"…"}
 * {"v":1,"kind":"ImageStream","namespace":"ns","name":"s","created":null,"dockerImageRepository":"…",
 *  "tags":[{"name":"latest","items":[{"image":"sha256:…","created":"…"}]}]}
 * {"v":1,"kind":"Pod","namespace":"ns","name":"p","created":"…","phase":"Running",
 *  "containers":[{"name":"c","init":false,"image":"…"}],"buildSource":null}
 * {"v":1,"kind":"LimitRange","namespace":"ns","name":"l","imageMaxStorage":[1024]}
 * {"v":1,"kind":"SyncMarker","ingestId":"i","epoch":3,"listedAt":"…","objectsPerKind":{"Image":10}}
 * {"v":1,"kind":"SyncMarker","ingestId":"i","epoch":3,"listedAt":"…","objectsPerKind":{"Image":10},
 *  "fault":"could not publish Pod/ns/p: …"}
 * </pre>
 *
 * A sync marker's {@code fault} is written only when there is one, so a marker without a fault is byte for byte what
 * earlier versions wrote, and their markers read as markers without a fault. Its {@code scope} is the namespaces the
 * ingest watches: {@code "scope":"all"} or {@code "scope":["a","b"]} (sorted DNS-1123 labels). A marker without it
 * was written by an ingest that did not record its scope, which may have been limited: it reads as an unknown scope,
 * never as "all". Version 2 has no field for it, so a marker recording its scope is written in this version (readers
 * that predate the field skip it, as every unknown field).
 *
 * Field names are the record component names; a referrer's {@code kind} is {@link ReferrerKind#kind()}. Timestamps
 * are RFC 3339 in UTC with as many fraction digits as needed (nanosecond exact); {@link Times#ZERO} is written as
 * {@code null}.
 *
 * <p>Reading version 1: {@code v} and {@code kind} are required ({@code v} must be 1); so are the identity fields (an image's
 * {@code name}, a stream's, limit range's or referrer's {@code namespace}/{@code name} — a referrer's namespace may be
 * absent, meaning "" — a tag's {@code name}, a tag event's {@code image}, a layer's {@code name}, a sync marker's
 * {@code ingestId} and {@code epoch}). Every other field may be absent or {@code null}, which means the model's
 * default ("", empty list, false, 0, {@link Times#ZERO}, no build source). Fields this version does not know are
 * skipped. Any violation is a {@link ProjectionException} with the record key and a reason.
 *
 * <p>Instances are immutable and thread-safe; share one.
 */
public final class ProjectionCodec {
    /** The schema version this codec writes (binary). */
    public static final int VERSION = CompactProjection.VERSION;
    /** The JSON schema version earlier releases wrote; still read, and written by {@link #encodeJson}. */
    public static final int JSON_VERSION = 1;

    private static final SerializedString F_V = new SerializedString("v");
    private static final SerializedString F_KIND = new SerializedString("kind");
    private static final SerializedString F_NAME = new SerializedString("name");
    private static final SerializedString F_NAMESPACE = new SerializedString("namespace");
    private static final SerializedString F_CREATED = new SerializedString("created");
    private static final SerializedString F_MANAGED = new SerializedString("managed");
    private static final SerializedString F_MEDIA_TYPE = new SerializedString("mediaType");
    private static final SerializedString F_LAYERS = new SerializedString("layers");
    private static final SerializedString F_HAS_METADATA = new SerializedString("hasMetadata");
    private static final SerializedString F_CONFIG_DIGEST = new SerializedString("configDigest");
    private static final SerializedString F_SIZE = new SerializedString("size");
    private static final SerializedString F_MANIFEST_DIGESTS = new SerializedString("manifestDigests");
    private static final SerializedString F_DOCKER_IMAGE_REFERENCE = new SerializedString("dockerImageReference");
    private static final SerializedString F_DOCKER_IMAGE_REPOSITORY = new SerializedString("dockerImageRepository");
    private static final SerializedString F_TAGS = new SerializedString("tags");
    private static final SerializedString F_ITEMS = new SerializedString("items");
    private static final SerializedString F_IMAGE = new SerializedString("image");
    private static final SerializedString F_PHASE = new SerializedString("phase");
    private static final SerializedString F_CONTAINERS = new SerializedString("containers");
    private static final SerializedString F_INIT = new SerializedString("init");
    private static final SerializedString F_BUILD_SOURCE = new SerializedString("buildSource");
    private static final SerializedString F_IMAGE_MAX_STORAGE = new SerializedString("imageMaxStorage");
    private static final SerializedString F_INGEST_ID = new SerializedString("ingestId");
    private static final SerializedString F_EPOCH = new SerializedString("epoch");
    private static final SerializedString F_LISTED_AT = new SerializedString("listedAt");
    private static final SerializedString F_OBJECTS_PER_KIND = new SerializedString("objectsPerKind");
    private static final SerializedString F_FAULT = new SerializedString("fault");
    private static final SerializedString F_SCOPE = new SerializedString("scope");
    private static final String SCOPE_ALL = "all";

    private static final SerializedString K_IMAGE = new SerializedString(ProjectionKeys.IMAGE);
    private static final SerializedString K_IMAGE_STREAM = new SerializedString(ProjectionKeys.IMAGE_STREAM);
    private static final SerializedString K_LIMIT_RANGE = new SerializedString(ProjectionKeys.LIMIT_RANGE);
    private static final SerializedString K_SYNC_MARKER = new SerializedString(ProjectionKeys.SYNC_MARKER);
    private static final SerializedString K_NAMESPACE = new SerializedString(ProjectionKeys.NAMESPACE);
    private static final SerializedString K_CUSTOM_REFERRER = new SerializedString(ProjectionKeys.CUSTOM_REFERRER);
    // issue 12: written only when not empty, so oc's objects project exactly as before
    private static final SerializedString F_ANNOTATIONS = new SerializedString("annotations");
    private static final SerializedString F_SPEC_TAGS = new SerializedString("specTags");
    private static final SerializedString F_FROM = new SerializedString("from");
    private static final SerializedString F_EPHEMERAL = new SerializedString("ephemeralContainers");
    private static final SerializedString F_REFERRER_KIND = new SerializedString("referrerKind");
    private static final SerializedString F_GROUP = new SerializedString("group");
    private static final SerializedString F_RUN_LIKE = new SerializedString("runLike");
    private static final SerializedString F_FINISHED = new SerializedString("finished");
    private static final SerializedString F_REFERENCES = new SerializedString("references");
    private static final SerializedString F_PATH = new SerializedString("path");
    private static final Map<ReferrerKind, SerializedString> K_REFERRERS = new EnumMap<>(ReferrerKind.class);
    private static final Map<String, ReferrerKind> REFERRER_KINDS = new HashMap<>();

    static {
        for (ReferrerKind k : ReferrerKind.values()) {
            K_REFERRERS.put(k, new SerializedString(k.kind()));
            REFERRER_KINDS.put(k.kind(), k);
        }
    }

    /** Jackson's "[Source: REDACTED (...); line: 1, column: 2]" inside messages, reduced to the position. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)]");

    private final JsonFactory factory = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    // ------------------------------------------------------------------------------------------------------ encode

    /**
     * The projection of an {@link Image}, {@link ImageStream}, {@link Referrer}, {@link LimitRange} or
     * {@link SyncMarker}, in the current schema version ({@link #VERSION}, binary).
     *
     * @throws ProjectionException for any other type, and for a layer without a name
     */
    public byte[] encode(Object modelObject) {
        if (modelObject == null) {
            throw new ProjectionException("cannot encode null (a deletion is a tombstone: a null value)");
        }
        if (!CompactProjection.carriesAllOf(modelObject)) {
            // Version 2 has no fields for the extensions beyond oc (custom-resource referrers, Namespaces, admin
            // annotations, spec tags, ephemeral containers): such an object is written in version 1, which has them,
            // rather than losing what keeps its images.
            return encodeJson(modelObject);
        }
        byte[] compact = CompactProjection.encode(modelObject);
        if (compact == null) {
            throw new ProjectionException("cannot encode a " + modelObject.getClass().getName()
                    + ": not a projected model type");
        }
        return compact;
    }

    /**
     * The projection in schema version 1 (JSON), as earlier releases wrote it: every version reads it, so tools and
     * tests can write a record an older reader understands, or one as an old topic holds it.
     *
     * @throws ProjectionException as {@link #encode}
     */
    public byte[] encodeJson(Object modelObject) {
        if (modelObject == null) {
            throw new ProjectionException("cannot encode null (a deletion is a tombstone: a null value)");
        }
        ExactBytes out = new ExactBytes();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(F_V);
            g.writeNumber(JSON_VERSION);
            if (modelObject instanceof Image i) {
                writeImage(g, i);
            } else if (modelObject instanceof Referrer r) {
                writeReferrer(g, r);
            } else if (modelObject instanceof ImageStream s) {
                writeImageStream(g, s);
            } else if (modelObject instanceof LimitRange l) {
                writeLimitRange(g, l);
            } else if (modelObject instanceof SyncMarker m) {
                writeSyncMarker(g, m);
            } else if (modelObject instanceof CustomReferrer c) {
                writeCustomReferrer(g, c);
            } else if (modelObject instanceof Namespace n) {
                writeNamespace(g, n);
            } else {
                throw new ProjectionException("cannot encode a " + modelObject.getClass().getName()
                        + ": not a projected model type");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new ProjectionException("cannot encode " + modelObject.getClass().getSimpleName() + ": " + e, e);
        }
        return out.bytes();
    }

    /**
     * Collects what the generator flushes, which for a value below the generator's buffer size (8000 bytes) is a single
     * write on close: the result is then that write's exact copy, without intermediate buffers.
     */
    private static final class ExactBytes extends OutputStream {
        private byte[] bytes = new byte[0];
        private int size;

        @Override
        public void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size == 0 && bytes.length == 0) {
                bytes = Arrays.copyOfRange(b, off, off + len);
                size = len;
                return;
            }
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
            }
        }

        byte[] bytes() {
            return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
        }
    }

    private static void writeImage(JsonGenerator g, Image i) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_IMAGE);
        g.writeFieldName(F_NAME);
        g.writeString(i.name());
        writeTime(g, F_CREATED, i.created());
        g.writeFieldName(F_MANAGED);
        g.writeBoolean(i.managed());
        g.writeFieldName(F_MEDIA_TYPE);
        g.writeString(i.mediaType());
        g.writeFieldName(F_LAYERS);
        List<Layer> layers = i.layers();
        g.writeStartArray();
        for (int n = 0; n < layers.size(); n++) {
            Layer layer = layers.get(n);
            if (layer.name() == null) {
                throw new ProjectionException("cannot encode Image " + i.name() + ": layers[" + n + "] has no name");
            }
            g.writeStartObject();
            g.writeFieldName(F_NAME);
            g.writeString(layer.name());
            g.writeFieldName(F_SIZE);
            g.writeNumber(layer.size());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName(F_HAS_METADATA);
        g.writeBoolean(i.hasMetadata());
        g.writeFieldName(F_CONFIG_DIGEST);
        g.writeString(i.configDigest());
        g.writeFieldName(F_SIZE);
        g.writeNumber(i.size());
        g.writeFieldName(F_MANIFEST_DIGESTS);
        writeStrings(g, i.manifestDigests());
        g.writeFieldName(F_DOCKER_IMAGE_REFERENCE);
        g.writeString(i.dockerImageReference());
        writeAnnotations(g, i.annotations());
    }

    private static void writeAnnotations(JsonGenerator g, AdminAnnotations a) throws IOException {
        if (a.isEmpty()) {
            return;
        }
        g.writeFieldName(F_ANNOTATIONS);
        g.writeStartObject();
        writeNonEmpty(g, AdminAnnotations.PROTECT, a.protect());
        writeNonEmpty(g, AdminAnnotations.KEEP_TAG_REVISIONS, a.keepTagRevisions());
        writeNonEmpty(g, AdminAnnotations.KEEP_YOUNGER_THAN, a.keepYoungerThan());
        g.writeEndObject();
    }

    private static void writeNonEmpty(JsonGenerator g, String field, String value) throws IOException {
        if (!value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    private static void writeContainers(JsonGenerator g, List<Container> containers) throws IOException {
        g.writeStartArray();
        for (Container c : containers) {
            g.writeStartObject();
            g.writeFieldName(F_NAME);
            g.writeString(c.name());
            g.writeFieldName(F_INIT);
            g.writeBoolean(c.init());
            g.writeFieldName(F_IMAGE);
            g.writeString(c.image());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeCustomReferrer(JsonGenerator g, CustomReferrer c) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_CUSTOM_REFERRER);
        g.writeFieldName(F_REFERRER_KIND);
        g.writeString(c.kind());
        g.writeFieldName(F_GROUP);
        g.writeString(c.group());
        g.writeFieldName(F_NAMESPACE);
        g.writeString(c.namespace());
        g.writeFieldName(F_NAME);
        g.writeString(c.name());
        g.writeFieldName(F_RUN_LIKE);
        g.writeBoolean(c.runLike());
        if (c.finished() != null) {
            writeTime(g, F_FINISHED, c.finished());
        }
        g.writeFieldName(F_REFERENCES);
        g.writeStartArray();
        for (CustomReferrer.Reference r : c.references()) {
            g.writeStartObject();
            g.writeFieldName(F_PATH);
            g.writeString(r.path());
            g.writeFieldName(F_IMAGE);
            g.writeString(r.image());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeNamespace(JsonGenerator g, Namespace n) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_NAMESPACE);
        g.writeFieldName(F_NAME);
        g.writeString(n.name());
        writeAnnotations(g, n.annotations());
    }

    private static void writeImageStream(JsonGenerator g, ImageStream s) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_IMAGE_STREAM);
        g.writeFieldName(F_NAMESPACE);
        g.writeString(s.namespace());
        g.writeFieldName(F_NAME);
        g.writeString(s.name());
        writeTime(g, F_CREATED, s.created());
        g.writeFieldName(F_DOCKER_IMAGE_REPOSITORY);
        g.writeString(s.dockerImageRepository());
        g.writeFieldName(F_TAGS);
        g.writeStartArray();
        for (Tag tag : s.tags()) {
            g.writeStartObject();
            g.writeFieldName(F_NAME);
            g.writeString(tag.name());
            g.writeFieldName(F_ITEMS);
            g.writeStartArray();
            for (TagEvent event : tag.items()) {
                g.writeStartObject();
                g.writeFieldName(F_IMAGE);
                g.writeString(event.image());
                writeTime(g, F_CREATED, event.created());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!s.specTags().isEmpty()) {
            g.writeFieldName(F_SPEC_TAGS);
            g.writeStartArray();
            for (SpecTag tag : s.specTags()) {
                g.writeStartObject();
                g.writeFieldName(F_NAME);
                g.writeString(tag.name());
                g.writeFieldName(F_FROM);
                writeBuildSource(g, tag.from());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        writeAnnotations(g, s.annotations());
    }

    private static void writeBuildSource(JsonGenerator g, BuildSource source) throws IOException {
        g.writeStartObject();
        g.writeFieldName(F_KIND);
        g.writeString(source.kind());
        g.writeFieldName(F_NAMESPACE);
        g.writeString(source.namespace());
        g.writeFieldName(F_NAME);
        g.writeString(source.name());
        g.writeEndObject();
    }

    private static void writeReferrer(JsonGenerator g, Referrer r) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_REFERRERS.get(r.kind()));
        g.writeFieldName(F_NAMESPACE);
        g.writeString(r.namespace());
        g.writeFieldName(F_NAME);
        g.writeString(r.name());
        writeTime(g, F_CREATED, r.created());
        g.writeFieldName(F_PHASE);
        g.writeString(r.phase());
        g.writeFieldName(F_CONTAINERS);
        writeContainers(g, r.containers());
        g.writeFieldName(F_BUILD_SOURCE);
        BuildSource source = r.buildSource();
        if (source == null) {
            g.writeNull();
        } else {
            writeBuildSource(g, source);
        }
        if (!r.ephemeralContainers().isEmpty()) {
            g.writeFieldName(F_EPHEMERAL);
            writeContainers(g, r.ephemeralContainers());
        }
    }

    private static void writeLimitRange(JsonGenerator g, LimitRange l) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_LIMIT_RANGE);
        g.writeFieldName(F_NAMESPACE);
        g.writeString(l.namespace());
        g.writeFieldName(F_NAME);
        g.writeString(l.name());
        g.writeFieldName(F_IMAGE_MAX_STORAGE);
        g.writeStartArray();
        for (Long max : l.imageMaxStorage()) {
            g.writeNumber(max.longValue());
        }
        g.writeEndArray();
    }

    private static void writeSyncMarker(JsonGenerator g, SyncMarker m) throws IOException {
        g.writeFieldName(F_KIND);
        g.writeString(K_SYNC_MARKER);
        g.writeFieldName(F_INGEST_ID);
        g.writeString(m.ingestId());
        g.writeFieldName(F_EPOCH);
        g.writeNumber(m.epoch());
        writeTime(g, F_LISTED_AT, m.listedAt());
        g.writeFieldName(F_OBJECTS_PER_KIND);
        g.writeStartObject();
        for (Map.Entry<String, Integer> e : m.objectsPerKind().entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeNumber(e.getValue().intValue());
        }
        g.writeEndObject();
        if (m.fault() != null) {
            g.writeFieldName(F_FAULT);
            g.writeString(m.fault());
        }
        if (m.scope().known()) {
            g.writeFieldName(F_SCOPE);
            if (m.scope().all()) {
                g.writeString(SCOPE_ALL);
            } else {
                g.writeStartArray();
                for (String namespace : m.scope().namespaces()) {
                    g.writeString(namespace);
                }
                g.writeEndArray();
            }
        }
    }

    private static void writeTime(JsonGenerator g, SerializableString field, Instant t) throws IOException {
        g.writeFieldName(field);
        if (Times.isZero(t)) {
            g.writeNull();
        } else {
            g.writeString(InstantText.format(t));
        }
    }

    private static void writeStrings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (int n = 0; n < values.size(); n++) {
            g.writeString(values.get(n));
        }
        g.writeEndArray();
    }

    // ------------------------------------------------------------------------------------------------------ decode

    /**
     * Reads the value of the record {@code key}.
     *
     * @param key   the record key, {@code <kind>/<namespace>/<name>}
     * @param value the record value; {@code null} is a tombstone
     * @return an {@link Image}, {@link ImageStream}, {@link Referrer}, {@link LimitRange} or {@link SyncMarker} whose
     *         {@link ProjectionKeys#of key} is {@code key}; {@code null} for a tombstone (after checking the key)
     * @throws ProjectionException when the key is malformed, the value is not a valid projection, or its object does
     *                             not belong under {@code key}
     */
    public Object decode(String key, byte[] value) {
        if (value == null || key == null) {
            ProjectionKeys.parse(key);
            return null;
        }
        Object decoded;
        try {
            decoded = jsonValue(value) ? read(value) : readCompact(value);
        } catch (CompactProjection.Malformed e) {
            ProjectionKeys.parse(key);
            throw new ProjectionException("cannot decode " + key + ": " + e.getMessage());
        } catch (Bad b) {
            ProjectionKeys.parse(key);
            throw new ProjectionException("cannot decode " + key + ": " + b.describe());
        } catch (Invalid e) {
            ProjectionKeys.parse(key);
            throw new ProjectionException("cannot decode " + key + ": " + e.getMessage());
        } catch (JsonProcessingException e) {
            ProjectionKeys.parse(key);
            JsonLocation at = e.getLocation();
            throw new ProjectionException("cannot decode " + key + ": malformed JSON: "
                    + SOURCE.matcher(e.getOriginalMessage()).replaceAll("[$1]")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        } catch (IOException | RuntimeException e) {
            ProjectionKeys.parse(key);
            throw new ProjectionException("cannot decode " + key + ": " + e, e);
        }
        if (!ProjectionKeys.matches(key, decoded)) {
            ProjectionKeys.parse(key);
            String actual;
            try {
                actual = ProjectionKeys.of(decoded);
            } catch (ProjectionException e) {
                throw new ProjectionException("cannot decode " + key + ": " + e.getMessage(), e);
            }
            throw new ProjectionException("key " + key + " does not match object " + actual);
        }
        return decoded;
    }

    /**
     * Read as version 1 (JSON): a value starting with text or JSON whitespace (a JSON object, or anything else the JSON
     * reader then names as malformed), and the empty value; a first byte from 0x01 to 0x1f is a binary schema version.
     */
    private static boolean jsonValue(byte[] value) {
        if (value.length == 0) {
            return true;
        }
        byte first = value[0];
        return first <= 0 || first >= 0x20 || first == '\t' || first == '\n' || first == '\r';
    }

    private static Object readCompact(byte[] value) {
        if (value[0] != CompactProjection.VERSION) {
            throw new Invalid("unsupported projection schema version " + value[0] + " (this reader understands "
                    + "versions " + JSON_VERSION + " (JSON) and " + VERSION + ")");
        }
        return CompactProjection.decode(value);
    }

    private Object read(byte[] value) throws IOException {
        JsonParser p = factory.createParser(value);
        try {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new Invalid("the value is empty");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new Invalid("expected a JSON object, got " + describe(p));
            }
            // Fast path: "v" and "kind" come first, as encode writes them.
            int version = -1;
            String kind = null;
            boolean rescan = false;
            while (version < 0 || kind == null) {
                String field = p.nextFieldName();
                if (field == null) {
                    rescan = true; // the object ended; reread it for the body (and the missing-field error)
                    break;
                }
                p.nextToken();
                if (field.equals("v")) {
                    version = readVersion(p);
                } else if (field.equals("kind")) {
                    kind = readKind(p);
                    if (kind == null) {
                        rescan = true;
                        break;
                    }
                } else {
                    rescan = true;
                    break;
                }
            }
            if (rescan) {
                p.close();
                p = factory.createParser(value);
                String[] header = scanHeader(p);
                p.close();
                if (header[0] == null) {
                    throw new Bad("v", "is missing");
                }
                kind = header[1];
                if (kind == null) {
                    throw new Bad("kind", "is missing");
                }
                p = factory.createParser(value);
                p.nextToken();
            }
            Object decoded = readBody(p, kind);
            if (p.nextToken() != null) {
                throw new Invalid("unexpected content after the JSON object");
            }
            return decoded;
        } finally {
            p.close();
        }
    }

    /** {v, kind} of the object anywhere in it, checking the version as soon as it is seen. */
    private static String[] scanHeader(JsonParser p) throws IOException {
        p.nextToken();
        String[] header = new String[2];
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            if (field.equals("v")) {
                header[0] = Integer.toString(readVersion(p));
            } else if (field.equals("kind")) {
                header[1] = readKind(p);
            } else {
                p.skipChildren();
            }
            if (header[0] != null && header[1] != null) {
                break;
            }
        }
        return header;
    }

    private static int readVersion(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            throw new Bad("v", "is missing");
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(p, "v", "an integer");
        }
        if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() != JSON_VERSION) {
            throw new Invalid("unsupported projection schema version " + p.getText() + " (this reader understands "
                    + "version " + JSON_VERSION + ")");
        }
        return JSON_VERSION;
    }

    private static String readKind(JsonParser p) throws IOException {
        return string(p, "kind");
    }

    private static Object readBody(JsonParser p, String kind) throws IOException {
        switch (kind) {
            case ProjectionKeys.IMAGE:
                return readImage(p);
            case ProjectionKeys.IMAGE_STREAM:
                return readImageStream(p);
            case ProjectionKeys.LIMIT_RANGE:
                return readLimitRange(p);
            case ProjectionKeys.SYNC_MARKER:
                return readSyncMarker(p);
            case ProjectionKeys.NAMESPACE:
                return readNamespace(p);
            case ProjectionKeys.CUSTOM_REFERRER:
                return readCustomReferrer(p);
            default:
                ReferrerKind referrerKind = REFERRER_KINDS.get(kind);
                if (referrerKind == null) {
                    throw new Invalid("unknown kind '" + kind + "'");
                }
                return readReferrer(p, referrerKind);
        }
    }

    private static Image readImage(JsonParser p) throws IOException {
        String name = null;
        Instant created = null;
        boolean managed = false;
        String mediaType = null;
        List<Layer> layers = null;
        boolean hasMetadata = false;
        String configDigest = null;
        long size = 0;
        List<String> manifestDigests = null;
        String dockerImageReference = null;
        AdminAnnotations annotations = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "created" -> created = time(p, field);
                case "managed" -> managed = bool(p, field);
                case "mediaType" -> mediaType = string(p, field);
                case "layers" -> layers = list(p, field, ProjectionCodec::readLayer);
                case "hasMetadata" -> hasMetadata = bool(p, field);
                case "configDigest" -> configDigest = string(p, field);
                case "size" -> size = int64(p, field);
                case "manifestDigests" -> manifestDigests = list(p, field, ProjectionCodec::stringElement);
                case "dockerImageReference" -> dockerImageReference = string(p, field);
                case "annotations" -> annotations = readAnnotations(p);
                default -> p.skipChildren();
            }
        }
        required(name, "name");
        return new Image(name, created, managed, mediaType, layers, hasMetadata, configDigest, size, manifestDigests,
                dockerImageReference, annotations);
    }

    private static AdminAnnotations readAnnotations(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(p, "annotations", "an object");
        }
        AdminAnnotations annotations = AdminAnnotations.NONE;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            annotations = annotations.with(field, string(p, field));
        }
        return annotations;
    }

    private static Namespace readNamespace(JsonParser p) throws IOException {
        String name = null;
        AdminAnnotations annotations = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "annotations" -> annotations = readAnnotations(p);
                default -> p.skipChildren();
            }
        }
        required(name, "name");
        return new Namespace(name, annotations);
    }

    private static CustomReferrer readCustomReferrer(JsonParser p) throws IOException {
        String kind = null;
        String group = null;
        String namespace = null;
        String name = null;
        boolean runLike = false;
        Instant finished = null;
        List<CustomReferrer.Reference> references = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "referrerKind" -> kind = string(p, field);
                case "group" -> group = string(p, field);
                case "namespace" -> namespace = string(p, field);
                case "name" -> name = string(p, field);
                case "runLike" -> runLike = bool(p, field);
                case "finished" -> finished = time(p, field);
                case "references" -> references = list(p, field, ProjectionCodec::readCustomReference);
                default -> p.skipChildren();
            }
        }
        required(kind, "referrerKind");
        required(name, "name");
        return new CustomReferrer(kind, group, namespace, name, runLike, finished, references);
    }

    private static CustomReferrer.Reference readCustomReference(JsonParser p) throws IOException {
        requireObject(p);
        String path = null;
        String image = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "path" -> path = string(p, field);
                case "image" -> image = string(p, field);
                default -> p.skipChildren();
            }
        }
        return new CustomReferrer.Reference(path, image);
    }

    private static SpecTag readSpecTag(JsonParser p) throws IOException {
        requireObject(p);
        String name = null;
        BuildSource from = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "from" -> from = readBuildSource(p);
                default -> p.skipChildren();
            }
        }
        return new SpecTag(name, from);
    }

    private static Layer readLayer(JsonParser p) throws IOException {
        requireObject(p);
        String name = null;
        long size = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "size" -> size = int64(p, field);
                default -> p.skipChildren();
            }
        }
        required(name, "name");
        return new Layer(name, size);
    }

    private static ImageStream readImageStream(JsonParser p) throws IOException {
        String namespace = null;
        String name = null;
        Instant created = null;
        String dockerImageRepository = null;
        List<Tag> tags = null;
        List<SpecTag> specTags = null;
        AdminAnnotations annotations = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "namespace" -> namespace = string(p, field);
                case "name" -> name = string(p, field);
                case "created" -> created = time(p, field);
                case "dockerImageRepository" -> dockerImageRepository = string(p, field);
                case "tags" -> tags = list(p, field, ProjectionCodec::readTag);
                case "specTags" -> specTags = list(p, field, ProjectionCodec::readSpecTag);
                case "annotations" -> annotations = readAnnotations(p);
                default -> p.skipChildren();
            }
        }
        required(namespace, "namespace");
        required(name, "name");
        return new ImageStream(namespace, name, created, dockerImageRepository, tags, specTags, annotations);
    }

    private static Tag readTag(JsonParser p) throws IOException {
        requireObject(p);
        String name = null;
        List<TagEvent> items = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "items" -> items = list(p, field, ProjectionCodec::readTagEvent);
                default -> p.skipChildren();
            }
        }
        required(name, "name");
        return new Tag(name, items);
    }

    private static TagEvent readTagEvent(JsonParser p) throws IOException {
        requireObject(p);
        String image = null;
        Instant created = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "image" -> image = string(p, field);
                case "created" -> created = time(p, field);
                default -> p.skipChildren();
            }
        }
        required(image, "image");
        return new TagEvent(image, created);
    }

    private static Referrer readReferrer(JsonParser p, ReferrerKind kind) throws IOException {
        String namespace = null;
        String name = null;
        Instant created = null;
        String phase = null;
        List<Container> containers = null;
        BuildSource buildSource = null;
        List<Container> ephemeral = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "namespace" -> namespace = string(p, field);
                case "name" -> name = string(p, field);
                case "created" -> created = time(p, field);
                case "phase" -> phase = string(p, field);
                case "containers" -> containers = list(p, field, ProjectionCodec::readContainer);
                case "buildSource" -> buildSource = readBuildSource(p);
                case "ephemeralContainers" -> ephemeral = list(p, field, ProjectionCodec::readContainer);
                default -> p.skipChildren();
            }
        }
        required(name, "name");
        return new Referrer(kind, namespace, name, created, phase, containers, buildSource, ephemeral);
    }

    private static Container readContainer(JsonParser p) throws IOException {
        requireObject(p);
        String name = null;
        boolean init = false;
        String image = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "name" -> name = string(p, field);
                case "init" -> init = bool(p, field);
                case "image" -> image = string(p, field);
                default -> p.skipChildren();
            }
        }
        return new Container(name, init, image);
    }

    private static BuildSource readBuildSource(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(p, "buildSource", "an object or null");
        }
        String kind = null;
        String namespace = null;
        String name = null;
        String field;
        try {
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                switch (field) {
                    case "kind" -> kind = string(p, field);
                    case "namespace" -> namespace = string(p, field);
                    case "name" -> name = string(p, field);
                    default -> p.skipChildren();
                }
            }
        } catch (Bad b) {
            throw b.under("buildSource");
        }
        return new BuildSource(kind, namespace, name);
    }

    private static LimitRange readLimitRange(JsonParser p) throws IOException {
        String namespace = null;
        String name = null;
        List<Long> imageMaxStorage = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "namespace" -> namespace = string(p, field);
                case "name" -> name = string(p, field);
                case "imageMaxStorage" -> imageMaxStorage = list(p, field, ProjectionCodec::longElement);
                default -> p.skipChildren();
            }
        }
        required(namespace, "namespace");
        required(name, "name");
        return new LimitRange(namespace, name, imageMaxStorage);
    }

    private static SyncMarker readSyncMarker(JsonParser p) throws IOException {
        String ingestId = null;
        boolean hasEpoch = false;
        long epoch = 0;
        Instant listedAt = null;
        Map<String, Integer> objectsPerKind = null;
        String fault = null;
        NamespaceScope scope = NamespaceScope.UNKNOWN;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            switch (field) {
                case "ingestId" -> ingestId = string(p, field);
                case "epoch" -> {
                    hasEpoch = p.currentToken() != JsonToken.VALUE_NULL;
                    epoch = int64(p, field);
                }
                case "listedAt" -> listedAt = time(p, field);
                case "objectsPerKind" -> objectsPerKind = readCounts(p, field);
                case "fault" -> fault = string(p, field);
                case "scope" -> scope = readScope(p, field);
                default -> p.skipChildren();
            }
        }
        required(ingestId, "ingestId");
        if (!hasEpoch) {
            throw new Bad("epoch", "is missing");
        }
        return new SyncMarker(ingestId, epoch, listedAt, objectsPerKind, fault, scope);
    }

    /**
     * A marker's scope: {@code "all"}, or the watched namespaces (at least one, each a namespace name); absent or
     * null when the ingest did not record it, which is an unknown scope, never "all".
     */
    private static NamespaceScope readScope(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return NamespaceScope.UNKNOWN;
        }
        if (t == JsonToken.VALUE_STRING) {
            if (!SCOPE_ALL.equals(p.getText())) {
                throw new Bad(field, "must be \"all\" or a list of namespaces, got " + describe(p));
            }
            return NamespaceScope.ALL;
        }
        List<String> namespaces = list(p, field, ProjectionCodec::stringElement);
        if (namespaces == null || namespaces.isEmpty()) {
            throw new Bad(field, "must be \"all\" or a list of namespaces, got an empty list");
        }
        try {
            return NamespaceScope.of(field, namespaces);
        } catch (InvalidOptionException e) {
            throw new Bad(field, e.problem());
        }
    }

    private static Map<String, Integer> readCounts(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw wrongType(p, field, "an object");
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        String kind;
        while ((kind = p.nextFieldName()) != null) {
            p.nextToken();
            String path = field + "." + kind;
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                throw wrongType(p, path, "an integer");
            }
            try {
                counts.put(kind, p.getIntValue());
            } catch (InputCoercionException e) {
                throw new Bad(path, "is out of range: " + p.getText());
            }
        }
        return counts;
    }

    // ----------------------------------------------------------------------------------------------- value helpers

    @FunctionalInterface
    private interface ElementReader<T> {
        T read(JsonParser p) throws IOException;
    }

    private static <T> List<T> list(JsonParser p, String field, ElementReader<T> element) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_ARRAY) {
            throw wrongType(p, field, "an array");
        }
        if (p.nextToken() == JsonToken.END_ARRAY) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        int index = 0;
        do {
            try {
                out.add(element.read(p));
            } catch (Bad b) {
                throw b.under(field + "[" + index + "]");
            }
            index++;
        } while (p.nextToken() != JsonToken.END_ARRAY);
        return out;
    }

    private static String stringElement(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw wrongType(p, "", "a string");
        }
        return p.getText();
    }

    private static Long longElement(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(p, "", "an integer");
        }
        try {
            return p.getLongValue();
        } catch (InputCoercionException e) {
            throw new Bad("", "is out of range: " + p.getText());
        }
    }

    private static void requireObject(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(p, "", "an object");
        }
    }

    private static void required(Object value, String field) {
        if (value == null) {
            throw new Bad(field, "is missing");
        }
    }

    private static String string(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(p, field, "a string");
    }

    private static long int64(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            try {
                return p.getLongValue();
            } catch (InputCoercionException e) {
                throw new Bad(field, "is out of range: " + p.getText());
            }
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        throw wrongType(p, field, "an integer");
    }

    private static boolean bool(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw wrongType(p, field, "a boolean");
    }

    private static Instant time(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw wrongType(p, field, "an RFC 3339 timestamp string or null");
        }
        String text = p.getText();
        try {
            return InstantText.parse(text);
        } catch (DateTimeException e) {
            throw new Bad(field, "is not an RFC 3339 timestamp: " + quote(text));
        }
    }

    private static Bad wrongType(JsonParser p, String field, String expected) throws IOException {
        return new Bad(field, "must be " + expected + ", got " + describe(p));
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + p.getText();
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"";
    }

    /** A problem with one field; {@code path} is relative to the object being read ("" for the value itself). */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String problem;

        Bad(String path, String problem) {
            super(problem, null, false, false);
            this.path = path;
            this.problem = problem;
        }

        Bad under(String prefix) {
            return new Bad(path.isEmpty() ? prefix : prefix + "." + path, problem);
        }

        String describe() {
            return "field '" + path + "' " + problem;
        }
    }

    /** A problem with the value as a whole (not JSON object, version, kind). */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
