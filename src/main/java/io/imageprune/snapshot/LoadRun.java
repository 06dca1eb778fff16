package io.imageprune.snapshot;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
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

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over one document: walks the List with a streaming parser and converts one item at a time. Holds the
 * per-load intern tables, so that each distinct digest, media type, namespace, ... is one String object.
 * Not thread-safe; used once.
 */
final class LoadRun {
    private static final String MANAGED_ANNOTATION = "openshift.io/image.managed";
    private static final String IMAGE_LIMIT_TYPE = "openshift.io/Image";

    private static final String[] POD_SPEC_PATH = {};
    private static final String[] TEMPLATE_SPEC_PATH = {"template", "spec"};
    private static final String[] CRON_JOB_SPEC_PATH = {"jobTemplate", "spec", "template", "spec"};

    private final JsonParser parser;
    private final boolean yaml;
    private final SnapshotSink sink;

    private final Interner strings = new Interner(1 << 16, false);
    private final Interner layerTable = new Interner(1 << 16, true);
    /** The current layer's digest, copied out of the parser until the layer object ends. */
    private char[] nameBuf = new char[128];
    private final Map<String, Integer> loaded = new HashMap<>();
    private final Map<String, Integer> skipped = new HashMap<>();

    // item context, for messages
    private int itemIndex = -1;
    private String itemKind;
    private String itemNamespace;
    private String itemName;

    // field path inside the item, for messages
    private final String[] pathNames = new String[32];
    private final int[] pathIndexes = new int[32];
    private int depth;

    // metadata of the current item
    private String mdName;
    private String mdNamespace;
    private Instant mdCreated;
    private boolean mdManaged;

    // scratch lists, copied into immutable lists per object
    private final ArrayList<Layer> layerScratch = new ArrayList<>();
    private final ArrayList<String> stringScratch = new ArrayList<>();
    private final ArrayList<Tag> tagScratch = new ArrayList<>();
    private final ArrayList<TagEvent> eventScratch = new ArrayList<>();
    private final ArrayList<Container> initScratch = new ArrayList<>();
    private final ArrayList<Container> containerScratch = new ArrayList<>();
    private final ArrayList<Long> limitScratch = new ArrayList<>();

    private final ImageHandler imageHandler = new ImageHandler();
    private final StreamHandler streamHandler = new StreamHandler();
    private final ReferrerHandler referrerHandler = new ReferrerHandler();
    private final LimitRangeHandler limitRangeHandler = new LimitRangeHandler();
    private final SkipHandler skipHandler = new SkipHandler();

    LoadRun(JsonParser parser, boolean yaml, SnapshotSink sink) {
        this.parser = parser;
        this.yaml = yaml;
        this.sink = sink;
    }

    // ================================================================== document level

