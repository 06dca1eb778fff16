package io.imageprune.snapshot;

import io.imageprune.referrers.ExtraKinds;
import com.fasterxml.jackson.core.JsonToken;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Layer;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.ReferrerKind;
import io.imageprune.model.SpecTag;
import io.imageprune.model.Tag;
import io.imageprune.model.TagEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over one document: walks the List with a streaming parser and converts one item at a time. Holds the
 * per-load intern tables, so that each distinct digest, media type, namespace, ... is one String object.
 * Not thread-safe; used once.
 *
 * <p>The readers of the kinds repeat one shape (a loop over an object's fields, a switch on the name, a skip of the
 * rest): each reads its own fields into its own state, and a generic field table would put a lookup and a callback on
 * the path of every field of a 600 MB file. The one loop over the List's items is shared (docs/design.md, "Other
 * choices that are not obvious"); the image's metadata reader is a copy of the generic one on purpose (see there).
 */
final class LoadRun {
    private static final String MANAGED_ANNOTATION = "openshift.io/image.managed";
    private static final String IMAGE_LIMIT_TYPE = "openshift.io/Image";
    private static final String ADMIN_ANNOTATION_PREFIX = "imageprune.io/";

    private static final String[] POD_SPEC_PATH = {};
    private static final String[] TEMPLATE_SPEC_PATH = {"template", "spec"};
    private static final String[] CRON_JOB_SPEC_PATH = {"jobTemplate", "spec", "template", "spec"};

    private final Tokens parser;
    private final boolean yaml;
    private final SnapshotSink sink;
    private final ExtraKinds extraKinds;
    private final Map<String, Integer> extraLoaded = new HashMap<>();

    private final Interner strings;
    private final Interner layerTable;
    /** The current layer's digest, copied out of the scanner until the layer object ends. */
    private final byte[] nameBytes = new byte[256];
    private final Map<String, Integer> skipped = new HashMap<>();

    // item context, for messages
    private int itemIndex = -1;
    private String itemKind;
    private String itemNamespace;
    private String itemName;

    // kind decisions, reused while consecutive items share kind and apiVersion
    private String lastKindSeen;
    private boolean lastKindKnown;
    private String decidedKind;
    private String decidedApiVersion;
    private Handler decided;
    private ReferrerKind decidedReferrerKind;
    private String decidedSkipKey;

    // loaded objects per kind
    private int images;
    private int streams;
    private int limitRanges;
    private final int[] referrers = new int[ReferrerKind.values().length];

    // items walk: the next item's index, fields recorded before its kind was known, whether it is already closed
    private int nextIndex;
    private Tokens.Recorder headBuffer;
    private boolean itemClosed;

    // field path inside the item, for messages
    private final String[] pathNames = new String[32];
    private final int[] pathIndexes = new int[32];
    private int depth;

    // metadata of the current item
    private String mdName;
    private String mdNamespace;
    private Instant mdCreated;
    private boolean mdManaged;
    /** imageprune.io annotations of the current image or stream. */
    private AdminAnnotations mdAdmin = AdminAnnotations.NONE;

    // Lists are built in fresh (young) ArrayLists per object: filling long-lived scratch lists with new objects
    // would cost a GC write barrier and card refinement per element.
    private ArrayList<Container> initScratch = new ArrayList<>();
    private ArrayList<Container> containerScratch = new ArrayList<>();

    private final ImageHandler imageHandler = new ImageHandler();
    private final StreamHandler streamHandler = new StreamHandler();
    private final ReferrerHandler referrerHandler = new ReferrerHandler();
    private final LimitRangeHandler limitRangeHandler = new LimitRangeHandler();
    private final SkipHandler skipHandler = new SkipHandler();
    private final GenericHandler genericHandler = new GenericHandler();

    /**
     * @param capacity expected number of distinct layers (a hint for the intern tables; they grow as needed)
     */
    LoadRun(Tokens parser, boolean yaml, SnapshotSink sink, int capacity, ExtraKinds extraKinds) {
        this.extraKinds = extraKinds;
        this.strings = new Interner(Math.max(16, capacity / 2), false);
        this.layerTable = new Interner(capacity, true);
        this.parser = parser;
        this.yaml = yaml;
        this.sink = sink;
    }

    // ================================================================== document level

