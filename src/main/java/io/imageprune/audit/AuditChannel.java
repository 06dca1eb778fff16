package io.imageprune.audit;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.util.Map;

/**
 * The emitter of the audit topic's outgoing channel. A bean of its own so that {@link AuditPublisher} looks it up only
 * where the channel is open (the state role): elsewhere connecting an emitter to the closed channel would fail.
 */
@ApplicationScoped
class AuditChannel {
    private final Emitter<Map<String, Object>> emitter;

    AuditChannel(@Channel(AuditPublisher.CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                 Emitter<Map<String, Object>> emitter) {
        this.emitter = emitter;
    }

    /** A method, not the field: the bean is reached through its client proxy. */
    Emitter<Map<String, Object>> emitter() {
        return emitter;
    }
}
