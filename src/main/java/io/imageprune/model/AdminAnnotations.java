package io.imageprune.model;

/**
 * The annotations an admin sets on an Image, ImageStream or Namespace to keep more than the run's settings would:
 * {@code imageprune.io/protect}, {@code imageprune.io/keep-tag-revisions}, {@code imageprune.io/keep-younger-than}.
 * Values are kept as written ("" when absent): they are parsed, and a malformed one reported, where they are used.
 */
public record AdminAnnotations(String protect, String keepTagRevisions, String keepYoungerThan) {
    public static final String PROTECT = "imageprune.io/protect";
    public static final String KEEP_TAG_REVISIONS = "imageprune.io/keep-tag-revisions";
    public static final String KEEP_YOUNGER_THAN = "imageprune.io/keep-younger-than";

    public static final AdminAnnotations NONE = new AdminAnnotations("", "", "");

    public AdminAnnotations {
        protect = protect == null ? "" : protect;
        keepTagRevisions = keepTagRevisions == null ? "" : keepTagRevisions;
        keepYoungerThan = keepYoungerThan == null ? "" : keepYoungerThan;
    }

    /** Exactly {@code "true"} protects, as {@code openshift.io/image.managed} is read; anything else does not. */
    public boolean protects() {
        return "true".equals(protect);
    }

    public boolean isEmpty() {
        return protect.isEmpty() && keepTagRevisions.isEmpty() && keepYoungerThan.isEmpty();
    }

    /** This set with one annotation replaced; other keys are ignored. */
    public AdminAnnotations with(String key, String value) {
        return switch (key) {
            case PROTECT -> new AdminAnnotations(value, keepTagRevisions, keepYoungerThan);
            case KEEP_TAG_REVISIONS -> new AdminAnnotations(protect, value, keepYoungerThan);
            case KEEP_YOUNGER_THAN -> new AdminAnnotations(protect, keepTagRevisions, value);
            default -> this;
        };
    }
}
