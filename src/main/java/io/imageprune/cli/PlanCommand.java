package io.imageprune.cli;

import io.imageprune.document.ExplanationJson;
import io.imageprune.document.PlanJson;
import io.imageprune.execute.PruneExecutor;
import io.imageprune.execute.PruneResult;
import io.imageprune.graph.ReferenceGraph;
import io.imageprune.options.InvalidOptionException;
import io.imageprune.options.OptionValues;
import io.imageprune.policy.Explainer;
import io.imageprune.policy.Extensions;
import io.imageprune.referrers.CustomReferrers;
import io.imageprune.referrers.ReferrersConfig;
import io.imageprune.referrers.ExtraKinds;
import io.imageprune.policy.ImageExplanation;
import io.imageprune.policy.ImageKeys;
import io.imageprune.options.InvalidReferenceMode;
import io.imageprune.policy.PlanFlags;
import io.imageprune.policy.Planner;
import io.imageprune.policy.PruneOptions;
import io.imageprune.policy.RunSwitches;
import io.imageprune.snapshot.SnapshotException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code plan --snapshot FILE}: what {@code oc adm prune images} would prune from a cluster snapshot, and why.
 * Offline: no cluster, registry or Kafka connection and no port.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show what oc adm prune images would prune from a snapshot "
                + "(oc get images,imagestreams,pods,rc,rs,deploy,dc,ds,sts,jobs,cronjobs,bc,builds,limitranges,namespaces,"
                + "ksvc,configurations.serving.knative.dev,revisions.serving.knative.dev,rollouts.argoproj.io,"
                + "taskruns.tekton.dev,pipelineruns.tekton.dev,vm,vmi,machineosbuilds -A -o json; "
                + "kinds not installed can be left out).")
