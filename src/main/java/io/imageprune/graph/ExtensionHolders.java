package io.imageprune.graph;

import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.SpecTag;
import io.imageprune.reference.ExtractedReferences;
import io.imageprune.reference.ImageRef;
import io.imageprune.reference.ReferrerReferences;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The holders of images that oc does not read (issue 12), kept beside the graph's oc counters so that each extension
 * can be switched off per run and {@code --oc-exact} leaves oc's decisions untouched: custom resources, pods'
 * ephemeral containers and ImageStream spec tags; and the Namespaces carrying admin annotations. Maintained one
 * object at a time like the rest of the graph.
 */
public final class ExtensionHolders {

    /** Where a holder comes from; each is switched on or off on its own. */
    public enum Source {
        CUSTOM_RESOURCE, EPHEMERAL_CONTAINERS, SPEC_TAGS
    }

    /**
     * One field of a holder and what it means to the pruner.
     *
     * @param field     {@code spec.template.spec.containers[0].image}, {@code ephemeral container debug},
     *                  {@code spec tag latest from ImageStreamTag}
     * @param reference the string as written
     */
    public record Field(String field, String reference, ExtractedReferences references) {
    }

    /**
     * @param kind        the holder's kind ({@code Rollout}, {@code Pod}, {@code ImageStream})
     * @param countsSince null when the holder counts whatever the threshold, else it counts only while this time is
     *                    not before the run's threshold (a pod's creation, a finished run's completion)
     */
    public record Holder(Source source, String kind, String namespace, String name, Instant countsSince,
                         List<Field> fields, ExtractedReferences references) {
        public boolean counts(Instant threshold) {
            return countsSince == null || !countsSince.isBefore(threshold);
        }

        /** {@code Rollout shop/web}, or {@code MachineOSBuild worker-1} for a cluster-scoped kind. */
        public String describe() {
            return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
        }
    }

    private final Map<Source, Map<String, Holder>> holders = new EnumMap<>(Source.class);
    private final Map<Source, Counts[]> alwaysCounted = new EnumMap<>(Source.class);
    private final Map<Source, Map<String, Holder>> conditional = new EnumMap<>(Source.class);
    private final Map<String, Namespace> namespaces = new HashMap<>();

    ExtensionHolders() {
        for (Source source : Source.values()) {
            holders.put(source, new HashMap<>());
            conditional.put(source, new HashMap<>());
            alwaysCounted.put(source, new Counts[] {new Counts(), new Counts(), new Counts()});
        }
    }

    // ------------------------------------------------------------------------------------------------- updates

    void putCustomReferrer(CustomReferrer referrer) {
        List<Map.Entry<String, String>> images = referrer.references().stream()
                .map(r -> Map.entry(r.path(), r.image())).toList();
        String resource = referrer.kind().toLowerCase(Locale.ROOT)
                + (referrer.group().isEmpty() ? "" : "." + referrer.group());
        put(Source.CUSTOM_RESOURCE, referrer.key(), referrer.kind(), referrer.namespace(), referrer.name(),
                !referrer.runLike() || referrer.finished() == null ? null : referrer.finished(), images.stream()
                        .map(e -> new Field(e.getKey(), e.getValue(),
                                ReferrerReferences.ofImages(resource, referrer.namespace(), referrer.name(),
                                        List.of(e))))
                        .toList(),
                ReferrerReferences.ofImages(resource, referrer.namespace(), referrer.name(), images));
    }

    boolean removeCustomReferrer(String kind, String namespace, String name) {
        return remove(Source.CUSTOM_RESOURCE, kind + "/" + namespace + "/" + name);
    }

    /** A pod's ephemeral containers count exactly when the pod does (algorithm §5.3's phase and age rule). */
    void putEphemeralContainers(Referrer pod, boolean alwaysCounted) {
        remove(Source.EPHEMERAL_CONTAINERS, pod.key());
        if (pod.ephemeralContainers().isEmpty()) {
            return;
        }
        List<Map.Entry<String, String>> images = pod.ephemeralContainers().stream()
                .map((Container c) -> Map.entry("ephemeral container " + c.name(), c.image())).toList();
        String resource = pod.kind().resource();
        put(Source.EPHEMERAL_CONTAINERS, pod.key(), pod.kind().kind(), pod.namespace(), pod.name(),
                alwaysCounted ? null : pod.created(),
                images.stream().map(e -> new Field(e.getKey(), e.getValue(),
                        ReferrerReferences.ofImages(resource, pod.namespace(), pod.name(), List.of(e)))).toList(),
                ReferrerReferences.ofImages(resource, pod.namespace(), pod.name(), images));
    }

