package io.imageprune.snapshot;

import io.imageprune.referrers.ExtraKinds;
import io.imageprune.model.AdminAnnotations;
import io.imageprune.model.BuildSource;
import io.imageprune.model.Container;
import io.imageprune.model.CustomReferrer;
import io.imageprune.model.Image;
import io.imageprune.model.ImageStream;
import io.imageprune.model.Namespace;
import io.imageprune.model.Referrer;
import io.imageprune.model.SpecTag;
import io.imageprune.projection.ProjectionCodec;
import io.imageprune.projection.ProjectionKeys;
import io.imageprune.referrers.CustomReferrers;
import io.imageprune.referrers.ReferrersConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The loader reads what issue 12's extensions need from {@code oc get -o json}: custom resources through their
 * JSONPath expressions, Namespaces' and streams' and images' admin annotations, stream spec tags and pods' ephemeral
 * containers; and the state topic's projection carries all of it unchanged.
 */
class ExtensionKindsLoaderTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static final String LIST = """
            {"apiVersion":"v1","kind":"List","items":[
             {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},"spec":{"ports":[]}},
             {"apiVersion":"serving.knative.dev/v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},
              "spec":{"template":{"spec":{"containers":[{"image":"registry.io/shop/web:v2"},{"image":"side/car"}]}}}},
             {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"shop","annotations":{
              "imageprune.io/protect":"true","imageprune.io/keep-tag-revisions":"5","other":"x"}}},
             {"apiVersion":"image.openshift.io/v1","kind":"ImageStream","metadata":{"name":"web","namespace":"shop",
              "annotations":{"imageprune.io/keep-younger-than":"48h"}},
              "spec":{"tags":[{"name":"stable","from":{"kind":"ImageStreamTag","name":"web:v2"}},{"name":"plain"}]},
              "status":{"dockerImageRepository":"registry.io/shop/web","tags":[]}},
             {"apiVersion":"image.openshift.io/v1","kind":"Image","metadata":{"name":"%s",
              "annotations":{"imageprune.io/protect":"true","openshift.io/image.managed":"true"}}},
             {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"shop"},"spec":{
              "containers":[{"name":"app","image":"a/b/c:1"}],
              "ephemeralContainers":[{"name":"debug","image":"registry.io/tools/debug:1"}]},"status":{"phase":"Running"}}
            ]}""".formatted(DIGEST);

    @Test
    void readsTheExtensionsAndProjectsThemUnchanged() {
        List<Object> loaded = new ArrayList<>();
        LoadStats stats = new SnapshotLoader(new CustomReferrers(ReferrersConfig.DEFAULT)).load(
                new ByteArrayInputStream(LIST.getBytes(StandardCharsets.UTF_8)),
                SnapshotSink.everyObject(loaded::add));
        assertEquals(5, loaded.size(), loaded.toString());
        assertEquals(new CustomReferrer("Service", "serving.knative.dev", "shop", "web", false, null, List.of(
                new CustomReferrer.Reference("spec.template.spec.containers[0].image", "registry.io/shop/web:v2"),
                new CustomReferrer.Reference("spec.template.spec.containers[1].image", "side/car"))), loaded.get(0));
        assertEquals(new Namespace("shop", new AdminAnnotations("true", "5", "")), loaded.get(1));
        ImageStream stream = (ImageStream) loaded.get(2);
        assertEquals(List.of(new SpecTag("stable", new BuildSource("ImageStreamTag", "", "web:v2"))),
                stream.specTags());
        assertEquals(new AdminAnnotations("", "", "48h"), stream.annotations());
        Image image = (Image) loaded.get(3);
        assertEquals(new AdminAnnotations("true", "", ""), image.annotations());
        assertEquals(true, image.managed());
        Referrer pod = (Referrer) loaded.get(4);
        assertEquals(List.of(new Container("debug", false, "registry.io/tools/debug:1")), pod.ephemeralContainers());
        assertEquals(1, stats.skipped().get("Service"), stats.skipped().toString());

        ProjectionCodec codec = new ProjectionCodec();
        for (Object object : loaded) {
            String key = ProjectionKeys.of(object);
            assertEquals(object, codec.decode(key, codec.encode(object)), key);
        }
        assertEquals("Service/shop/web", ProjectionKeys.of(loaded.get(0)));
        assertEquals("Namespace//shop", ProjectionKeys.of(loaded.get(1)));
    }

    @Test
    void withoutExtraKindsCustomResourcesAreSkipped() {
        List<Object> loaded = new ArrayList<>();
        new SnapshotLoader().load(new ByteArrayInputStream(LIST.getBytes(StandardCharsets.UTF_8)), new SnapshotSink() {
            @Override
            public void customReferrer(CustomReferrer referrer) {
                loaded.add(referrer);
            }
        });
        assertEquals(List.of(), loaded);
    }
}
