package io.imageprune.state;

import java.util.Map;

import java.time.Instant;

import io.imageprune.model.NamespaceScope;
import io.imageprune.projection.SyncMarker;

import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;

import java.nio.file.Path;

/** For tests of the REST API without a broker: the live graph filled from a snapshot file and marked synced. */
public final class LiveGraphs {
    private LiveGraphs() {
    }

    /** Replaces the graph with the snapshot's objects (null: empty) and marks it synced with no lag. */
    public static void syncedWith(LiveGraph live, Path snapshot) throws Exception {
        live.reset("loading a test snapshot");
        if (snapshot != null) {
            // one override per object kind: SnapshotSink has a typed callback per kind and each maps to its
            // own graph put, so the like-shaped methods cannot be folded into one
            SnapshotSink sink = new SnapshotSink() {
                @Override
                public void image(Image image) {
                    live.write(g -> g.put(image));
                }

                @Override
                public void imageStream(ImageStream stream) {
                    live.write(g -> g.put(stream));
                }

                @Override
                public void referrer(Referrer referrer) {
                    live.write(g -> g.put(referrer));
                }

                @Override
                public void limitRange(LimitRange limitRange) {
                    live.write(g -> g.put(limitRange));
                }
            };
            new SnapshotLoader().load(snapshot, sink);
        }
        fresh(live);
        live.markSynced();
    }

    /**
     * As the consumer leaves it after a successful poll: end offsets just read, a fresh marker, caught up. A test
     * whose requests outlast imageprune.state.max-staleness on a loaded machine calls it before each.
     */
    public static void fresh(LiveGraph live) {
        Instant now = Instant.now();
        live.contact(now, 0);
        live.marker(new SyncMarker("test", 1, now, Map.of()).withScope(NamespaceScope.ALL), now);
    }
}
