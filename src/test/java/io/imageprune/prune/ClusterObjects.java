package io.imageprune.prune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.client.OpenShiftClient;
import io.imageprune.registry.testkit.RegistryPusher.Blob;
import io.imageprune.registry.testkit.RegistryPusher.PushedImage;

import java.time.Instant;
import java.util.List;

/** Mirrors images pushed into the real registry as the Image and ImageStream objects OpenShift would keep. */
final class ClusterObjects {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final OpenShiftClient client;
    private final String host;

    /** @param host the registry host[:port] recorded in pull specs */
    ClusterObjects(OpenShiftClient client, String host) {
        this.client = client;
        this.host = host;
    }

    /** Objects whose pull specs name the test's real registry (see {@link RealRegistry}). */
    static ClusterObjects ofRealRegistry(OpenShiftClient client) {
        java.net.URI registry = java.net.URI.create(RealRegistry.registry().url());
        return new ClusterObjects(client, registry.getHost() + ":" + registry.getPort());
    }

    /** The Image objects of the pushed images and a stream whose one tag lists them, newest first. */
    void mirror(String repo, List<PushedImage> newestFirst) {
        newestFirst.forEach(this::createImage);
        createStream(repo, "latest", newestFirst);
    }

    String pullSpec(PushedImage image) {
        return host + "/" + image.repository() + "@" + image.manifestDigest();
    }

    void createImage(PushedImage image) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", "image.openshift.io/v1");
        node.put("kind", "Image");
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", image.manifestDigest());
        metadata.putObject("annotations").put("openshift.io/image.managed", "true");
        node.put("dockerImageReference", pullSpec(image));
        node.put("dockerImageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
        ArrayNode layers = node.putArray("dockerImageLayers");
        long size = 0;
        for (Blob layer : image.layers()) {
            layers.addObject().put("name", layer.digest()).put("size", layer.size())
                    .put("mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip");
            size += layer.size();
        }
        node.putObject("dockerImageMetadata").put("kind", "DockerImage").put("apiVersion", "1.0")
                .put("Id", image.configDigest()).put("Size", size);
        create(node);
    }

    /** A stream with one tag whose history is the images, newest first, each revision created a day earlier. */
    void createStream(String repo, String tag, List<PushedImage> newestFirst) {
        int slash = repo.indexOf('/');
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", "image.openshift.io/v1");
        node.put("kind", "ImageStream");
        node.putObject("metadata").put("namespace", repo.substring(0, slash)).put("name", repo.substring(slash + 1));
        ObjectNode status = node.putObject("status");
        status.put("dockerImageRepository", host + "/" + repo);
        ArrayNode items = status.putArray("tags").addObject().put("tag", tag).putArray("items");
        Instant created = Instant.now().minusSeconds(86_400);
        for (PushedImage image : newestFirst) {
            items.addObject().put("created", created.toString()).put("dockerImageReference", pullSpec(image))
                    .put("image", image.manifestDigest()).put("generation", 1);
            created = created.minusSeconds(86_400);
        }
        create(node);
    }

    /** A running pod in the namespace whose one container runs the image by digest. */
    void createPod(String namespace, String name, String image) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Pod");
        node.putObject("metadata").put("namespace", namespace).put("name", name);
        node.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", image);
        node.putObject("status").put("phase", "Running");
        create(node);
    }

    private void create(ObjectNode node) {
        HasMetadata object = client.getKubernetesSerialization().unmarshal(node.toString());
        client.resource(object).create();
    }
}
