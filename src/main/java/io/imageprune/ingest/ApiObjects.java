package io.imageprune.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imageprune.referrers.ExtraKinds;
import io.imageprune.snapshot.SnapshotLoader;
import io.imageprune.snapshot.SnapshotSink;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns an API object into the model object pruning reads, with exactly the conversion the snapshot loader applies
 * to {@code oc get -o json} output, so the live graph and a snapshot can never disagree about a field.
 */
public final class ApiObjects {
    private final KubernetesSerialization serialization;
    private final SnapshotLoader loader;

    public ApiObjects(KubernetesSerialization serialization) {
        this(serialization, ExtraKinds.NONE);
    }

    /** Also converts the custom resources that hold images ({@code extraKinds}). */
    public ApiObjects(KubernetesSerialization serialization, ExtraKinds extraKinds) {
        this.serialization = serialization;
        this.loader = new SnapshotLoader(extraKinds);
    }

    /** @return the model object, or null for an object of a kind pruning does not read */
    public Object toModel(HasMetadata object) {
        String json = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + serialization.asJson(object) + "]}";
        Object[] converted = new Object[1];
        loader.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                SnapshotSink.everyObject(model -> converted[0] = model));
        return converted[0];
    }
}
