package io.imageprune.cli;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;

import java.io.IOException;
import java.nio.file.Path;

/** Builds a reference graph straight from a snapshot file, one object at a time, as the cluster would list it. */
public final class SnapshotGraphs {
    private SnapshotGraphs() {
    }

    /**
     * @param namespace "" for everything; otherwise only that namespace's objects and all (cluster-scoped) images,
     *                  which is what {@code oc adm prune images -n} lists
     */
    public static ReferenceGraph load(Path file, String namespace) throws IOException {
        ReferenceGraph graph = new ReferenceGraph();
        boolean all = namespace == null || namespace.isEmpty();
        new SnapshotLoader().load(file, new SnapshotSink() {
            @Override
            public void image(Image image) {
                graph.putImage(image);
            }

            @Override
            public void imageStream(ImageStream stream) {
                if (all || stream.namespace().equals(namespace)) {
                    graph.putStream(stream);
                }
            }

            @Override
            public void referrer(Referrer referrer) {
                if (all || referrer.namespace().equals(namespace)) {
                    graph.putReferrer(referrer);
                }
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                if (all || limitRange.namespace().equals(namespace)) {
                    graph.putLimitRange(limitRange);
                }
            }
        });
        return graph;
    }
}
