package io.imageprune.snapshot;

import io.imageprune.referrers.ExtraKinds;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.LimitRange;
import io.imageprune.model.Referrer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.function.LongConsumer;

/**
 * Reads a cluster snapshot: a Kubernetes {@code List} (any kind ending in {@code List}) as printed by
 * {@code oc get images,imagestreams,pods,rc,rs,deploy,dc,ds,sts,jobs,cronjobs,bc,builds,limitranges -A -o json}, in
 * JSON or YAML, optionally gzip-compressed.
 *
 * <p>The document is streamed: items are converted one at a time and handed to a {@link SnapshotSink}; no tree of the
 * document is ever built, so memory use is that of the converted objects. The format is detected from the content:
 * gzip by its magic bytes, then JSON if the first non-whitespace character is <code>{</code>, YAML otherwise.
 *
 * <p>JSON is read by a dedicated byte-level scanner ({@link JsonScanner}; strict RFC 8259, held to Jackson's parser
 * in the tests) because a snapshot reaches 600 MB and the scanner does the same loading work in a little over half
 * of Jackson's time (measured in docs/benchmarks.md, "The hand-written JSON scanner against Jackson"; the reasons in
 * docs/design.md); YAML goes through Jackson's YAML parser (its speed does not matter). Strings that repeat (layer and image
 * digests, media types, namespaces, container images, ...) are interned in tables local to one load, so each
 * distinct value is one object in the result.
 *
 * <p>Items of kinds that pruning does not read are counted and skipped. Every problem (unreadable file, syntax error,
 * a document that is not a List, a malformed item) is a {@link SnapshotException}. Instances are stateless and
 * thread-safe; each load uses its own intern tables.
 */
public final class SnapshotLoader {
    private static final int BUFFER = 1 << 16;
    /** How far the format sniffing looks for the first non-whitespace byte. */
    private static final int SNIFF = 1 << 10;

    private static final YAMLFactory YAML;

    static {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        YAML = YAMLFactory.builder()
                .loaderOptions(options)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
                .build();
    }

    private final ExtraKinds extraKinds;

    /** A loader of oc's kinds (and Namespaces, for their admin annotations). */
    public SnapshotLoader() {
        this(ExtraKinds.NONE);
    }

    /** A loader that also reads the given custom resources that hold images. */
    public SnapshotLoader(ExtraKinds extraKinds) {
        this.extraKinds = extraKinds;
    }

    /** Loads the whole file into memory as lists, in document order. */
    public ClusterSnapshot load(Path file) {
        Collector collector = new Collector();
        LoadStats stats = load(file, collector);
        return collector.snapshot(stats);
    }

    /** Loads the whole stream (not closed) into memory as lists, in document order. */
    public ClusterSnapshot load(InputStream in) {
        Collector collector = new Collector();
        LoadStats stats = load(in, collector);
        return collector.snapshot(stats);
    }

    /** Streams the file's objects into the sink. */
    public LoadStats load(Path file, SnapshotSink sink) {
        return load(file, sink, null);
    }