    LoadStats run() throws IOException {
        JsonParser p = parser;
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
            throw new SnapshotException("unexpected content after the top-level List object"
                    + location(p.currentLocation()));
        }
        return new LoadStats(items, loaded, skipped);
    }

    private int readItems(JsonParser p, int first) throws IOException {
        int index = first;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new SnapshotException("unexpected end of input inside items");
            }
            itemIndex = index;
            itemKind = null;
            itemNamespace = null;
            itemName = null;
            depth = 0;
            if (t != JsonToken.START_OBJECT) {
                throw fail(null, "expected an object, got " + describe(t));
            }
            readItem(p);
            index++;
        }
        itemIndex = -1;
        itemKind = null;
        return index - first;
    }

    /** Fields before apiVersion and kind are both known are buffered, then replayed into the kind's handler. */
    private void readItem(JsonParser p) throws IOException {
        String apiVersion = null;
        String kind = null;
        boolean haveApiVersion = false;
        TokenBuffer buffer = null;
        Handler handler = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            p.nextToken();
            if (handler != null) {
                handler.field(field, p);
                continue;
            }
            if (field.equals("kind")) {
                kind = string(p, "kind");
                itemKind = kind;
            } else if (field.equals("apiVersion")) {
                apiVersion = string(p, "apiVersion");
                haveApiVersion = true;
            } else if (kind != null && !Kinds.isKnown(kind)) {
                p.skipChildren();
                continue;
            } else {
                if (buffer == null) {
                    buffer = new TokenBuffer(p);
                    buffer.writeStartObject();
                }
                buffer.writeFieldName(field);
                buffer.copyCurrentStructure(p);
                continue;
            }
            if (kind != null && (haveApiVersion || !Kinds.isKnown(kind))) {
                handler = start(kind, apiVersion, buffer);
                buffer = null;
            }
        }
        if (handler == null) {
            if (kind == null) {
                throw fail(null, "missing kind");
            }
            handler = start(kind, apiVersion, buffer);
        }
        handler.finish();
    }

    private Handler start(String kind, String apiVersion, TokenBuffer buffer) throws IOException {
        Handler handler = handlerFor(kind, apiVersion);
        handler.begin(kind);
        if (buffer != null) {
            buffer.writeEndObject();
            try (JsonParser replay = buffer.asParser()) {
                replay.nextToken();
                String field;
                while ((field = replay.nextFieldName()) != null) {
                    replay.nextToken();
                    handler.field(field, replay);
                }
            }
        }
        return handler;
    }

    private Handler handlerFor(String kind, String apiVersion) {
        if (!Kinds.isKnown(kind)) {
            skipHandler.key = kind;
            return skipHandler;
        }
        if (apiVersion != null && !Kinds.groupMatches(kind, apiVersion)) {
            skipHandler.key = kind + " (" + apiVersion + ")";
            return skipHandler;
        }
        switch (kind) {
            case "Image":
                return imageHandler;
            case "ImageStream":
                return streamHandler;
            case "LimitRange":
                return limitRangeHandler;
            default:
                referrerHandler.kind = ReferrerKind.ofKind(kind);
                return referrerHandler;
        }
    }

    // ================================================================== handlers

    private abstract class Handler {
        void begin(String kind) {
            mdName = null;
            mdNamespace = null;
            mdCreated = null;
            mdManaged = false;
        }

        abstract void field(String name, JsonParser p) throws IOException;

        abstract void finish() throws IOException;

        String requireName() {
            if (mdName == null || mdName.isEmpty()) {
                throw fail(null, "missing metadata.name");
            }
            return mdName;
        }

        void count(String kind) {
            loaded.merge(kind, 1, Integer::sum);
        }
    }

    private final class SkipHandler extends Handler {
        String key;

        @Override
        void begin(String kind) {
        }

        @Override
        void field(String name, JsonParser p) throws IOException {
            p.skipChildren();
        }

        @Override
        void finish() {
            skipped.merge(key, 1, Integer::sum);
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
        void field(String name, JsonParser p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p, true);
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
                    readDockerMetadata(p);
                    break;
                case "dockerImageManifests":
                    manifests = readManifests(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        private void readDockerMetadata(JsonParser p) throws IOException {
            configDigest = null;
            size = 0;
            hasMetadata = startObject(p, "dockerImageMetadata");
            if (!hasMetadata) {
                return;
            }
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

        private List<Layer> readLayers(JsonParser p) throws IOException {
            if (!startArray(p, "dockerImageLayers")) {
                return List.of();
            }
            ArrayList<Layer> scratch = layerScratch;
            scratch.clear();
            push("dockerImageLayers");
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
                int nameLen = 0;
                long layerSize = 0;
                String field;
                while ((field = p.nextFieldName()) != null) {
                    p.nextToken();
                    if (field.equals("name")) {
                        nameLen = copyText(p, field);
                    } else if (field.equals("size")) {
                        layerSize = integer(p, field);
                    } else {
                        p.skipChildren();
                    }
                }
                if (nameLen <= 0) {
                    throw fail(null, "missing name");
                }
                scratch.add(layerTable.layer(nameBuf, 0, nameLen, layerSize));
            }
            pop();
            return List.copyOf(scratch);
        }

        private List<String> readManifests(JsonParser p) throws IOException {
            if (!startArray(p, "dockerImageManifests")) {
                return List.of();
            }
            ArrayList<String> scratch = stringScratch;
            scratch.clear();
            push("dockerImageManifests");
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
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
            count("Image");
            sink.image(new Image(name, mdCreated, mdManaged, mediaType, layers, hasMetadata, configDigest, size,
                    manifests, reference));
        }
    }

    private final class StreamHandler extends Handler {
        private String repository;
        private List<Tag> tags;

        @Override
        void begin(String kind) {
            super.begin(kind);
            repository = null;
            tags = null;
        }

        @Override
        void field(String name, JsonParser p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p, false);
                    break;
                case "status":
                    readStatus(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        private void readStatus(JsonParser p) throws IOException {
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

        private List<Tag> readTags(JsonParser p) throws IOException {
            if (!startArray(p, "tags")) {
                return List.of();
            }
            ArrayList<Tag> scratch = tagScratch;
            scratch.clear();
            push("tags");
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
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

        private List<TagEvent> readEvents(JsonParser p) throws IOException {
            if (!startArray(p, "items")) {
                return List.of();
            }
            ArrayList<TagEvent> scratch = eventScratch;
            scratch.clear();
            push("items");
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
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
            count("ImageStream");
            sink.imageStream(new ImageStream(mdNamespace == null ? "" : mdNamespace, name, mdCreated, repository,
                    tags));
        }
    }

    private final class ReferrerHandler extends Handler {
        ReferrerKind kind;
        private String phase;
        private boolean sawSpec;
        /** Per strategy (source, docker, custom): present, and its from (null when absent). */
        private final boolean[] strategyPresent = new boolean[3];
        private final BuildSource[] strategyFrom = new BuildSource[3];

        @Override
        void begin(String k) {
            super.begin(k);
            phase = null;
            sawSpec = false;
            initScratch.clear();
            containerScratch.clear();
            for (int i = 0; i < 3; i++) {
                strategyPresent[i] = false;
                strategyFrom[i] = null;
            }
        }

        @Override
        void field(String name, JsonParser p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p, false);
                    break;
                case "spec":
                    if (sawSpec) {
                        initScratch.clear();
                        containerScratch.clear();
                        for (int i = 0; i < 3; i++) {
                            strategyPresent[i] = false;
                            strategyFrom[i] = null;
                        }
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

        private void readSpec(JsonParser p) throws IOException {
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
        private void readNested(JsonParser p, String field, String[] rest, int k) throws IOException {
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

        private void readContainers(JsonParser p, String field, boolean init, ArrayList<Container> into)
                throws IOException {
            into.clear();
            if (!startArray(p, field)) {
                return;
            }
            push(field);
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
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

        private void readBuildSpec(JsonParser p) throws IOException {
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

        private void readStrategy(JsonParser p) throws IOException {
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

        private BuildSource readFrom(JsonParser p) throws IOException {
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

        private void readPodStatus(JsonParser p) throws IOException {
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
            count(kind.kind());
            sink.referrer(new Referrer(kind, mdNamespace, name, mdCreated, kind == ReferrerKind.POD ? phase : "",
                    containers, source));
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
        void field(String name, JsonParser p) throws IOException {
            switch (name) {
                case "metadata":
                    readMetadata(p, false);
                    break;
                case "spec":
                    readSpec(p);
                    break;
                default:
                    p.skipChildren();
            }
        }

        private void readSpec(JsonParser p) throws IOException {
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

        private List<Long> readLimits(JsonParser p) throws IOException {
            if (!startArray(p, "limits")) {
                return List.of();
            }
            ArrayList<Long> scratch = limitScratch;
            scratch.clear();
            push("limits");
            JsonToken t;
            int i = 0;
            while ((t = nextElement(p)) != JsonToken.END_ARRAY) {
                index(i++);
                if (t != JsonToken.START_OBJECT) {
                    throw fail(null, "expected an object, got " + describe(t));
                }
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

        private String readMaxStorage(JsonParser p) throws IOException {
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
            count("LimitRange");
            sink.limitRange(new LimitRange(mdNamespace == null ? "" : mdNamespace, name, maxStorage));
        }
    }

    // ================================================================== shared readers

    /** Reads metadata; for images also the managed annotation, and the name is interned (tag items share it). */
    private void readMetadata(JsonParser p, boolean image) throws IOException {
        if (!startObject(p, "metadata")) {
            return;
        }
        push("metadata");
        String f;
        while ((f = p.nextFieldName()) != null) {
            p.nextToken();
            switch (f) {
                case "name":
                    mdName = image ? internedString(p, f) : string(p, f);
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
                    if (image) {
                        readAnnotations(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        pop();
    }

    private void readAnnotations(JsonParser p) throws IOException {
        mdManaged = false;
        if (!startObject(p, "annotations")) {
            return;
        }
        push("annotations");
        String f;
        while ((f = p.nextFieldName()) != null) {
            p.nextToken();
            if (f.equals(MANAGED_ANNOTATION)) {
                mdManaged = "true".equals(string(p, f));
            } else {
                p.skipChildren();
            }
        }
        pop();
    }

    // ================================================================== typed values

    /** Like {@link #string} but interned, without allocating when the text was seen before. */
    private String internedString(JsonParser p, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return strings.intern(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        return strings.intern(string(p, field));
    }

    /** Copies a string value into {@link #nameBuf}; returns its length, -1 for null. */
    private int copyText(JsonParser p, String field) throws IOException {
        char[] chars;
        int off;
        int len;
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            chars = p.getTextCharacters();
            off = p.getTextOffset();
            len = p.getTextLength();
        } else {
            String s = string(p, field);
            if (s == null) {
                return -1;
            }
            chars = s.toCharArray();
            off = 0;
            len = chars.length;
        }
        if (len > nameBuf.length) {
            nameBuf = new char[Math.max(len, nameBuf.length * 2)];
        }
        System.arraycopy(chars, off, nameBuf, 0, len);
        return len;
    }

    private String string(JsonParser p, String field) throws IOException {
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

    private long integer(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            try {
                return p.getLongValue();
            } catch (JacksonException e) {
                throw fail(field, "integer out of range: " + p.getText());
            }
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        throw fail(field, "expected an integer, got " + describe(t));
    }

    private Instant time(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw fail(field, "expected a timestamp string, got " + describe(t));
        }
        Instant instant = Rfc3339.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        if (instant == null) {
            throw fail(field, "invalid timestamp \"" + p.getText() + "\"");
        }
        return instant;
    }

    /** True at START_OBJECT, false at null; anything else is an error. */
    private boolean startObject(JsonParser p, String field) {
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
    private boolean startArray(JsonParser p, String field) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw fail(field, "expected an array, got " + describe(t));
    }

    private JsonToken nextElement(JsonParser p) throws IOException {
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

    static String location(com.fasterxml.jackson.core.JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
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
