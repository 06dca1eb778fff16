package io.imageprune.document;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.imageprune.policy.ImageExplanation;
import io.imageprune.policy.ImageExplanation.BlobShare;
import io.imageprune.policy.ImageExplanation.ManifestList;
import io.imageprune.policy.ImageExplanation.Protection;
import io.imageprune.policy.ImageExplanation.ReferrerUse;
import io.imageprune.policy.ImageExplanation.Revision;
import io.imageprune.policy.Rule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;

/**
 * The explanation document of {@code plan --explain -o json} and {@code GET /api/v1/images/{name}/explain}.
 *
 * <p>Written field by field, as the other documents are (the duplicates tool pairs their shapes): the fields and
 * their order are this document's contract with its readers, kept in one place.
 */
public final class ExplanationJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ExplanationJson() {
    }

    public static void write(ImageExplanation e, Writer out) {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeStringField("image", e.image());
            json.writeStringField("verdict", e.verdict().name());
            rule(json, "rule", e.rule());
            json.writeStringField("reason", e.reason());
            json.writeStringField("stage2", e.stage2().name());
            instant(json, "created", e.created());
            json.writeBooleanField("managed", e.managed());
            json.writeArrayFieldStart("referrers");
            for (ReferrerUse r : e.referrers()) {
                json.writeStartObject();
                json.writeStringField("kind", r.kind().kind());
                json.writeStringField("namespace", r.namespace());
                json.writeStringField("name", r.name());
                json.writeStringField("field", r.field());
                json.writeStringField("reference", r.reference());
                json.writeBooleanField("counts", r.counts());
                json.writeArrayFieldStart("protects");
                for (Protection p : r.protections()) {
                    json.writeStartObject();
                    json.writeStringField("how", p.how().name());
                    if (p.target() != null) {
                        json.writeStringField("target", p.target());
                    }
                    json.writeEndObject();
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("beyondOc");
            for (String line : e.beyondOc()) {
                json.writeString(line);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("revisions");
            for (Revision r : e.revisions()) {
                json.writeStartObject();
                json.writeStringField("repository", r.repository());
                json.writeStringField("tag", r.tag());
                json.writeNumberField("index", r.index());
                instant(json, "created", r.created());
                rule(json, "rule", r.rule());
                json.writeBooleanField("removed", r.removed());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("manifestLists");
            for (ManifestList m : e.manifestLists()) {
                json.writeStartObject();
                json.writeStringField("name", m.name());
                rule(json, "rule", m.rule());
                json.writeBooleanField("kept", m.kept());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("sharedBlobs");
            for (BlobShare b : e.sharedBlobs()) {
                json.writeStartObject();
                json.writeStringField("digest", b.digest());
                json.writeStringField("kind", b.kind());
                json.writeNumberField("size", b.size());
                json.writeNumberField("otherImages", b.otherImages());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberField("imagesSharingBlobs", e.imagesSharingBlobs());
            json.writeNumberField("bytes", e.bytes());
            json.writeEndObject();
            json.flush();
            out.write('\n');
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A rule as its name plus its description, so a reader needs no table of rules. */
    private static void rule(JsonGenerator json, String field, Rule rule) throws IOException {
        if (rule == null) {
            json.writeNullField(field);
            return;
        }
        json.writeObjectFieldStart(field);
        json.writeStringField("name", rule.name());
        json.writeStringField("description", rule.description());
        json.writeBooleanField("removes", rule.removes());
        json.writeEndObject();
    }

    private static void instant(JsonGenerator json, String field, Instant at) throws IOException {
        if (at == null) {
            json.writeNullField(field);
        } else {
            json.writeStringField(field, at.toString());
        }
    }
}
