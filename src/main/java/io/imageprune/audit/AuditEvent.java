package io.imageprune.audit;

/**
 * One CloudEvent ready to be sent.
 *
 * @param key  the Kafka record key: the action's target, or the run id for a summary, so that consumers see every
 *             event about one object in the order it happened
 * @param json the whole event in structured mode ({@code application/cloudevents+json})
 */
public record AuditEvent(String id, String type, String key, String json) {
}
