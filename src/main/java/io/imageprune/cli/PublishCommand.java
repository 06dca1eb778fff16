package io.imageprune.cli;

import io.imageprune.config.ImagePruneConfig;
import io.imageprune.kafka.RecordSignature;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.model.NamespaceScope;
import io.imageprune.projection.SyncMarker;
import io.imageprune.snapshot.LoadStats;
import io.imageprune.snapshot.SnapshotException;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;
import io.imageprune.state.Topics;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code publish --snapshot FILE}: writes a snapshot's objects to the state topic as the ingest would, then a sync
 * marker. Seeds a state topic without a cluster (demos, benchmarks, a cluster that cannot be watched yet). Written
 * in bulk by {@link SnapshotPublisher}; exit code 1 when the file cannot be read or any record is not acknowledged.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a snapshot's objects and a sync marker to the state topic (kafka.bootstrap.servers).")
public class PublishCommand implements Callable<Integer> {
    // field injection: picocli also builds this command without CDI when the command line is used in-process
    @Inject
    ImagePruneConfig config;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
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
        long start = System.nanoTime();
        RecordSignature signing = RecordSignature.of(config.kafka().signing().keys().orElse(List.of()));
        Progress progress = new Progress(Progress.Target.stderr(spec.commandLine().getErr()), "publishing", "records");
        try (SnapshotPublisher publisher = new SnapshotPublisher(config.kafka().topic().state(), kafka, signing)) {
            SnapshotSink sink = new SnapshotSink() {
                @Override
                public void image(Image image) {
                    publisher.add(image);
                    progress.item();
                }

                @Override
                public void imageStream(ImageStream stream) {
                    publisher.add(stream);
                    progress.item();
                }

                @Override
                public void referrer(Referrer referrer) {
                    publisher.add(referrer);
                    progress.item();
                }

                @Override
                public void limitRange(LimitRange limitRange) {
                    publisher.add(limitRange);
                    progress.item();
                }
            };
            LoadStats stats;
            long records;
            try {
                stats = new SnapshotLoader().load(snapshot, sink);
                records = publisher.finish();
                progress.done();
                // a snapshot is taken as the whole cluster, as plan --snapshot takes it
                SyncMarker marker = new SyncMarker(ingestId, System.currentTimeMillis(), Instant.now(), stats.loaded())
                        .withScope(NamespaceScope.ALL);
                publisher.sendLast(marker.key(), new ProjectionCodec().encode(marker));
            } catch (SnapshotException e) {
                progress.done();
                spec.commandLine().getErr().println("error: cannot read snapshot " + snapshot + ": " + e.getMessage());
                return 1;
            } catch (SnapshotPublisher.PublishException e) {
                spec.commandLine().getErr().println("error: cannot publish " + snapshot + " to "
                        + config.kafka().topic().state() + ": " + e.getMessage());
                return 1;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            spec.commandLine().getErr().printf("published %,d records and a sync marker in %,d ms (%,d records/s)%n",
                    records, millis, records * 1000 / Math.max(1, millis));
            return 0;
        }
    }
}
