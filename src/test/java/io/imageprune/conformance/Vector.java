package io.imageprune.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imageprune.options.GoDuration;
import io.imageprune.policy.PruneOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One conformance vector of {@code src/test/resources/conformance/cases} (format: that folder's README). */
record Vector(String file, JsonNode json) {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static List<Vector> all() {
        List<Vector> vectors = new ArrayList<>();
        Path dir = resourceDir("/conformance/cases");
        try (var files = Files.list(dir)) {
            for (Path path : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                vectors.add(new Vector(path.getFileName().toString(), MAPPER.readTree(path.toFile())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return vectors;
    }

    static Path resourceDir(String name) {
        try {
            return Path.of(Vector.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("test resource " + name + " missing", e);
        }
    }

    Instant now() {
        return Instant.parse(json.get("now").asText());
    }

    JsonNode options() {
        return json.get("options");
    }

    JsonNode expected() {
        return json.get("expected");
    }

    JsonNode faults() {
        return json.path("faults");
    }

    boolean hasFaults() {
        return faults().size() > 0;
    }

    /** The keys to compare: what upstream asserts, plus what the vector derives from the spec. */
    List<String> checkedKeys() {
        List<String> keys = new ArrayList<>();
        json.get("asserted").forEach(k -> keys.add(k.asText()));
        json.path("derived").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    JsonNode expectedValue(String key) {
        return expected().has(key) ? expected().get(key) : json.path("derived").get(key);
    }

    PruneOptions pruneOptions(boolean keepPinnedImages) {
        JsonNode o = options();
        return PruneOptions.library(now(),
                o.get("keepYoungerThan").isNull() ? null : GoDuration.parse(o.get("keepYoungerThan").asText()),
                o.get("keepTagRevisions").isNull() ? null : o.get("keepTagRevisions").asInt(),
                o.get("pruneOverSizeLimit").isNull() ? null : o.get("pruneOverSizeLimit").asBoolean(),
                o.get("allImages").isNull() ? null : o.get("allImages").asBoolean(),
                o.get("pruneRegistry").isNull() ? null : o.get("pruneRegistry").asBoolean(),
                o.get("namespace").isNull() ? "" : o.get("namespace").asText(),
                o.get("ignoreInvalidRefs").asBoolean(), keepPinnedImages);
    }

    /** The vector's objects as the Kubernetes List that {@code oc get -o json} would print. */
    Path writeList(Path dir) throws IOException {
        ObjectNode list = MAPPER.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        json.get("objects").forEach(items::add);
        Path listFile = dir.resolve(file.replace(".json", ".list.json"));
        MAPPER.writeValue(listFile.toFile(), list);
        return listFile;
    }

    @Override
    public String toString() {
        return file;
    }
}
