package io.imageprune.policy;

/** Why a revision or image was kept or removed: the first rule of the spec that matched. */
public enum Rule {
    // stage 1, per stream
    YOUNG_STREAM(false, "the stream is younger than keep-younger-than"),
    UNREADABLE_STREAM(false, "an image of the stream has no readable metadata, so the stream is left alone"),
    PROTECTED_NAMESPACE(false, "the stream's namespace is annotated imageprune.io/protect: the stream is left alone"),
    PROTECTED_STREAM(false, "the stream is annotated imageprune.io/protect: it is left alone"),
    UNSAFE_STREAM(false, "the stream's namespace or name is not safe in a URL (an invalid reference, ignored): the "
            + "stream is left alone"),
    CONTAINED_INVALID_REFERENCE(false, "a contained invalid reference could name the stream: it is left alone"),
    // stage 1, per revision (algorithm §6.3, in order)
    YOUNG_REVISION(false, "the revision is younger than keep-younger-than"),
    YOUNG_REVISION_IN_SCOPE(false, "the revision is younger than the imageprune.io/keep-younger-than annotation on its "
            + "namespace or stream"),
    TAG_IN_USE(false, "current revision of a tag that a referrer uses"),
    DANGLING(true, "the revision's image does not exist"),
    RECENT_REVISION(false, "among the newest keep-tag-revisions revisions of its tag"),
    RECENT_REVISION_IN_SCOPE(false, "among the newest revisions the imageprune.io/keep-tag-revisions annotation on its "
            + "namespace or stream keeps"),
    PROTECTED_IMAGE(false, "the image, or a manifest list holding it, is annotated imageprune.io/protect"),
    WITHIN_LIMITS(false, "the image does not exceed the namespace's image size limit"),
    IMAGE_IN_USE(false, "a referrer uses the image by digest in this stream"),
    OLD_REVISION(true, "older than the newest keep-tag-revisions revisions and not in use"),
    EXCEEDS_LIMITS(true, "the image exceeds the namespace's image size limit and is not in use"),
    // stage 1, signature tags sha256-<hex>.sig|.att|.sbom with --prune-orphan-signatures (OrphanSignatures)
    ORPHAN_SIGNATURE(true, "a signature, attestation or SBOM tag revision whose image is absent or deleted in this "
            + "run, older than keep-younger-than and not in use"),
    SIGNATURE_OF_KEPT_IMAGE(false, "the current revision of a signature, attestation or SBOM tag of an image the run "
            + "keeps"),
    // stage 1, registry links
    LAST_LINK_IN_REPOSITORY(true, "no remaining revision of the repository uses it"),
    // a revision (stage 1) or image (stage 2) with an identity not safe in a URL, with ignore-invalid-refs
    UNSAFE_IMAGE(false, "the image names a digest that is not safe in a URL (an invalid reference, ignored): it and "
            + "everything it names are kept"),
    NAMED_BY_UNSAFE_IMAGE(false, "a manifest list whose identity is not safe in a URL names the image: kept with "
            + "everything that list names"),
    // stage 2, per image (algorithm §7.3, in order, then the safety rule)
    IMAGE_IN_STREAM(false, "a remaining stream revision (or a kept manifest list) uses the image"),
    UNMANAGED(false, "the image is not managed by OpenShift and --all=false"),
    YOUNG_IMAGE(false, "the image is younger than keep-younger-than"),
    PINNED(false, "a running workload, template, build or other holder names the image, or a manifest list holding it, "
            + "by digest (safety rule 1)"),
    CONTAINED_IMAGE(false, "a contained invalid reference could name the image, or a manifest list holding it, by a "
            + "hex fragment of its digest"),
    UNREFERENCED_IMAGE(true, "no stream revision references the image"),
    // stage 2, blobs
    LAST_IMAGE_USING_BLOB(true, "no remaining image uses the blob");

    private final boolean removes;
    private final String description;

    Rule(boolean removes, String description) {
        this.removes = removes;
        this.description = description;
    }

    public boolean removes() {
        return removes;
    }

    public String description() {
        return description;
    }
}
