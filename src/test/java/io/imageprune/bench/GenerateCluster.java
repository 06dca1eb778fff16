package io.imageprune.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The benchmarks' cluster generator (JDK only, run from the test classes by {@code bench/gen-cluster.sh}):
 * <pre>
 * GenerateCluster --size {tiny,small,medium,large,xlarge} [--seed N] [--now RFC3339] [--out FILE|-] [--format list]
 *                 [--extensions]
 * </pre>
 * ({@code --extensions}: also the objects of issue 12's extensions, see {@link ExtensionObjects}; without it the
 * output is unchanged)
 * writes a Kubernetes v1 List as {@code oc get … -o json} prints it and prints on stderr, as the shared reference
 * generator does, the snapshot's {@code now} and options, then its counts and its edge cases (computed from what was
 * written). Same arguments, same bytes.
 */
public final class GenerateCluster {
    static final String DEFAULT_NOW = "2025-01-15T12:00:00Z";

    private GenerateCluster() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** @return the exit code: 0 written, 1 failed, 2 bad arguments (each with a message on {@code err}) */
    static int run(String[] args, PrintStream err) {
        String size = "small";
        long seed = 1;
        String now = DEFAULT_NOW;
        String out = "-";
        boolean extensions = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--size" -> size = value(args[i], value);
                    case "--seed" -> seed = Long.parseLong(value(args[i], value));
                    case "--now" -> now = value(args[i], value);
                    case "--out" -> out = value(args[i], value);
                    case "--extensions" -> {
                        extensions = true;
                        i--;
                    }
                    case "--format" -> {
                        if (!"list".equals(value)) {
                            throw new IllegalArgumentException("--format: only 'list' (a v1 List) is written");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
                i++;
            }
            ClusterProfile profile = ClusterProfile.of(size);
            long nowSeconds = Instant.parse(now).getEpochSecond();
            ClusterModel model = ClusterGenerator.generate(profile, seed, nowSeconds);
            ClusterStatistics stats;
            ExtensionObjects extras = extensions ? new ExtensionObjects(model, seed) : null;
            try (Writer writer = open(out)) {
                stats = new ClusterWriter(model, seed, extras).write(writer);
            }
            err.println("{\"now\": \"" + now + "\", \"options\": {\"keepTagRevisions\": 3, \"keepYoungerThan\": \"60m\","
                    + " \"pruneOverSizeLimit\": null, \"allImages\": true, \"pruneRegistry\": true, \"namespace\": \"\","
                    + " \"ignoreInvalidRefs\": " + (stats.edgeCases.get("activeInvalidRefs") > 0)
                    + ", \"registryURL\": \"https://" + ClusterModel.REGISTRY + "\"}}");
            err.println(stats.countsLine());
            err.println(stats.edgeCasesLine());
            if (extras != null) {
                err.println(extras.summary());
            }
            return 0;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println("gen-cluster: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            err.println("gen-cluster: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("gen-cluster: cannot write " + out + ": " + e);
            return 1;
        }
    }

    private static String value(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static Writer open(String out) throws IOException {
        if (out.equals("-")) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 20) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(Path.of(out)), StandardCharsets.UTF_8),
                1 << 20);
    }
}
