package io.imageprune.state;

import io.imageprune.kafka.RecordSignature;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.util.List;

/**
 * A state record whose signature is missing or wrong while signing keys are configured: it was not written by the
 * ingest or {@code publish}, so it is unreadable, whatever it says.
 */
final class UntrustedRecordException extends RuntimeException {
    private final RecordSignature.Verdict verdict;

    private UntrustedRecordException(RecordSignature.Verdict verdict) {
        super(verdict == RecordSignature.Verdict.UNSIGNED
                ? "unsigned record (no " + RecordSignature.HEADER + " header) while signing keys are configured"
                : "bad signature: the " + RecordSignature.HEADER + " header matches none of the signing keys");
        this.verdict = verdict;
    }

    /** The {@code reason} tag of {@code imageprune_state_records_bad_total}. */
    String reason() {
        return verdict.label();
    }

    /** The bad-record reasons this exception can name, for registering their counters at start. */
    static List<String> reasons() {
        return List.of(RecordSignature.Verdict.UNSIGNED.label(), RecordSignature.Verdict.BAD_SIGNATURE.label());
    }

    /** @throws UntrustedRecordException when signing is on and the record is not signed by one of the keys */
    static void check(RecordSignature signing, ConsumerRecord<String, byte[]> record) {
        if (!signing.enabled()) {
            return;
        }
        // the last header counts, as for any Kafka header read by name
        Header header = record.headers().lastHeader(RecordSignature.HEADER);
        RecordSignature.Verdict verdict = signing.verify(record.key(), record.value(),
                header == null ? null : header.value());
        if (verdict != RecordSignature.Verdict.VALID) {
            throw new UntrustedRecordException(verdict);
        }
    }
}