    void removeEphemeralContainers(String podKey) {
        remove(Source.EPHEMERAL_CONTAINERS, podKey);
    }

    /** A stream's spec tags hold what they import or alias, as a template would (always counted). */
    void putSpecTags(ImageStream stream) {
        String key = "ImageStream/" + stream.repo();
        remove(Source.SPEC_TAGS, key);
        if (stream.specTags().isEmpty()) {
            return;
        }
        List<Map.Entry<String, BuildSource>> sources = stream.specTags().stream()
                .map((SpecTag t) -> Map.entry("spec tag " + t.name() + " from " + t.from().kind(), t.from()))
                .toList();
        put(Source.SPEC_TAGS, key, "ImageStream", stream.namespace(), stream.name(), null,
                sources.stream().map(e -> new Field(e.getKey(), e.getValue().name(),
                        ReferrerReferences.ofSources("imagestream", stream.namespace(), stream.name(),
                                List.of(e)))).toList(),
                ReferrerReferences.ofSources("imagestream", stream.namespace(), stream.name(), sources));
    }

    void removeSpecTags(String repo) {
        remove(Source.SPEC_TAGS, "ImageStream/" + repo);
    }

    void putNamespace(Namespace namespace) {
        namespaces.put(namespace.name(), namespace);
    }

    boolean removeNamespace(String name) {
        return namespaces.remove(name) != null;
    }

    private void put(Source source, String key, String kind, String namespace, String name, Instant countsSince,
                     List<Field> fields, ExtractedReferences references) {
        remove(source, key);
        Holder holder = new Holder(source, kind, namespace, name, countsSince, fields, references);
        holders.get(source).put(key, holder);
        if (countsSince == null) {
            contribute(source, references, 1);
        } else {
            conditional.get(source).put(key, holder);
        }
    }

    private boolean remove(Source source, String key) {
        Holder old = holders.get(source).remove(key);
        if (old == null) {
            return false;
        }
        if (conditional.get(source).remove(key) == null) {
            contribute(source, old.references(), -1);
        }
        return true;
    }

    private void contribute(Source source, ExtractedReferences refs, int sign) {
        Counts[] counts = alwaysCounted.get(source);
        for (ImageRef ref : refs.refs()) {
            counts[ref.type() == ImageRef.Type.TAG ? 0 : 1].add(ref.key(), sign);
        }
        for (String digest : refs.pinnedDigests()) {
            counts[2].add(digest, sign);
        }
    }

    // ------------------------------------------------------------------------------------------------- queries

    public Collection<Holder> holders(Source source) {
        return Collections.unmodifiableCollection(holders.get(source).values());
    }

    /** Holders of the source that count only while young (see {@link Holder#countsSince()}). */
    public Collection<Holder> conditionalHolders(Source source) {
        return Collections.unmodifiableCollection(conditional.get(source).values());
    }

    /** Tag references ({@link ImageRef#key()}) of the source's always-counted holders. */
    public Counts usedTags(Source source) {
        return alwaysCounted.get(source)[0];
    }

    /** Image-in-stream references ({@link ImageRef#key()}) of the source's always-counted holders. */
    public Counts usedImages(Source source) {
        return alwaysCounted.get(source)[1];
    }

    /** Digests named by the source's always-counted holders. */
    public Counts pinnedDigests(Source source) {
        return alwaysCounted.get(source)[2];
    }

    public Namespace namespace(String name) {
        return namespaces.get(name);
    }

    public Collection<Namespace> namespaces() {
        return Collections.unmodifiableCollection(namespaces.values());
    }

    public int count(Source source) {
        return holders.get(source).size();
    }
}