    LoadStats run() throws IOException {
        Tokens p = parser;
        JsonToken t = p.nextToken();
        if (t == null) {
            throw notList("the document is empty");
        }
        if (t != JsonToken.START_OBJECT) {
            throw notList("the top level is " + describe(t) + ", not an object");
        }
        String kind = null;
        boolean sawItems = false;
        int items = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (field) {
                case "kind":
                    if (v == JsonToken.VALUE_STRING) {
                        kind = p.getText();
                    } else {
                        throw notList("the top-level kind is " + describe(v) + ", not a string");
                    }
                    if (!kind.endsWith("List")) {
                        throw notList("top-level kind is \"" + kind + "\"");
                    }
                    break;
                case "items":
                    if (v == JsonToken.START_ARRAY) {
                        items += readItems(p, items);
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw notList("items is " + describe(v) + ", not an array");
                    }
                    sawItems = true;
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (kind == null) {
            throw notList("no top-level kind");
        }
        if (!sawItems) {
            throw notList("no items array");
        }
        if (p.nextToken() != null) {
            throw new SnapshotException("unexpected content after the top-level List object" + p.location());
        }
        return new LoadStats(items, loadedCounts(), skipped);
    }

    private Map<String, Integer> loadedCounts() {
        Map<String, Integer> counts = new HashMap<>();
        if (images > 0) {
            counts.put("Image", images);
        }
        if (streams > 0) {
            counts.put("ImageStream", streams);
        }
        if (limitRanges > 0) {
            counts.put("LimitRange", limitRanges);
        }
        for (ReferrerKind k : ReferrerKind.values()) {
            if (referrers[k.ordinal()] > 0) {
                counts.put(k.kind(), referrers[k.ordinal()]);
            }
        }
        counts.putAll(extraLoaded);
        return counts;
    }

    private int readItems(Tokens p, int first) throws IOException {
        nextIndex = first;
        Handler handler = nextItem(p);
        while (handler != null) {
            // one call per run of items of the same kind (oc groups items by kind)
            handler = handler.run(p);
        }
        itemIndex = -1;
        itemKind = null;
        itemNamespace = null;
        itemName = null;
        return nextIndex - first;
    }

    /**
     * Starts the next item: reads its leading fields until apiVersion and kind are known (fields before them are
     * recorded in {@link #headBuffer}) and returns its handler, or null at the end of the items array.
     */
    private Handler nextItem(Tokens p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return null;
        }
        if (t == null) {
            throw new SnapshotException("unexpected end of input inside items");
        }
        itemIndex = nextIndex++;
        itemKind = null;
        itemNamespace = null;
        itemName = null;
        depth = 0;
        headBuffer = null;
        itemClosed = false;
        if (t != JsonToken.START_OBJECT) {
            throw fail(null, "expected an object, got " + describe(t));
        }
        String apiVersion = null;
        String kind = null;
        boolean haveApiVersion = false;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            if (field.equals("kind")) {
                kind = internedString(p, "kind");
                itemKind = kind;
                if (kind != null && kind != lastKindSeen) {
                    lastKindSeen = kind;
                    lastKindKnown = Kinds.isKnown(kind) || extraKinds.mayHandle(kind);
                }
            } else if (field.equals("apiVersion")) {
                apiVersion = internedString(p, "apiVersion");
                haveApiVersion = true;
            } else if (kind != null && !lastKindKnown) {
                p.skipChildren();
                continue;
            } else {
                if (headBuffer == null) {
                    headBuffer = p.recorder();
                }
                headBuffer.record(field);
                continue;
            }
            if (kind != null && (haveApiVersion || !lastKindKnown)) {
                return handlerFor(kind, apiVersion);
            }
        }
        itemClosed = true;
        if (kind == null) {
            throw fail(null, "missing kind");
        }
        return handlerFor(kind, apiVersion);
    }

    /**
     * The handler for an item's kind and apiVersion (both interned). Consecutive items nearly always share both, so
     * the last decision is reused.
     */
    private Handler handlerFor(String kind, String apiVersion) {
        if (kind != decidedKind || apiVersion != decidedApiVersion) {
            decidedKind = kind;
            decidedApiVersion = apiVersion;
            decidedReferrerKind = null;
            decidedSkipKey = null;
            if (extraKinds.mayHandle(kind) && extraKinds.handles(kind, apiVersion)) {
                decided = genericHandler;
            } else if (!Kinds.isKnown(kind)) {
                decidedSkipKey = kind;
                decided = skipHandler;
            } else if (apiVersion != null && !Kinds.groupMatches(kind, apiVersion)) {
                decidedSkipKey = kind + " (" + apiVersion + ")";
                decided = skipHandler;
            } else if (kind.equals("Image")) {
                decided = imageHandler;
            } else if (kind.equals("ImageStream")) {
                decided = streamHandler;
            } else if (kind.equals("LimitRange")) {
                decided = limitRangeHandler;
            } else if (kind.equals("Namespace")) {
                decided = genericHandler;
            } else {
                decidedReferrerKind = ReferrerKind.ofKind(kind);
                decided = referrerHandler;
            }
        }
        if (decided == referrerHandler) {
            referrerHandler.kind = decidedReferrerKind;
        } else if (decided == skipHandler) {
            skipHandler.key = decidedSkipKey;
        } else if (decided == genericHandler) {
            genericHandler.apiVersion = apiVersion;
        }
        return decided;
    }

    // ================================================================== handlers

    /**
     * What one kind of item does with its fields. One loop ({@link #run}) serves every kind: the field handling it
     * calls is a method per kind, so the loop's call to it is the only dispatch per top-level field.
     */
    private abstract class Handler {
        /** Converts the current item and the following items of this handler; returns the next item's handler. */
        final Handler run(Tokens p) throws IOException {
            for (;;) {
                begin(itemKind);
                if (headBuffer != null) {
                    try (Tokens replay = replayHead()) {
                        String f;
                        while ((f = replay.nextFieldName()) != null) {
                            replay.nextToken();
                            field(f, replay);
                        }
                    }
                }
                if (!itemClosed) {
                    String f;
                    while ((f = p.nextFieldName()) != null) {
                        p.nextToken();
                        field(f, p);
                    }
                }
                finish();
                Handler next = nextItem(p);
                if (next != this) {
                    return next;
                }
            }
        }

        /** The recorded leading fields of the current item, as a source positioned at their first field name. */
        Tokens replayHead() throws IOException {
            Tokens replay = headBuffer.replay();
            headBuffer = null;
            replay.nextToken();
            return replay;
        }

        void begin(String kind) {
            mdName = null;
            mdNamespace = null;
            mdCreated = null;
            mdManaged = false;
            mdAdmin = AdminAnnotations.NONE;
        }

        abstract void field(String name, Tokens p) throws IOException;

        abstract void finish() throws IOException;

        String requireName() {
            if (mdName == null || mdName.isEmpty()) {
                throw fail(null, "missing metadata.name");
            }
            return mdName;
        }


    }

    private final class SkipHandler extends Handler {
        String key;

        @Override
        void begin(String kind) {
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            p.skipChildren();
        }

        @Override
        void finish() {
            skipped.merge(key, 1, Integer::sum);
        }
    }

    /**
     * Namespaces and the configured custom resources: small and rare, read as a generic JSON value and converted
     * from that (the custom resources through their JSONPath expressions).
     */
    private final class GenericHandler extends Handler {
        String apiVersion;
        private Map<String, Object> item;

        @Override
        void begin(String kind) {
            super.begin(kind);
            item = new LinkedHashMap<>();
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            push(name);
            item.put(name, genericValue(p, 0));
            pop();
            if (name.equals("metadata") && item.get(name) instanceof Map<?, ?> md) {
                itemName = md.get("name") instanceof String n ? n : null;
                itemNamespace = md.get("namespace") instanceof String ns ? ns : null;
            }
        }

        @Override
        void finish() {
            Object converted;
            if (itemKind.equals("Namespace")) {
                converted = namespace(item);
            } else {
                try {
                    converted = extraKinds.convert(itemKind, apiVersion, item);
                } catch (IllegalArgumentException e) {
                    throw fail(null, e.getMessage());
                }
            }
            extraLoaded.merge(itemKind, 1, Integer::sum);
            if (converted instanceof CustomReferrer custom) {
                sink.customReferrer(custom);
            } else if (converted instanceof Namespace namespace) {
                sink.namespace(namespace);
            }
        }

        private Namespace namespace(Map<String, Object> item) {
            Map<?, ?> md = item.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
            if (!(md.get("name") instanceof String name) || name.isEmpty()) {
                throw fail(null, "missing metadata.name");
            }
            AdminAnnotations annotations = AdminAnnotations.NONE;
            if (md.get("annotations") instanceof Map<?, ?> values) {
                for (Map.Entry<?, ?> e : values.entrySet()) {
                    if (e.getValue() instanceof String value) {
                        annotations = annotations.with(String.valueOf(e.getKey()), value);
                    }
                }
            }
            return new Namespace(name, annotations);
        }
    }

    /** The value at the current token as maps (in document order), lists, strings, booleans and null. */
    private Object genericValue(Tokens p, int nesting) throws IOException {
        if (nesting > 200) {
            throw fail(null, "nested more than 200 levels deep");
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                String f;
                while ((f = p.nextFieldName()) != null) {
                    p.nextToken();
                    map.put(f, genericValue(p, nesting + 1));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (nextElement(p) != JsonToken.END_ARRAY) {
                    list.add(genericValue(p, nesting + 1));
                }
                return list;
            }
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                // strings and numbers as written
                return p.getText();
        }
    }

    private final class ImageHandler extends Handler {
        private String mediaType;
        private String reference;
        private List<Layer> layers;
        private boolean hasMetadata;
        private String configDigest;
        private long size;
        private List<String> manifests;

        @Override
        void begin(String kind) {
            super.begin(kind);
            mediaType = null;
            reference = null;
            layers = null;
            hasMetadata = false;
            configDigest = null;
            size = 0;
            manifests = null;
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            switch (name) {
                case "metadata":
                    readImageMetadata(p);
                    break;
                case "dockerImageManifestMediaType":
                    mediaType = internedString(p, name);
                    break;
                case "dockerImageReference":
                    reference = string(p, name);
                    break;
                case "dockerImageLayers":
                    layers = readLayers(p);
                    break;
                case "dockerImageMetadata":
                    // read here rather than in a method of its own: this method then stays above the JIT's inlining
                    // size, so the run loop compiles quickly and does not have to be recompiled with it
                    configDigest = null;
                    size = 0;
                    hasMetadata = startObject(p, "dockerImageMetadata");
                    if (hasMetadata) {
                        push("dockerImageMetadata");
                        String field;
                        while ((field = p.nextFieldName()) != null) {
                            p.nextToken();
                            switch (field) {
                                case "Id":
                                    configDigest = string(p, field);
                                    break;
                                case "Size":
                                    size = integer(p, field);
                                    break;
                                default:
                                    p.skipChildren();
                            }
                        }
                        pop();
                    }
                    break;
                case "dockerImageManifests":
                    manifests = readManifests(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        private List<Layer> readLayers(Tokens p) throws IOException {
            if (!startArray(p, "dockerImageLayers")) {
                return List.of();
            }
            Layer[] found = new Layer[16];
            int count = 0;
            push("dockerImageLayers");
            JsonToken t;
            int i = 0;
            for (;;) {
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                // oc's exact layer shape is matched in one go by the scanner; anything else takes the general path
                int fastLen = p.fastLayer(nameBytes);
                if (fastLen > 0) {
                    long fastSize = p.fastLayerSize();
                    if (!layerTable.queueLayer(nameBytes, 0, fastLen, fastSize)) {
                        found[count] = layerTable.layer(nameBytes, 0, fastLen, fastSize);
                    }
                    count++;
                    i++;
                    continue;
                }
                if ((t = nextElement(p)) == JsonToken.END_ARRAY) {
                    break;
                }
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
                int nameLen = -1;
                String nameText = null;
                long layerSize = 0;
                String field;
                while ((field = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (field.equals("name")) {
                        nameLen = -1;
                        nameText = null;
                        if (p.currentToken() == JsonToken.VALUE_STRING) {
                            nameLen = p.copyAscii(nameBytes);
                        }
                        if (nameLen < 0) {
                            nameText = string(p, field);
                        }
                    } else if (field.equals("size")) {
                        layerSize = integer(p, field);
                    } else {
                        p.skipChildren();
                    }
                }
                // canonical digests are queued and resolved together (their table misses then overlap)
                if (nameLen > 0) {
                    if (!layerTable.queueLayer(nameBytes, 0, nameLen, layerSize)) {
                        found[count] = layerTable.layer(nameBytes, 0, nameLen, layerSize);
                    }
                } else if (nameText != null && !nameText.isEmpty()) {
                    found[count] = layerTable.layer(nameText, layerSize);
                } else {
                    throw fail(null, "missing name");
                }
                count++;
            }
            pop();
            layerTable.resolveLayers(found, count);
            return count == 0 ? List.of() : List.of(Arrays.copyOf(found, count));
        }

        private List<String> readManifests(Tokens p) throws IOException {
            if (!startArray(p, "dockerImageManifests")) {
                return List.of();
            }
            ArrayList<String> scratch = new ArrayList<>(4);
            push("dockerImageManifests");
            int i = 0;
            while (nextObject(p, i++)) {
                String digest = null;
                String field;
                while ((field = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (field.equals("digest")) {
                        digest = internedString(p, field);
                    } else {
                        p.skipChildren();
                    }
                }
                if (digest == null || digest.isEmpty()) {
                    throw fail(null, "missing digest");
                }
                scratch.add(digest);
            }
            pop();
            return List.copyOf(scratch);
        }

        @Override
        void finish() {
            String name = requireName();
            images++;
            sink.image(new Image(name, mdCreated, mdManaged, mediaType, layers, hasMetadata, configDigest, size,
                    manifests, reference, mdAdmin));
        }
    }

    private final class StreamHandler extends Handler {
        private String repository;
        private List<Tag> tags;
        private List<SpecTag> specTags;

        @Override
        void begin(String kind) {
            super.begin(kind);
            repository = null;
            tags = null;
            specTags = null;
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            switch (name) {
                case "metadata":
                    readImageMetadata(p);
                    break;
                case "spec":
                    readSpec(p);
                    break;
                case "status":
                    readStatus(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        /** spec.tags[] with a from: holders oc does not read (issue 12). */
        private void readSpec(Tokens p) throws IOException {
            if (!startObject(p, "spec")) {
                return;
            }
            push("spec");
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                if (field.equals("tags") && startArray(p, field)) {
                    push(field);
                    ArrayList<SpecTag> scratch = new ArrayList<>(2);
                    int i = 0;
                    while (nextObject(p, i++)) {
                        String tag = null;
                        BuildSource from = null;
                        String f;
                        while ((f = p.nextFieldName()) != null) {
                            p.nextToken();
                            if (f.equals("name")) {
                                tag = internedString(p, f);
                            } else if (f.equals("from")) {
                                from = referrerHandler.readFrom(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (from != null) {
                            scratch.add(new SpecTag(tag, from));
                        }
                    }
                    pop();
                    specTags = scratch;
                } else {
                    p.skipChildren();
                }
            }
            pop();
        }

        private void readStatus(Tokens p) throws IOException {
            if (!startObject(p, "status")) {
                return;
            }
            push("status");
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                if (field.equals("dockerImageRepository")) {
                    repository = string(p, field);
                } else if (field.equals("tags")) {
                    tags = readTags(p);
                } else {
                    p.skipChildren();
                }
            }
            pop();
        }

        private List<Tag> readTags(Tokens p) throws IOException {
            if (!startArray(p, "tags")) {
                return List.of();
            }
            ArrayList<Tag> scratch = new ArrayList<>(4);
            push("tags");
            int i = 0;
            while (nextObject(p, i++)) {
                String tag = null;
                List<TagEvent> events = List.of();
                String field;
                while ((field = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (field.equals("tag")) {
                        tag = internedString(p, field);
                    } else if (field.equals("items")) {
                        events = readEvents(p);
                    } else {
                        p.skipChildren();
                    }
                }
                if (tag == null) {
                    throw fail(null, "missing tag");
                }
                scratch.add(new Tag(tag, events));
            }
            pop();
            return List.copyOf(scratch);
        }

        private List<TagEvent> readEvents(Tokens p) throws IOException {
            if (!startArray(p, "items")) {
                return List.of();
            }
            ArrayList<TagEvent> scratch = new ArrayList<>(4);
            push("items");
            int i = 0;
            while (nextObject(p, i++)) {
                String image = null;
                Instant created = null;
                String field;
                while ((field = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (field.equals("image")) {
                        image = internedString(p, field);
                    } else if (field.equals("created")) {
                        created = time(p, field);
                    } else {
                        p.skipChildren();
                    }
                }
                if (image == null || image.isEmpty()) {
                    throw fail(null, "missing image");
                }
                scratch.add(new TagEvent(image, created));
            }
            pop();
            return List.copyOf(scratch);
        }

        @Override
        void finish() {
            String name = requireName();
            streams++;
            sink.imageStream(new ImageStream(mdNamespace == null ? "" : mdNamespace, name, mdCreated, repository,
                    tags, specTags, mdAdmin));
        }
    }

    private final class ReferrerHandler extends Handler {
        ReferrerKind kind;
        private String phase;
        /** A pod's ephemeral containers, null when it has none. */
        private ArrayList<Container> ephemeralScratch;
        private boolean sawSpec;
        /** Per strategy (source, docker, custom): present, and its from (null when absent). */
        private final boolean[] strategyPresent = new boolean[3];
        private final BuildSource[] strategyFrom = new BuildSource[3];

        @Override
        void begin(String k) {
            super.begin(k);
            phase = null;
            sawSpec = false;
            ephemeralScratch = null;
            clearSpec();
        }

        /** Forgets what a spec held: a second spec field replaces the first. */
        private void clearSpec() {
            initScratch = new ArrayList<>(1);
            containerScratch = new ArrayList<>(2);
            for (int i = 0; i < 3; i++) {
                strategyPresent[i] = false;
                strategyFrom[i] = null;
            }
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p);
                    break;
                case "spec":
                    if (sawSpec) {
                        clearSpec();
                    }
                    sawSpec = true;
                    readSpec(p);
                    break;
                case "status":
                    if (kind == ReferrerKind.POD) {
                        readPodStatus(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }

        private void readSpec(Tokens p) throws IOException {
            switch (kind) {
                case POD:
                    readNested(p, "spec", POD_SPEC_PATH, 0);
                    break;
                case CRON_JOB:
                    readNested(p, "spec", CRON_JOB_SPEC_PATH, 0);
                    break;
                case BUILD:
                case BUILD_CONFIG:
                    readBuildSpec(p);
                    break;
                default:
                    readNested(p, "spec", TEMPLATE_SPEC_PATH, 0);
            }
        }

        /** Descends through {@code rest[k..]} to the pod spec; p is at the value of {@code field}. */
        private void readNested(Tokens p, String field, String[] rest, int k) throws IOException {
            if (!startObject(p, field)) {
                return;
            }
            push(field);
            String f;
            if (k == rest.length) {
                while ((f = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (f.equals("containers")) {
                        readContainers(p, f, false, containerScratch);
                    } else if (f.equals("initContainers")) {
                        readContainers(p, f, true, initScratch);
                    } else if (f.equals("ephemeralContainers") && kind == ReferrerKind.POD) {
                        ephemeralScratch = new ArrayList<>(1);
                        readContainers(p, f, false, ephemeralScratch);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                String next = rest[k];
                while ((f = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (f.equals(next)) {
                        readNested(p, f, rest, k + 1);
                    } else {
                        p.skipChildren();
                    }
                }
            }
            pop();
        }

        private void readContainers(Tokens p, String field, boolean init, ArrayList<Container> into)
                throws IOException {
            into.clear();
            if (!startArray(p, field)) {
                return;
            }
            push(field);
            int i = 0;
            while (nextObject(p, i++)) {
                String name = null;
                String image = null;
                String f;
                while ((f = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (f.equals("name")) {
                        name = internedString(p, f);
                    } else if (f.equals("image")) {
                        image = internedString(p, f);
                    } else {
                        p.skipChildren();
                    }
                }
                into.add(new Container(name, init, image));
            }
            pop();
        }

        private void readBuildSpec(Tokens p) throws IOException {
            if (!startObject(p, "spec")) {
                return;
            }
            push("spec");
            String f;
            while ((f = p.nextFieldName()) != null) {
                p.nextToken();
                if (f.equals("strategy")) {
                    readStrategy(p);
                } else {
                    p.skipChildren();
                }
            }
            pop();
        }

        private void readStrategy(Tokens p) throws IOException {
            if (!startObject(p, "strategy")) {
                return;
            }
            push("strategy");
            String f;
            while ((f = p.nextFieldName()) != null) {
                p.nextToken();
                int which;
                switch (f) {
                    case "sourceStrategy":
                        which = 0;
                        break;
                    case "dockerStrategy":
                        which = 1;
                        break;
                    case "customStrategy":
                        which = 2;
                        break;
                    default:
                        p.skipChildren();
                        continue;
                }
                strategyPresent[which] = false;
                strategyFrom[which] = null;
                if (!startObject(p, f)) {
                    continue;
                }
                strategyPresent[which] = true;
                push(f);
                String g;
                while ((g = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (g.equals("from")) {
                        strategyFrom[which] = readFrom(p);
                    } else {
                        p.skipChildren();
                    }
                }
                pop();
            }
            pop();
        }

        private BuildSource readFrom(Tokens p) throws IOException {
            if (!startObject(p, "from")) {
                return null;
            }
            push("from");
            String kindValue = null;
            String namespace = null;
            String name = null;
            String f;
            while ((f = p.nextFieldName()) != null) {
                p.nextToken();
                switch (f) {
                    case "kind":
                        kindValue = internedString(p, f);
                        break;
                    case "namespace":
                        namespace = internedString(p, f);
                        break;
                    case "name":
                        name = internedString(p, f);
                        break;
                    default:
                        p.skipChildren();
                }
            }
            pop();
            return new BuildSource(kindValue, namespace, name);
        }

        private void readPodStatus(Tokens p) throws IOException {
            if (!startObject(p, "status")) {
                return;
            }
            push("status");
            String f;
            while ((f = p.nextFieldName()) != null) {
                p.nextToken();
                if (f.equals("phase")) {
                    phase = internedString(p, f);
                } else {
                    p.skipChildren();
                }
            }
            pop();
        }

        @Override
        void finish() {
            String name = requireName();
            List<Container> containers;
            if (initScratch.isEmpty()) {
                containers = List.copyOf(containerScratch);
            } else if (containerScratch.isEmpty()) {
                containers = List.copyOf(initScratch);
            } else {
                Container[] all = new Container[initScratch.size() + containerScratch.size()];
                int i = 0;
                for (Container c : initScratch) {
                    all[i++] = c;
                }
                for (Container c : containerScratch) {
                    all[i++] = c;
                }
                containers = List.of(all);
            }
            BuildSource source = null;
            if (kind.isBuild()) {
                for (int i = 0; i < 3; i++) {
                    if (strategyPresent[i]) {
                        source = strategyFrom[i];
                        break;
                    }
                }
            }
            referrers[kind.ordinal()]++;
            sink.referrer(new Referrer(kind, mdNamespace, name, mdCreated, kind == ReferrerKind.POD ? phase : "",
                    containers, source, ephemeralScratch));
        }
    }

    private final class LimitRangeHandler extends Handler {
        private List<Long> maxStorage;

        @Override
        void begin(String kind) {
            super.begin(kind);
            maxStorage = null;
        }

        @Override
        void field(String name, Tokens p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p);
                    break;
                case "spec":
                    readSpec(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        private void readSpec(Tokens p) throws IOException {
            if (!startObject(p, "spec")) {
                return;
            }
            push("spec");
            String f;
            while ((f = p.nextFieldName()) != null) {
                p.nextToken();
                if (f.equals("limits")) {
                    maxStorage = readLimits(p);
                } else {
                    p.skipChildren();
                }
            }
            pop();
        }

        private List<Long> readLimits(Tokens p) throws IOException {
            if (!startArray(p, "limits")) {
                return List.of();
            }
            ArrayList<Long> scratch = new ArrayList<>(2);
            push("limits");
            int i = 0;
            while (nextObject(p, i++)) {
                String type = null;
                String storage = null;
                String f;
                while ((f = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (f.equals("type")) {
                        type = string(p, f);
                    } else if (f.equals("max")) {
                        storage = readMaxStorage(p);
                    } else {
                        p.skipChildren();
                    }
                }
                if (IMAGE_LIMIT_TYPE.equals(type) && storage != null) {
                    try {
                        scratch.add(Quantities.parseBytes(storage));
                    } catch (IllegalArgumentException e) {
                        throw fail("max.storage", "invalid quantity \"" + storage + "\"");
                    }
                }
            }
            pop();
            return List.copyOf(scratch);
        }

        private String readMaxStorage(Tokens p) throws IOException {
            if (!startObject(p, "max")) {
                return null;
            }
            push("max");
            String storage = null;
            String f;
            while ((f = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                if (f.equals("storage")) {
                    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT
                            || t == JsonToken.VALUE_NUMBER_FLOAT) {
                        storage = p.getText();
                    } else if (t == JsonToken.VALUE_NULL) {
                        storage = null;
                    } else {
                        throw fail(f, "expected a quantity (a string or a number), got " + describe(t));
                    }
                } else {
                    p.skipChildren();
                }
            }
            pop();
            return storage;
        }

        @Override
        void finish() {
            String name = requireName();
            limitRanges++;
            sink.limitRange(new LimitRange(mdNamespace == null ? "" : mdNamespace, name, maxStorage));
        }
    }

    // ================================================================== shared readers

    /**
     * Reads the metadata of an object other than an image. (Images have their own copy, {@link #readImageMetadata}:
     * separate methods keep each one's JIT profile stable when the document moves from images to other kinds.)
     */
    private void readMetadata(Tokens p) throws IOException {
        if (!startObject(p, "metadata")) {
            return;
        }
        push("metadata");
        String f;
        while ((f = p.nextFieldName()) != null) {
            p.nextToken();
            switch (f) {
                case "name":
                    mdName = string(p, f);
                    itemName = mdName;
                    break;
                case "namespace":
                    mdNamespace = internedString(p, f);
                    itemNamespace = mdNamespace;
                    break;
                case "creationTimestamp":
                    mdCreated = time(p, f);
                    break;
                default:
                    p.skipChildren();
            }
        }
        pop();
    }

    /** Reads an image's metadata: also the managed annotation; the name is interned (tag items share it). */
    private void readImageMetadata(Tokens p) throws IOException {
        if (!startObject(p, "metadata")) {
            return;
        }
        push("metadata");
        String f;
        while ((f = p.nextFieldName()) != null) {
            p.nextToken();
            switch (f) {
                case "name":
                    mdName = internedString(p, f);
                    itemName = mdName;
                    break;
                case "namespace":
                    mdNamespace = internedString(p, f);
                    itemNamespace = mdNamespace;
                    break;
                case "creationTimestamp":
                    mdCreated = time(p, f);
                    break;
                case "annotations":
                    readAnnotations(p);
                    break;
                default:
                    p.skipChildren();
            }
        }
        pop();
    }

    private void readAnnotations(Tokens p) throws IOException {
        mdManaged = false;
        mdAdmin = AdminAnnotations.NONE;
        if (!startObject(p, "annotations")) {
            return;
        }
        push("annotations");
        String f;
        while ((f = p.nextFieldName()) != null) {
            p.nextToken();
            if (f.equals(MANAGED_ANNOTATION)) {
                mdManaged = "true".equals(string(p, f));
            } else if (f.startsWith(ADMIN_ANNOTATION_PREFIX)) {
                String value = string(p, f);
                mdAdmin = mdAdmin.with(f, value == null ? "" : value);
            } else {
                p.skipChildren();
            }
        }
        pop();
    }

    // ================================================================== typed values

    /** Like {@link #string} but interned, without allocating when the text was seen before. */
    private String internedString(Tokens p, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return p.internText(strings);
        }
        return strings.intern(string(p, field));
    }

    private String string(Tokens p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (yaml && t.isScalarValue()) {
            // YAML has no string quoting requirement: a plain scalar such as 8.0 or true is the text as written
            return p.getText();
        }
        throw fail(field, "expected a string, got " + describe(t));
    }

    private long integer(Tokens p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            try {
                return p.longValue();
            } catch (NumberFormatException e) {
                throw fail(field, "integer out of range: " + p.getText());
            }
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        throw fail(field, "expected an integer, got " + describe(t));
    }

    private Instant time(Tokens p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw fail(field, "expected a timestamp string, got " + describe(t));
        }
        Instant instant = p.timestamp();
        if (instant == null) {
            throw fail(field, "invalid timestamp \"" + p.getText() + "\"");
        }
        return instant;
    }

    /** True at START_OBJECT, false at null; anything else is an error. */
    private boolean startObject(Tokens p, String field) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw fail(field, "expected an object, got " + describe(t));
    }

    /** True at START_ARRAY, false at null; anything else is an error. */
    private boolean startArray(Tokens p, String field) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw fail(field, "expected an array, got " + describe(t));
    }

    /**
     * Steps to element {@code i} of an array of objects: false at the array's end, true at the element's START_OBJECT
     * (its index recorded for messages); any other element is an error.
     */
    private boolean nextObject(Tokens p, int i) throws IOException {
        JsonToken t = nextElement(p);
        if (t == JsonToken.END_ARRAY) {
            return false;
        }
        index(i);
        if (t != JsonToken.START_OBJECT) {
            throw fail(null, "expected an object, got " + describe(t));
        }
        return true;
    }

    private JsonToken nextElement(Tokens p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw fail(null, "unexpected end of input");
        }
        return t;
    }

    // ================================================================== paths and messages

    private void push(String name) {
        pathNames[depth] = name;
        pathIndexes[depth] = -1;
        depth++;
    }

    private void index(int i) {
        pathIndexes[depth - 1] = i;
    }

    private void pop() {
        depth--;
    }

    /** The current item context, e.g. {@code item 17 (Image sha256:abc)}, or "" outside items. */
    String itemContext() {
        if (itemIndex < 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("item ").append(itemIndex);
        if (itemKind != null) {
            sb.append(" (").append(itemKind);
            if (itemName != null && !itemName.isEmpty()) {
                sb.append(' ');
                if (itemNamespace != null && !itemNamespace.isEmpty()) {
                    sb.append(itemNamespace).append('/');
                }
                sb.append(itemName);
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** An error at the current path (plus {@code leaf} when given) of the current item. */
    SnapshotException fail(String leaf, String problem) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                path.append('.');
            }
            path.append(pathNames[i]);
            if (pathIndexes[i] >= 0) {
                path.append('[').append(pathIndexes[i]).append(']');
            }
        }
        if (leaf != null) {
            if (path.length() > 0) {
                path.append('.');
            }
            path.append(leaf);
        }
        StringBuilder sb = new StringBuilder(itemContext());
        if (sb.length() > 0) {
            sb.append(": ");
        }
        if (path.length() > 0) {
            sb.append(path).append(": ");
        }
        sb.append(problem);
        return new SnapshotException(sb.toString());
    }

    private static SnapshotException notList(String why) {
        return new SnapshotException("not a Kubernetes List: " + why);
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            default:
                return t.name();
        }
    }
}
