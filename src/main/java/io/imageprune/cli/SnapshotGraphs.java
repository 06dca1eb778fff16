package io.imageprune.cli;

import io.imageprune.graph.ReferenceGraph;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.referrers.ExtraKinds;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Namespace;
import io.imageprune.snapshot.SnapshotSink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds a reference graph straight from a snapshot file, as the cluster would list it. Parsing and graph building
 * run on two threads joined by a bounded queue of batches, so a large file costs about the larger of the two, not
 * their sum, and memory holds only a few batches besides the graph.
 */
public final class SnapshotGraphs {
    private static final int BATCH = 2048;
    private static final Object[] END = new Object[0];

    private SnapshotGraphs() {
    }

    /**
     * @param namespace "" for everything; otherwise only that namespace's objects and all (cluster-scoped) images,
     *                  which is what {@code oc adm prune images -n} lists
     */
    public static ReferenceGraph load(Path file, String namespace) throws IOException {
        return load(file, namespace, ExtraKinds.NONE, null);
    }

    /** The same, also reading the custom resources that hold images ({@code extraKinds}) and Namespaces. */
    public static ReferenceGraph load(Path file, String namespace, ExtraKinds extraKinds) throws IOException {
        return load(file, namespace, extraKinds, null);
    }

    /** As {@link #load(Path, String, ExtraKinds)}, telling {@code progress} (null: nothing) of every object and byte read. */
    static ReferenceGraph load(Path file, String namespace, ExtraKinds extraKinds, Progress progress)
            throws IOException {
        ReferenceGraph graph = new ReferenceGraph();
        boolean all = namespace == null || namespace.isEmpty();
        BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(16);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread builder = new Thread(() -> build(graph, queue, failure), "imageprune-graph-builder");
        builder.start();
        ObjectBatcher batcher = new ObjectBatcher(BATCH, batch -> put(queue, batch));
        try {
            new SnapshotLoader(extraKinds).load(file, new SnapshotSink() {
                private void add(Object object) {
                    if (progress != null) {
                        progress.item();
                    }
                    batcher.add(object);
                }

                @Override
                public void image(Image image) {
                    add(image);
                }

                @Override
                public void imageStream(ImageStream stream) {
                    if (all || stream.namespace().equals(namespace)) {
                        add(stream);
                    }
                }

                @Override
                public void referrer(Referrer referrer) {
                    if (all || referrer.namespace().equals(namespace)) {
                        add(referrer);
                    }
                }

                @Override
                public void limitRange(LimitRange limitRange) {
                    if (all || limitRange.namespace().equals(namespace)) {
                        add(limitRange);
                    }
                }

                @Override
                public void customReferrer(CustomReferrer referrer) {
                    if (all || referrer.namespace().equals(namespace)) {
                        add(referrer);
                    }
                }

                @Override
                public void namespace(Namespace object) {
                    add(object);
                }
            }, progress == null ? null : progress::bytes);
            batcher.flush();
        } finally {
            put(queue, END);
            join(builder);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return graph;
    }

    private static void build(ReferenceGraph graph, BlockingQueue<Object[]> queue,
                              AtomicReference<RuntimeException> failure) {
        try {
            for (Object[] batch = queue.take(); batch != END; batch = queue.take()) {
                if (failure.get() != null) {
                    continue; // keep draining so the parser never blocks
                }
                try {
                    for (Object object : batch) {
                        graph.put(object);
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the graph", e);
        }
    }

    private static void put(BlockingQueue<Object[]> queue, Object[] batch) {
        try {
            queue.put(batch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the snapshot", e);
        }
    }
}
