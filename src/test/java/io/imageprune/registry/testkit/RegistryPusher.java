package io.imageprune.registry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Pushes tiny schema2 images into a registry with nothing but {@link HttpClient}, the way {@code push.sh} in the
 * toolchain notes does: per blob {@code POST .../blobs/uploads/} (202 + Location), then a monolithic
 * {@code PUT <location>?digest=} (201); then {@code PUT .../manifests/<tag>} (201 + Docker-Content-Digest).
 *
 * <p>Layers are deterministic: the same content string gives the same layer digest in every image and every
 * repository, which is how tests get blobs shared between images.
 */
public final class RegistryPusher {
    public static final String SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /**
     * Every manifest type: with schema2 alone the registry answers 404 for an OCI manifest that exists (e.g. one that
     * skopeo pushed), and existence checks must not depend on how an image was pushed.
     */
    public static final String ACCEPT_ANY_MANIFEST = String.join(", ", SCHEMA2,
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blob as the manifest lists it. */
    public record Blob(String digest, long size) {
    }

    /**
     * @param layerDigest  the first (bottom) layer; with one layer, the only one
     * @param layers       all layers, bottom first
     */
    public record PushedImage(String repository, String tag, String manifestDigest, String layerDigest, long layerSize,
                              String configDigest, long configSize, String manifestJson, List<Blob> layers) {
        /** "repository@digest" */
        public String reference() {
            return repository + "@" + manifestDigest;
        }

        /** Config and layer digests: every blob the manifest references. */
        public List<String> blobDigests() {
            List<String> all = new ArrayList<>();
            all.add(configDigest);
            layers.forEach(l -> all.add(l.digest()));
            return all;
        }

        public long manifestSize() {
            return manifestJson.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    private final String base;
    private final HttpClient http;

    /** @param registryUrl e.g. {@link DistributionRegistry#url()} or {@link FaultProxy#url()} */
    public RegistryPusher(String registryUrl) {
        this.base = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public String url() {
        return base;
    }

    /** A one-layer image whose layer holds {@code hello.txt} with {@code content}. */
    public PushedImage push(String repository, String tag, String content) {
        return push(repository, tag, List.of(content));
    }

    /** An image with one layer per content string, bottom first. Equal contents give equal layer digests. */
    public PushedImage push(String repository, String tag, List<String> layerContents) {
        if (layerContents.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one layer");
        }
        List<Blob> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (String content : layerContents) {
            byte[] tar = layerTar(content);
            byte[] gz = gzip(tar);
            diffIds.add(sha256(tar));
            Blob layer = new Blob(sha256(gz), gz.length);
            upload(repository, gz, layer.digest());
            layers.add(layer);
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[" + quotedList(diffIds) + "]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = sha256(config);
        upload(repository, config, configDigest);

        StringBuilder manifest = new StringBuilder()
                .append("{\"schemaVersion\":2,\"mediaType\":\"").append(SCHEMA2).append("\",")
                .append("\"config\":{\"mediaType\":\"").append(IMAGE_CONFIG).append("\",\"size\":").append(config.length)
                .append(",\"digest\":\"").append(configDigest).append("\"},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            Blob l = layers.get(i);
            manifest.append(i == 0 ? "" : ",")
                    .append("{\"mediaType\":\"").append(LAYER_GZIP).append("\",\"size\":").append(l.size())
                    .append(",\"digest\":\"").append(l.digest()).append("\"}");
        }
        manifest.append("]}");
        String manifestJson = manifest.toString();
        byte[] manifestBytes = manifestJson.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", SCHEMA2)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifestBytes)));
        expect(r, 201, "PUT manifest " + repository + ":" + tag);
        String digest = r.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new IllegalStateException("manifest PUT answered without Docker-Content-Digest"));
        if (!digest.equals(sha256(manifestBytes))) {
            throw new IllegalStateException("registry digest " + digest + " differs from the pushed bytes' "
                    + sha256(manifestBytes));
        }
        Blob first = layers.get(0);
        return new PushedImage(repository, tag, digest, first.digest(), first.size(), configDigest, config.length,
                manifestJson, List.copyOf(layers));
    }

    /** {@code GET /v2/<repo>/manifests/<ref>} accepting schema2 (and the other manifest types); the HTTP status. */
    public int manifestStatus(String repository, String digestOrTag) {
        return send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digestOrTag))
                .header("Accept", ACCEPT_ANY_MANIFEST).GET()).statusCode();
    }

    /** {@code HEAD /v2/<repo>/blobs/<digest>}; the HTTP status. */
    public int blobStatus(String repository, String digest) {
        return send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode();
    }

    /** The digest a tag points to ({@code HEAD} manifest, Docker-Content-Digest), or null when the tag is unknown. */
    public String manifestDigest(String repository, String tag) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + tag))
                .header("Accept", ACCEPT_ANY_MANIFEST).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        return r.statusCode() == 200 ? r.headers().firstValue("Docker-Content-Digest").orElse(null) : null;
    }

    /** Pulls the manifest and then every blob it references; true iff all answered 200 with the content of their digest. */
    public boolean pull(String repository, String digest) {
        HttpResponse<String> m = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digest))
                .header("Accept", ACCEPT_ANY_MANIFEST).GET());
        if (m.statusCode() != 200) {
            return false;
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(m.body());
        } catch (IOException e) {
            throw new IllegalStateException("manifest " + repository + "@" + digest + " is not JSON: " + m.body(), e);
        }
        List<String> blobs = new ArrayList<>();
        blobs.add(manifest.path("config").path("digest").asText());
        manifest.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
        for (String blob : blobs) {
            HttpResponse<byte[]> b = sendBytes(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/" + blob)).GET());
            if (b.statusCode() != 200 || !sha256(b.body()).equals(blob)) {
                return false;
            }
        }
        return true;
    }

    /** {@code GET /v2/<repo>/tags/list}; empty when the repository is unknown or has no tags left. */
    public List<String> tags(String repository) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/tags/list")).GET());
        if (r.statusCode() == 404) {
            return List.of();
        }
        expect(r, 200, "GET tags of " + repository);
        try {
            List<String> tags = new ArrayList<>();
            JSON.readTree(r.body()).path("tags").forEach(t -> tags.add(t.asText()));
            return tags;
        } catch (IOException e) {
            throw new IllegalStateException("tags list of " + repository + " is not JSON: " + r.body(), e);
        }
    }

    /** {@code DELETE /v2/<repo>/manifests/<digest>}; the HTTP status (202 when deleted). */
    public int deleteManifest(String repository, String digest) {
        return delete("/v2/" + repository + "/manifests/" + digest).statusCode();
    }

    /** {@code DELETE /v2/<repo>/blobs/<digest>}; the HTTP status (202 when unlinked from the repository). */
    public int deleteBlob(String repository, String digest) {
        return delete("/v2/" + repository + "/blobs/" + digest).statusCode();
    }

    /** {@code DELETE <path>} against the registry (path starts with '/'); status and body. */
    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    private void upload(String repository, byte[] blob, String digest) {
        HttpResponse<String> start = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "POST upload for " + repository);
        String location = start.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("upload POST answered without Location"));
        URI target = location.startsWith("http") ? URI.create(location) : uri(location);
        String sep = target.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(target + sep + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)));
        expect(put, 201, "PUT blob " + digest + " to " + repository);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("request to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + r.statusCode() + " " + r.body());
        }
    }

    private static String quotedList(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            sb.append(sb.length() == 0 ? "" : ",").append('"').append(v).append('"');
        }
        return sb.toString();
    }

    static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A ustar archive with the single file hello.txt; fixed owner and mtime so equal content means equal bytes. */
    static byte[] layerTar(String content) {
        byte[] data = (content + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] header = new byte[512];
        putString(header, 0, "hello.txt");
        putString(header, 100, "0000644");
        putString(header, 108, "0000000");
        putString(header, 116, "0000000");
        putString(header, 124, String.format("%011o", data.length));
        putString(header, 136, "00000000000");
        for (int i = 148; i < 156; i++) {
            header[i] = ' '; // the checksum is computed with its own field as spaces
        }
        header[156] = '0';
        putString(header, 257, "ustar");
        putString(header, 263, "00");
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        putString(header, 148, String.format("%06o", sum));
        header[154] = 0;
        header[155] = ' ';
        int padded = (data.length + 511) / 512 * 512;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(new byte[padded - data.length]);
        out.writeBytes(new byte[1024]); // end-of-archive marker: two zero blocks
        return out.toByteArray();
    }

    private static void putString(byte[] block, int offset, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, block, offset, b.length);
    }

    /** The JDK writes a gzip header with mtime 0 and no file name, so the output depends on the input only. */
    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
