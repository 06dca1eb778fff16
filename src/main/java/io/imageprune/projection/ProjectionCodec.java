package io.imageprune.projection;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
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
    private static final String SCOPE_ALL = "all";

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
            Table<Object> table = tableOf(modelObject);
            if (table == null) {
                throw new ProjectionException("cannot encode a " + modelObject.getClass().getName()
                        + ": not a projected model type");
            }
            if (modelObject instanceof Image i) {
                requireLayerNames(i);
            }
            g.writeFieldName(F_KIND);
            g.writeString(table.kind);
            table.writeFields(g, modelObject);
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

    // ------------------------------------------------------------------------------------- version 1: the field tables

    /*
     * Each kind of version 1 is one table of its fields, in the order they are written: a field's name, how its value
     * is read and written, when it is written, and whether reading requires it. One reader and one writer serve every
     * table, so a field is named once and its reader and writer cannot drift apart.
     */

    /** Reads a field's value at the current token; JSON null gives null (the model's default). */
    @FunctionalInterface
    private interface FieldReader {
        Object read(JsonParser p, String field) throws IOException;
    }

    /** Writes the value of a field of {@code o}, after its name. */
    @FunctionalInterface
    private interface FieldWriter<T> {
        void write(JsonGenerator g, T o) throws IOException;
    }

    /** Writes one element of an array. */
    @FunctionalInterface
    private interface ElementWriter<E> {
        void write(JsonGenerator g, E element) throws IOException;
    }

    /**
     * One field of a table.
     *
     * @param written  whether {@code o} writes it (null: always); the fields after oc's are written only when they hold
     *                 something, so oc's objects project byte for byte as before
     * @param mandatory whether a value without it (or with null) is refused
     */
    private record Field<T>(String name, SerializedString wire, FieldReader reader, FieldWriter<T> writer,
                            Predicate<T> written, boolean mandatory) {
        Field(String name, FieldReader reader, FieldWriter<T> writer) {
            this(name, new SerializedString(name), reader, writer, null, false);
        }

        Field<T> required() {
            return new Field<>(name, wire, reader, writer, written, true);
        }

        Field<T> writtenWhen(Predicate<T> when) {
            return new Field<>(name, wire, reader, writer, when, mandatory);
        }
    }

    private static <T> Field<T> text(String name, Function<T, String> get) {
        return new Field<>(name, ProjectionCodec::string, (g, o) -> g.writeString(get.apply(o)));
    }

    private static <T> Field<T> timestamp(String name, Function<T, Instant> get) {
        return new Field<>(name, ProjectionCodec::time, (g, o) -> writeTime(g, get.apply(o)));
    }

    private static <T> Field<T> flag(String name, Predicate<T> get) {
        return new Field<>(name, ProjectionCodec::bool, (g, o) -> g.writeBoolean(get.test(o)));
    }

    private static <T> Field<T> number(String name, ToLongFunction<T> get) {
        return new Field<>(name, (p, field) -> p.currentToken() == JsonToken.VALUE_NULL ? null : int64(p, field),
                (g, o) -> g.writeNumber(get.applyAsLong(o)));
    }

    private static <T, E> Field<T> listOf(String name, Function<T, List<E>> get, ElementReader<E> read,
                                        ElementWriter<E> write) {
        return new Field<>(name, (p, field) -> list(p, field, read), (g, o) -> {
            List<E> elements = get.apply(o);
            g.writeStartArray();
            for (int n = 0; n < elements.size(); n++) {
                write.write(g, elements.get(n));
            }
            g.writeEndArray();
        });
    }

    private static <T, E> Field<T> objects(String name, Function<T, List<E>> get, Table<E> table) {
        return listOf(name, get, table::readElement, table::writeObject);
    }

    /** A build source: an object, or null for none. */
    private static <T> Field<T> buildSource(String name, Function<T, BuildSource> get) {
        return new Field<>(name, (p, field) -> readBuildSource(p), (g, o) -> {
            BuildSource source = get.apply(o);
            if (source == null) {
                g.writeNull();
            } else {
                BUILD_SOURCE.writeObject(g, source);
            }
        });
    }

    /** The imageprune.io annotations, written only when there are any (issue 12). */
    private static <T> Field<T> annotations(Function<T, AdminAnnotations> get) {
        return new Field<T>("annotations", (p, field) -> readAnnotations(p), (g, o) -> {
            AdminAnnotations a = get.apply(o);
            g.writeStartObject();
            writeNonEmpty(g, AdminAnnotations.PROTECT, a.protect());
            writeNonEmpty(g, AdminAnnotations.KEEP_TAG_REVISIONS, a.keepTagRevisions());
            writeNonEmpty(g, AdminAnnotations.KEEP_YOUNGER_THAN, a.keepYoungerThan());
            g.writeEndObject();
        }).writtenWhen(o -> !get.apply(o).isEmpty());
    }

    /** The fields of one kind (or of a nested object) and how an object is made from their values. */
    private static final class Table<T> {
        /** The kind, as written after {@code v}; null for a nested object. */
        final SerializedString kind;
        private final Field<T>[] fields;
        private final Function<Object[], T> make;
        private final Map<String, Integer> positions = new HashMap<>();

        @SafeVarargs
        Table(String kind, Function<Object[], T> make, Field<T>... fields) {
            this.kind = kind == null ? null : new SerializedString(kind);
            this.make = make;
            this.fields = fields;
            for (int k = 0; k < fields.length; k++) {
                positions.put(fields[k].name(), k);
            }
        }

        /** The object whose fields follow (the parser is inside it), up to its end; unknown fields are skipped. */
        T read(JsonParser p) throws IOException {
            Object[] values = new Object[fields.length];
            int next = 0;
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                int k;
                // Jackson interns field names, and they come in table order as written: one comparison finds them
                if (next < fields.length && field == fields[next].name()) {
                    k = next;
                } else {
                    Integer at = positions.get(field);
                    if (at == null) {
                        p.skipChildren();
                        continue;
                    }
                    k = at;
                }
                values[k] = fields[k].reader().read(p, field);
                next = k + 1;
            }
            for (int k = 0; k < fields.length; k++) {
                if (fields[k].mandatory() && values[k] == null) {
                    throw new Bad(fields[k].name(), "is missing");
                }
            }
            return make.apply(values);
        }

        T readElement(JsonParser p) throws IOException {
            requireObject(p);
            return read(p);
        }

        void writeFields(JsonGenerator g, T o) throws IOException {
            for (Field<T> f : fields) {
                if (f.written() == null || f.written().test(o)) {
                    g.writeFieldName(f.wire());
                    f.writer().write(g, o);
                }
            }
        }

        void writeObject(JsonGenerator g, T o) throws IOException {
            g.writeStartObject();
            writeFields(g, o);
            g.writeEndObject();
        }
    }

    private static long num(Object value) {
        return value == null ? 0 : (Long) value;
    }

    private static boolean yes(Object value) {
        return value == Boolean.TRUE;
    }

    /** A list or map read by its field's reader, as the type the model's constructor takes. */
    @SuppressWarnings("unchecked")
    private static <V> V typed(Object value) {
        return (V) value;
    }

    private static final Table<Layer> LAYER = new Table<>(null, v -> new Layer((String) v[0], num(v[1])),
            text("name", Layer::name).required(),
            number("size", Layer::size));

    private static final Table<TagEvent> TAG_EVENT = new Table<>(null,
            v -> new TagEvent((String) v[0], (Instant) v[1]),
            text("image", TagEvent::image).required(),
            timestamp("created", TagEvent::created));

    private static final Table<Tag> TAG = new Table<>(null, v -> new Tag((String) v[0], typed(v[1])),
            text("name", Tag::name).required(),
            objects("items", Tag::items, TAG_EVENT));

    private static final Table<Container> CONTAINER = new Table<>(null,
            v -> new Container((String) v[0], yes(v[1]), (String) v[2]),
            text("name", Container::name),
            flag("init", Container::init),
            text("image", Container::image));

    private static final Table<BuildSource> BUILD_SOURCE = new Table<>(null,
            v -> new BuildSource((String) v[0], (String) v[1], (String) v[2]),
            text("kind", BuildSource::kind),
            text("namespace", BuildSource::namespace),
            text("name", BuildSource::name));

    private static final Table<SpecTag> SPEC_TAG = new Table<>(null,
            v -> new SpecTag((String) v[0], (BuildSource) v[1]),
            text("name", SpecTag::name),
            buildSource("from", SpecTag::from));

    private static final Table<CustomReferrer.Reference> REFERENCE = new Table<>(null,
            v -> new CustomReferrer.Reference((String) v[0], (String) v[1]),
            text("path", CustomReferrer.Reference::path),
            text("image", CustomReferrer.Reference::image));

    private static final Table<Image> IMAGE = new Table<>(ProjectionKeys.IMAGE,
            v -> new Image((String) v[0], (Instant) v[1], yes(v[2]), (String) v[3], typed(v[4]), yes(v[5]),
                    (String) v[6], num(v[7]), typed(v[8]), (String) v[9], (AdminAnnotations) v[10]),
            text("name", Image::name).required(),
            timestamp("created", Image::created),
            flag("managed", Image::managed),
            text("mediaType", Image::mediaType),
            objects("layers", Image::layers, LAYER),
            flag("hasMetadata", Image::hasMetadata),
            text("configDigest", Image::configDigest),
            number("size", Image::size),
            listOf("manifestDigests", Image::manifestDigests, ProjectionCodec::stringElement,
                    JsonGenerator::writeString),
            text("dockerImageReference", Image::dockerImageReference),
            annotations(Image::annotations));

    private static final Table<ImageStream> IMAGE_STREAM = new Table<>(ProjectionKeys.IMAGE_STREAM,
            v -> new ImageStream((String) v[0], (String) v[1], (Instant) v[2], (String) v[3], typed(v[4]),
                    typed(v[5]), (AdminAnnotations) v[6]),
            text("namespace", ImageStream::namespace).required(),
            text("name", ImageStream::name).required(),
            timestamp("created", ImageStream::created),
            text("dockerImageRepository", ImageStream::dockerImageRepository),
            objects("tags", ImageStream::tags, TAG),
            objects("specTags", ImageStream::specTags, SPEC_TAG).writtenWhen(s -> !s.specTags().isEmpty()),
            annotations(ImageStream::annotations));

    private static final Table<LimitRange> LIMIT_RANGE = new Table<>(ProjectionKeys.LIMIT_RANGE,
            v -> new LimitRange((String) v[0], (String) v[1], typed(v[2])),
            text("namespace", LimitRange::namespace).required(),
            text("name", LimitRange::name).required(),
            listOf("imageMaxStorage", LimitRange::imageMaxStorage, ProjectionCodec::longElement,
                    (g, max) -> g.writeNumber(max.longValue())));

    private static final Table<SyncMarker> SYNC_MARKER = new Table<>(ProjectionKeys.SYNC_MARKER,
            v -> new SyncMarker((String) v[0], num(v[1]), (Instant) v[2], typed(v[3]), (String) v[4],
                    (NamespaceScope) v[5]),
            text("ingestId", SyncMarker::ingestId).required(),
            number("epoch", SyncMarker::epoch).required(),
            timestamp("listedAt", SyncMarker::listedAt),
            new Field<>("objectsPerKind", ProjectionCodec::readCounts, ProjectionCodec::writeCounts),
            text("fault", SyncMarker::fault).writtenWhen(m -> m.fault() != null),
            new Field<SyncMarker>("scope", ProjectionCodec::readScope, (g, m) -> writeScope(g, m.scope()))
                    .writtenWhen(m -> m.scope().known()));

    private static final Table<Namespace> NAMESPACE = new Table<>(ProjectionKeys.NAMESPACE,
            v -> new Namespace((String) v[0], (AdminAnnotations) v[1]),
            text("name", Namespace::name).required(),
            annotations(Namespace::annotations));

    private static final Table<CustomReferrer> CUSTOM_REFERRER = new Table<>(ProjectionKeys.CUSTOM_REFERRER,
            v -> new CustomReferrer((String) v[0], (String) v[1], (String) v[2], (String) v[3], yes(v[4]),
                    (Instant) v[5], typed(v[6])),
            text("referrerKind", CustomReferrer::kind).required(),
            text("group", CustomReferrer::group),
            text("namespace", CustomReferrer::namespace),
            text("name", CustomReferrer::name).required(),
            flag("runLike", CustomReferrer::runLike),
            timestamp("finished", CustomReferrer::finished).writtenWhen(c -> c.finished() != null),
            objects("references", CustomReferrer::references, REFERENCE));

    /** A referrer of oc's kinds: one table per kind, which the kind read from the value picks. */
    private static Table<Referrer> referrer(ReferrerKind kind) {
        return new Table<>(kind.kind(),
                v -> new Referrer(kind, (String) v[0], (String) v[1], (Instant) v[2], (String) v[3], typed(v[4]),
                        (BuildSource) v[5], typed(v[6])),
                text("namespace", Referrer::namespace),
                text("name", Referrer::name).required(),
                timestamp("created", Referrer::created),
                text("phase", Referrer::phase),
                objects("containers", Referrer::containers, CONTAINER),
                buildSource("buildSource", Referrer::buildSource),
                objects("ephemeralContainers", Referrer::ephemeralContainers, CONTAINER)
                        .writtenWhen(r -> !r.ephemeralContainers().isEmpty()));
    }

    private static final Map<ReferrerKind, Table<Referrer>> REFERRERS = new EnumMap<>(ReferrerKind.class);
    /** The table of each kind a value names. */
    private static final Map<String, Table<?>> BY_KIND = new HashMap<>();
    /** The table of each projected type other than {@link Referrer}. */
    private static final Map<Class<?>, Table<?>> BY_TYPE = Map.of(Image.class, IMAGE, ImageStream.class, IMAGE_STREAM,
            LimitRange.class, LIMIT_RANGE, SyncMarker.class, SYNC_MARKER, Namespace.class, NAMESPACE,
            CustomReferrer.class, CUSTOM_REFERRER);

    static {
        for (ReferrerKind k : ReferrerKind.values()) {
            REFERRERS.put(k, referrer(k));
            BY_KIND.put(k.kind(), REFERRERS.get(k));
        }
        for (Table<?> table : BY_TYPE.values()) {
            BY_KIND.put(table.kind.getValue(), table);
        }
    }

    @SuppressWarnings("unchecked")
    private static Table<Object> tableOf(Object modelObject) {
        Table<?> table = modelObject instanceof Referrer r ? REFERRERS.get(r.kind())
                : BY_TYPE.get(modelObject.getClass());
        return (Table<Object>) table;
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
        Table<?> table = BY_KIND.get(kind);
        if (table == null) {
            throw new Invalid("unknown kind '" + kind + "'");
        }
        return table.read(p);
    }

    /** Images whose layers all have a name: a layer is known by its name. */
    private static void requireLayerNames(Image i) {
        for (int n = 0; n < i.layers().size(); n++) {
            if (i.layers().get(n).name() == null) {
                throw new ProjectionException("cannot encode Image " + i.name() + ": layers[" + n + "] has no name");
            }
        }
    }

    private static BuildSource readBuildSource(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw wrongType(p, "buildSource", "an object or null");
        }
        try {
            return BUILD_SOURCE.read(p);
        } catch (Bad b) {
            throw b.under("buildSource");
        }
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

    private static void writeNonEmpty(JsonGenerator g, String field, String value) throws IOException {
        if (!value.isEmpty()) {
            g.writeStringField(field, value);
        }
    }

    private static void writeCounts(JsonGenerator g, SyncMarker m) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Integer> e : m.objectsPerKind().entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeNumber(e.getValue().intValue());
        }
        g.writeEndObject();
    }

    private static void writeScope(JsonGenerator g, NamespaceScope scope) throws IOException {
        if (scope.all()) {
            g.writeString(SCOPE_ALL);
        } else {
            g.writeStartArray();
            for (String namespace : scope.namespaces()) {
                g.writeString(namespace);
            }
            g.writeEndArray();
        }
    }

    private static void writeTime(JsonGenerator g, Instant t) throws IOException {
        if (Times.isZero(t)) {
            g.writeNull();
        } else {
            g.writeString(InstantText.format(t));
        }
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
