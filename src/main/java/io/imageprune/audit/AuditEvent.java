package io.imageprune.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One CloudEvent ready to be sent: its attributes and its {@code data}. The Kafka connector writes them as one
 * structured-mode document ({@code application/cloudevents+json}, see {@link AuditPublisher}).
 *
 * @param key    the Kafka record key and the event's {@code subject}: the action's target, or the run id for a run's
 *               start and summary, so that consumers see every event about one object in the order it happened
 * @param time   the event's {@code time}
 * @param source the event's {@code source} ({@code imageprune.audit.source})
 * @param data   the {@code data} object as JSON ({@code datacontenttype} {@value #DATA_CONTENT_TYPE})
 */
public record AuditEvent(String id, String type, String key, Instant time, String source, String data) {
    public static final String DATA_CONTENT_TYPE = "application/json";
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * The event as the structured-mode document a consumer of the audit topic reads (attribute order aside, which
     * JSON leaves open): what {@link AuditLog} parses, and what the audit tests hold the topic's records to.
     */
    public String json() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("specversion", AuditEvents.SPEC_VERSION);
            json.writeStringField("id", id);
            json.writeStringField("source", source);
            json.writeStringField("type", type);
            json.writeStringField("subject", key);
            json.writeStringField("time", time == null ? null : time.toString());
            json.writeStringField("datacontenttype", DATA_CONTENT_TYPE);
            json.writeFieldName("data");
            json.writeRawValue(data);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