public class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--snapshot", required = true, paramLabel = "FILE",
            description = "A Kubernetes List in JSON or YAML (optionally gzipped).")
    Path snapshot;

    @Option(names = "--keep-tag-revisions", paramLabel = "N", defaultValue = "3",
            converter = OptionConverters.Int.class,
            description = "Number of newest revisions per tag to keep (default: ${DEFAULT-VALUE}).")
    int keepTagRevisions;

    @Option(names = "--keep-younger-than", paramLabel = "DURATION", defaultValue = "60m",
            description = "Keep objects younger than this Go duration, e.g. 90m, 1h30m, 0s (default: ${DEFAULT-VALUE}).")
    String keepYoungerThan;

    @Option(names = "--prune-over-size-limit", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            description = "Prune images exceeding the namespaces' LimitRanges instead of by age and count.")
    Boolean pruneOverSizeLimit;

    @Option(names = "--all", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class, defaultValue = "true",
            description = "Also delete images not managed by OpenShift (default: ${DEFAULT-VALUE}).")
    boolean allImages;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "Only consider this namespace's objects; no image or blob is deleted.")
    String namespace;

    @Option(names = "--ignore-invalid-refs", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            description = "Skip unparsable image references instead of refusing to plan (= --invalid-refs=ignore).")
    Boolean ignoreInvalidRefs;

    @Option(names = "--invalid-refs", paramLabel = "MODE", converter = OptionConverters.InvalidRefs.class,
            description = "What an unparsable image reference does: stop (oc: nothing is pruned), contain (prune the "
                    + "rest, keep what it could name) or ignore (default: stop).")
    InvalidReferenceMode invalidRefs;

    @Option(names = "--prune-registry", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            defaultValue = "true",
            description = "Plan registry deletions (links, blobs, manifests); false: API objects only (default: ${DEFAULT-VALUE}).")
    boolean pruneRegistry;

    @Option(names = "--keep-pinned-images", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            defaultValue = "true",
            description = "Never delete an image that a counted referrer names by digest; false gives oc's exact result (default: ${DEFAULT-VALUE}).")
    boolean keepPinnedImages;

    @Option(names = "--oc-exact", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            description = "oc's exact decisions: no extension beyond oc (no pinned-image rule, no custom resource "
                    + "referrers, ephemeral containers, spec-tag holders or annotations).")
    boolean ocExact;

    @Option(names = "--prune-orphan-signatures", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            description = "Remove the revisions of cosign signature, attestation and SBOM tags "
                    + "(sha256-<hex>.sig|.att|.sbom) whose image is absent or deleted in this run; off with --oc-exact.")
    boolean pruneOrphanSignatures;

    @Option(names = "--referrers", paramLabel = "FILE",
            description = "YAML: which custom resources hold images (builtin, disabled, custom kinds with JSONPath "
                    + "expressions); default: the built-in kinds.")
    Path referrers;

    @Option(names = "--custom-referrers", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class, defaultValue = "true",
            description = "Custom resources (Knative, Argo Rollouts, Tekton, KubeVirt, MachineOSBuild, configured) hold "
                    + "the images they name (default: ${DEFAULT-VALUE}).")
    boolean customReferrers;

    @Option(names = "--ephemeral-containers", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class, defaultValue = "true",
            description = "Pods' ephemeral containers hold their images (default: ${DEFAULT-VALUE}).")
    boolean ephemeralContainers;

    @Option(names = "--spec-tag-holders", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class, defaultValue = "true",
            description = "ImageStream spec.tags[].from holds the tag or image it names (default: ${DEFAULT-VALUE}).")
    boolean specTagHolders;

    @Option(names = "--annotations", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class, defaultValue = "true",
            description = "Apply imageprune.io/protect and the per-scope keep-* annotations (default: ${DEFAULT-VALUE}).")
    boolean annotations;

    @Option(names = "--allow-relaxing", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            converter = OptionConverters.Bool.class,
            description = "Let a per-scope keep-* annotation also keep less than the run's setting.")
    boolean allowRelaxing;

    @Option(names = "--now", paramLabel = "RFC3339", description = "The time to plan for (default: the current time).")
    String now;

    @Option(names = "--explain", paramLabel = "IMAGE",
            description = "Explain why this image is kept or prunable under these options, instead of the plan: its name "
                    + "(sha256:...) or at least 12 hex characters of its digest, as the table prints them.")
    String explain;

    @Option(names = "--details", description = "In the table, every namespace, stream, revision and image instead of "
            + "the biggest ones and a count of the rest.")
    boolean details;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    /** Where progress goes and whether it shows; null: standard error, shown when it is a terminal. */
    Progress.Target progressTarget;

    @Override
    public Integer call() {
        PruneOptions options = resolveOptions();
        if (!output.equals("table") && !output.equals("json")) {
            throw usage("--output must be table or json, not \"" + output + "\"");
        }
        PrintWriter err = spec.commandLine().getErr();
        ReferenceGraph graph;
        PhaseTimings timings = parsed(PhaseTimings::startIfAsked);
        ExtraKinds extraKinds;
        try {
            extraKinds = extraKinds(options);
        } catch (ReferrersConfig.InvalidReferrersException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
        Progress progress = new Progress(progressTarget != null ? progressTarget : Progress.Target.stderr(err),
                "reading " + snapshot.getFileName(), "objects");
        try {
            graph = SnapshotGraphs.load(snapshot, options.namespace(), extraKinds, progress);
            progress.done();
        } catch (SnapshotException | IOException e) {
            progress.done();
            err.println("error: cannot read snapshot " + snapshot + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        String loaded = timings == null ? null : timings.lap();
        if (explain != null) {
            return explain(graph, options);
        }
        Planner planner = Planner.of(graph, options);
        PruneResult result = PruneExecutor.dryRun(planner);
        if (timings != null) {
            err.printf("timings: loaded %d images, %d streams, %d referrers in %s; planned in %s%n",
                    graph.imageCount(), graph.streamCount(), graph.referrerCount(), loaded, timings.lap());
        }
        for (String warning : result.warnings()) {
            err.println("warning: " + warning);
        }
        for (String note : planner.annotationNotes()) {
            err.println("warning: annotation not applied: " + note);
        }
        if (!result.refused()) {
            String done = options.invalidRefs() == InvalidReferenceMode.CONTAIN ? "containing" : "ignoring";
            for (String message : result.invalidReferences()) {
                err.println("warning: " + done + " invalid reference: " + message);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            PlanJson.write(result, out);
        } else {
            new PlanTable(graph, result, details).write(out);
            if (!result.refused() && !planner.containment().isEmpty()) {
                ContainedTable.write(graph, planner.containment(), out);
            }
            if (!result.refused() && options.extensions().any()) {
                BeyondOcTable.write(graph, options, result, out);
            }
        }
        out.flush();
        if (timings != null) {
            err.printf("timings: wrote the %s output in %s%n", output, timings.lap());
        }
        if (result.refused()) {
            err.println("Failed to build graph!");
            err.println();
            err.println("The following objects have invalid references:");
            err.println();
            for (String message : result.invalidReferences()) {
                err.println("  " + message);
            }
            err.println();
            err.println("Either fix the references or delete the objects to make the pruner proceed.");
            err.println("failed to build graph - no changes made");
            err.flush();
            return 1;
        }
        err.flush();
        return 0;
    }

    /**
     * Exit status 1 for an unknown image, so scripts can tell a typo from a kept image; 2 for a digest prefix that is
     * too short or names several images (listed), as for other usage errors.
     */
    private int explain(ReferenceGraph graph, PruneOptions options) {
        String name;
        try {
            name = ImageKeys.resolve(graph, explain);
        } catch (ImageKeys.ImageKeyException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
        ImageExplanation explanation = new Explainer(graph, options).explain(name);
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            ExplanationJson.write(explanation, out);
        } else {
            ExplanationText.write(explanation, out);
        }
        out.flush();
        if (explanation.verdict() == ImageExplanation.Verdict.UNKNOWN_IMAGE) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + explanation.reason());
            err.flush();
            return 1;
        }
        return 0;
    }

    /** oc's completion and validation of the flags (algorithm §1): only the flags given on the command line count. */
    PruneOptions resolveOptions() {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        Duration age = null;
        if (parsed.hasMatchedOption("--keep-younger-than")) {
            age = parsed(() -> OptionValues.duration("--keep-younger-than", keepYoungerThan));
        }
        PlanFlags flags = new PlanFlags(
                parsed.hasMatchedOption("--keep-tag-revisions") ? keepTagRevisions : null,
                age,
                parsed.hasMatchedOption("--prune-over-size-limit") ? pruneOverSizeLimit : null,
                allImages, pruneRegistry, namespace,
                parsed(() -> OptionValues.invalidRefs("--invalid-refs", invalidRefs, "--ignore-invalid-refs",
                        ignoreInvalidRefs)), keepPinnedImages);
        if (ocExact && invalidRefs == InvalidReferenceMode.CONTAIN) {
            throw usage("--invalid-refs=contain contradicts --oc-exact (oc stops on invalid references); "
                    + "give one of them");
        }
        Instant at = now == null ? Instant.now() : parsed(() -> OptionValues.time("--now", now));
        try {
            PruneOptions resolved = flags.resolve(at, PlanFlags.Defaults.OC);
            return new RunSwitches(ocExact, pruneOrphanSignatures).apply(resolved.withExtensions(new Extensions(
                    customReferrers, ephemeralContainers, specTagHolders, annotations, allowRelaxing)), false);
        } catch (PlanFlags.InvalidFlagsException e) {
            throw usage(e.getMessage());
        }
    }

    /** The custom resources read: none with --oc-exact or --custom-referrers=false, else the built-in or the file's. */
    private ExtraKinds extraKinds(PruneOptions options) {
        if (!options.extensions().customResources()) {
            return ExtraKinds.NONE;
        }
        return new CustomReferrers(referrers == null ? ReferrersConfig.DEFAULT : ReferrersFile.read(referrers));
    }

    private <T> T parsed(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidOptionException e) {
            throw usage(e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