    /**
     * Streams the file's objects into the sink, telling {@code bytesRead} how many bytes of the file each read took
     * (progress; null: not told).
     */
    public LoadStats load(Path file, SnapshotSink sink, LongConsumer bytesRead) {
        try (InputStream in = bytesRead == null ? open(file) : counted(open(file), bytesRead)) {
            return read(in, sink, capacityHint(file));
        } catch (NoSuchFileException | FileNotFoundException e) {
            throw new SnapshotException("cannot read " + file + ": no such file", e);
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Streams the objects of the stream (which is not closed) into the sink. */
    public LoadStats load(InputStream in, SnapshotSink sink) {
        try {
            // size the tables and the buffer for what is there (a single converted API object is a few KiB)
            return read(in, sink, Math.max(16, Math.min(1 << 21, in.available() >> 10)));
        } catch (IOException e) {
            throw new SnapshotException("cannot read snapshot: " + e.getMessage(), e);
        }
    }

    /** A plain FileInputStream where possible: its reads are a bare system call, which keeps the hot path lean. */
    private static InputStream open(Path file) throws IOException {
        if (file.getFileSystem() == FileSystems.getDefault()) {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            if (Files.isDirectory(file)) {
                throw new IOException("is a directory");
            }
            return new FileInputStream(file.toFile());
        }
        return Files.newInputStream(file);
    }

    private static InputStream counted(InputStream in, LongConsumer bytesRead) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead.accept(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    bytesRead.accept(n);
                }
                return n;
            }
        };
    }

    /** Distinct layers to expect: about one per KiB of uncompressed snapshot (sizes the intern tables). */
    private static int capacityHint(Path file) {
        try {
            long kib = Files.size(file) >> 10;
            return (int) Math.max(1 << 10, Math.min(1 << 21, kib));
        } catch (IOException e) {
            return 1 << 12;
        }
    }

    private LoadStats read(InputStream raw, SnapshotSink sink, int capacity) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, SNIFF);
        int hint = capacity;
        if (isGzip(in)) {
            in = new PushbackInputStream(new GZIPInputStream(in, BUFFER), SNIFF);
            hint = Math.min(1 << 21, hint * 8);
        }
        boolean json = firstNonWhitespace(in) == '{';
        LoadRun run = null;
        try (Tokens tokens = json ? jsonTokens(in, hint) : new JacksonTokens(YAML.createParser(in))) {
            run = new LoadRun(tokens, !json, sink, hint, extraKinds);
            return run.run();
        } catch (JsonSyntaxException e) {
            String context = run == null ? "" : run.itemContext();
            throw new SnapshotException((context.isEmpty() ? "" : context + ": ") + "invalid JSON at line "
                    + e.line() + ", column " + e.column() + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw syntaxError(run, json, e);
        } catch (YAMLException e) {
            throw yamlError(run, e, e);
        }
    }

    private static Tokens jsonTokens(InputStream in, int capacity) throws IOException {
        // about 1 KiB of document per unit of capacity; small documents get a small buffer
        JsonScanner scanner = new JsonScanner(in, capacity >= 64 ? 1 << 16 : 1 << 12);
        scanner.skipByteOrderMark();
        return scanner;
    }

    private static SnapshotException yamlError(LoadRun run, YAMLException yaml, Exception thrown) {
        String context = run == null ? "" : run.itemContext();
        StringBuilder sb = new StringBuilder();
        if (!context.isEmpty()) {
            sb.append(context).append(": ");
        }
        sb.append("invalid YAML");
        if (yaml instanceof MarkedYAMLException marked && marked.getProblem() != null) {
            Mark mark = marked.getProblemMark();
            if (mark != null) {
                sb.append(" at line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1);
            }
            sb.append(": ").append(marked.getProblem());
            Mark contextMark = marked.getContextMark();
            if (marked.getContext() != null) {
                sb.append(" (").append(marked.getContext());
                if (contextMark != null) {
                    sb.append(" started at line ").append(contextMark.getLine() + 1).append(", column ")
                            .append(contextMark.getColumn() + 1);
                }
                sb.append(')');
            }
        } else {
            sb.append(": ").append(yaml.getMessage());
        }
        return new SnapshotException(sb.toString(), thrown);
    }

    private static SnapshotException syntaxError(LoadRun run, boolean json, JacksonException e) {
        if (!json && e.getCause() instanceof YAMLException yaml) {
            return yamlError(run, yaml, e);
        }
        String context = run == null ? "" : run.itemContext();
        String message = e.getOriginalMessage();
        StringBuilder sb = new StringBuilder();
        if (!context.isEmpty()) {
            sb.append(context).append(": ");
        }
        sb.append(json ? "invalid JSON" : "invalid YAML").append(location(e.getLocation()));
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        return new SnapshotException(sb.toString(), e);
    }

    private static String location(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 0) {
            return "";
        }
        return " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    private static boolean isGzip(PushbackInputStream in) throws IOException {
        byte[] head = new byte[2];
        int n = in.readNBytes(head, 0, 2);
        in.unread(head, 0, n);
        return n == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    }

    /** The first byte that is not whitespace or a UTF-8 byte order mark (-1 if none within the first 64 KiB). */
    private static int firstNonWhitespace(PushbackInputStream in) throws IOException {
        byte[] head = new byte[SNIFF];
        int n = 0;
        int found = -1;
        while (n < SNIFF && found < 0) {
            int r = in.read(head, n, SNIFF - n);
            if (r < 0) {
                break;
            }
            for (int i = n; i < n + r; i++) {
                int b = head[i] & 0xff;
                boolean bom = i < 3 && (b == 0xEF || b == 0xBB || b == 0xBF);
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && !bom) {
                    found = b;
                    break;
                }
            }
            n += r;
        }
        in.unread(head, 0, n);
        return found;
    }

    private static final class Collector implements SnapshotSink {
        private final List<Image> images = new ArrayList<>();
        private final List<ImageStream> streams = new ArrayList<>();
        private final List<Referrer> referrers = new ArrayList<>();
        private final List<LimitRange> limitRanges = new ArrayList<>();

        @Override
        public void image(Image image) {
            images.add(image);
        }

        @Override
        public void imageStream(ImageStream stream) {
            streams.add(stream);
        }

        @Override
        public void referrer(Referrer referrer) {
            referrers.add(referrer);
        }

        @Override
        public void limitRange(LimitRange limitRange) {
            limitRanges.add(limitRange);
        }

        ClusterSnapshot snapshot(LoadStats stats) {
            return new ClusterSnapshot(images, streams, referrers, limitRanges, stats.skipped());
        }
    }
}
