package io.imageprune.referrers;

import java.util.Arrays;
import java.util.List;

/** The custom resources imageprune reads unless switched off (issue 12). */
public final class BuiltinReferrers {
    private BuiltinReferrers() {
    }

    private static final String[] POD_TEMPLATE = {".spec.template.spec.initContainers[*].image",
            ".spec.template.spec.containers[*].image"};
    /** Embedded and resolved task specs alike, wherever a pipeline nests them (tasks, finally, status). */
    private static final String[] TEKTON = {"..steps[*].image", "..sidecars[*].image", "..stepTemplate.image"};

    public static final List<ReferrerKindSpec> ALL = List.of(
            spec("serving.knative.dev", "v1", "Service", "services", false, null, POD_TEMPLATE),
            spec("serving.knative.dev", "v1", "Configuration", "configurations", false, null, POD_TEMPLATE),
            spec("serving.knative.dev", "v1", "Revision", "revisions", false, null,
                    ".spec.initContainers[*].image", ".spec.containers[*].image",
                    // the digests Knative resolved the tags to: what the revision actually runs
                    ".status.initContainerStatuses[*].imageDigest", ".status.containerStatuses[*].imageDigest"),
            spec("argoproj.io", "v1alpha1", "Rollout", "rollouts", false, null, POD_TEMPLATE),
            spec("tekton.dev", "v1", "TaskRun", "taskruns", false, ".status.completionTime", TEKTON),
            spec("tekton.dev", "v1", "PipelineRun", "pipelineruns", false, ".status.completionTime", TEKTON),
            spec("kubevirt.io", "v1", "VirtualMachine", "virtualmachines", false, null, "..containerDisk.image"),
            spec("kubevirt.io", "v1", "VirtualMachineInstance", "virtualmachineinstances", false, null,
                    "..containerDisk.image"),
            spec("machineconfiguration.openshift.io", "v1", "MachineOSBuild", "machineosbuilds", true, null,
                    ".status.digestedImagePushSpec"));

    private static ReferrerKindSpec spec(String group, String version, String kind, String plural,
                                         boolean clusterScoped, String finished, String... paths) {
        return new ReferrerKindSpec(group, version, kind, plural, clusterScoped,
                Arrays.stream(paths).map(JsonPath::parse).toList(), finished == null ? null : JsonPath.parse(finished));
    }
}
