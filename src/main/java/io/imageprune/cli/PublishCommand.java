package io.imageprune.cli;

import io.imageprune.ingest.StatePublisher;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.projection.SyncMarker;
import io.imageprune.snapshot.LoadStats;
import io.imageprune.snapshot.SnapshotException;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import io.imageprune.state.Topics;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code publish --snapshot FILE}: writes a snapshot's objects to the state topic as the ingest would, then a sync
 * marker. Seeds a state topic without a cluster (demos, benchmarks, a cluster that cannot be watched yet).
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a snapshot's objects and a sync marker to the state topic (kafka.bootstrap.servers).")
public class PublishCommand implements Callable<Integer> {
    // field injection: picocli also builds this command without CDI when the command line is used in-process
    @Inject
    StatePublisher publisher;
    @Inject
    Topics topics;

    @Spec
    CommandSpec spec;

    @Option(names = "--snapshot", required = true, paramLabel = "FILE", description = "A Kubernetes List.")
    Path snapshot;

    @Option(names = "--ingest-id", defaultValue = "snapshot", description = "Names the sync marker (default: ${DEFAULT-VALUE}).")
    String ingestId;

    @Override
    public Integer call() throws Exception {
        topics.ensure();
        ProjectionCodec codec = new ProjectionCodec();
        long start = System.nanoTime();
        long[] records = new long[1];
        Progress progress = new Progress(Progress.Target.stderr(spec.commandLine().getErr()), "publishing", "records");
        SnapshotSink sink = new SnapshotSink() {
            private void send(Object object) {
                publisher.publish(ProjectionKeys.of(object), codec.encode(object));
                records[0]++;
                progress.item();
            }

            @Override
            public void image(Image image) {
                send(image);
            }

            @Override
            public void imageStream(ImageStream stream) {
                send(stream);
            }

            @Override
            public void referrer(Referrer referrer) {
                send(referrer);
            }

            @Override
            public void limitRange(LimitRange limitRange) {
                send(limitRange);
            }
        };
        LoadStats stats;
        try {
            stats = new SnapshotLoader().load(snapshot, sink);
        } catch (SnapshotException e) {
            progress.done();
            spec.commandLine().getErr().println("error: cannot read snapshot " + snapshot + ": " + e.getMessage());
            return 1;
        }
        publisher.flush();
        progress.done();
        SyncMarker marker = new SyncMarker(ingestId, System.currentTimeMillis(), Instant.now(), stats.loaded());
        publisher.publish(marker.key(), codec.encode(marker));
        publisher.flush();
        spec.commandLine().getErr().printf("published %,d records and a sync marker in %,d ms%n", records[0],
                (System.nanoTime() - start) / 1_000_000);
        return 0;
    }
}
